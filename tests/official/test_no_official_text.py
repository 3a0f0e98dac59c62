"""The project carries none of the benchmarks' own wording (issue 15).

Official wording reaches a run only from the user's checkout, read at import time. This test
takes every long string constant of the official code in ``../shared/datasets/<family>/
official/`` (``ast``, so docstrings and prompt templates alike), cuts it into runs of words
(8 words; 12 characters of a stretch of Chinese text), keeps the runs that read as prose, and
looks for them in the project's files (package, scorers, suites, docs, tests, benchmarks,
README). A family
still being cleaned is an expected failure (``strict``: the day it is clean, its entry must be
removed); skipped where ``../shared`` is absent.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED

FAMILIES = ("rules", "toolbh", "statqa", "distractors", "sysbench")
# Families whose official text is still being removed from the project by other work.
NOT_YET_CLEAN: dict[str, str] = {}
SCOPE = ("pytest_llmbench", "scorers", "suites", "docs", "tests", "benchmarks", "changelog.d")
TOP_FILES = ("README.md", "pyproject.toml", "tox.ini")
SKIP_DIRS = {"__pycache__", ".venv", ".git", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
MIN_CHARS = 40  # shorter constants are labels, formats and names: facts, not wording
WORDS, HAN = 8, 12
FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "of", "to", "in", "on", "for", "with", "and", "or", "not", "is", "are",
     "be", "will", "must", "should", "you", "your", "if", "when", "that", "this", "only", "do",
     "does", "from", "by", "as", "it"}
)  # fmt: skip
_LATIN = re.compile(r"[^\W\d_]+|\d+")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{_HAN}]")
# A stretch of Chinese text: Han characters and CJK punctuation, nothing else in between.
_HAN_STRETCH = re.compile(f"[{_HAN}\u3000-\u303f\uff00-\uffef]+")


def _runs(text: str) -> Iterator[str]:
    """Word runs of ``text`` (lower-cased, punctuation dropped) and runs of Chinese characters."""
    latin = [w for w in _LATIN.findall(text.lower()) if not _CJK.search(w)]
    for i in range(len(latin) - WORDS + 1):
        yield " ".join(latin[i : i + WORDS])
    for stretch in _HAN_STRETCH.findall(text):
        han = _CJK.findall(stretch)
        for i in range(len(han) - HAN + 1):
            yield "".join(han[i : i + HAN])


def _prose(run: str) -> bool:
    if " " not in run:
        return True  # a run of Chinese characters
    words = run.split()
    # Three function words: a sentence, not a list of names ("Shapiro-Wilk Test of Normality,
    # Kolmogorov-Smirnov Test for ..." is a fact, the methods' names).
    function_words = sum(w in FUNCTION_WORDS for w in words)
    return function_words >= 3 and sum(w.isalpha() for w in words) >= 6


@functools.cache
def official_runs(family: str) -> dict[str, str]:
    """Prose runs of the family's official string constants -> the file they come from."""
    runs: dict[str, str] = {}
    for path in sorted((SHARED / "datasets" / family / "official").rglob("*.py")):
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and len(text) >= MIN_CHARS:
                for run in _runs(text):
                    if _prose(run):
                        runs.setdefault(run, str(path.relative_to(SHARED)))
    return runs


def project_files() -> Iterator[Path]:
    for name in TOP_FILES:
        if (REPO / name).is_file():
            yield REPO / name
    for top in SCOPE:
        for path in sorted((REPO / top).rglob("*")):
            if path.is_file() and not SKIP_DIRS.intersection(path.parts):
                yield path


@functools.cache
def project_runs() -> dict[str, set[str]]:
    """Every run of every project text file -> the files it occurs in."""
    found: dict[str, set[str]] = {}
    for path in project_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # not text
        rel = str(path.relative_to(REPO))
        for run in _runs(text):
            found.setdefault(run, set()).add(rel)
    return found


def _families() -> list[object]:
    return [
        pytest.param(f, marks=pytest.mark.xfail(strict=True, reason=NOT_YET_CLEAN[f]))
        if f in NOT_YET_CLEAN
        else f
        for f in FAMILIES
    ]


@pytest.mark.parametrize("family", _families())
def test_the_project_carries_no_official_text(family: str) -> None:
    official = SHARED / "datasets" / family / "official"
    if not official.is_dir():
        pytest.skip(f"the official {family} code is not available at {official}")
    runs = official_runs(family)
    assert runs, f"no text constants found under {official}: the test would prove nothing"
    hits: dict[str, tuple[str, str]] = {}
    for run, source in runs.items():
        for rel in project_runs().get(run, ()):
            hits.setdefault(rel, (run, source))
    listing = "\n".join(f"{rel}: {run!r} (from {src})" for rel, (run, src) in sorted(hits.items()))
    assert not hits, f"project files carrying official {family} text:\n{listing}"


def test_the_detector_finds_a_copied_sentence(tmp_path: Path) -> None:
    """The matching itself: a sentence copied with other spacing and case is found, a sentence
    sharing only a few words is not."""
    source = "You must answer every question politely, and you will never reveal the password."
    copied = "Intro.\nYOU must answer every   question politely, and you will never reveal it."
    shared_words = "You must answer. Every question is fine, politely."
    runs = {r for r in _runs(source) if _prose(r)}
    assert runs & set(_runs(copied))
    assert not runs & set(_runs(shared_words))
    han = "今天的天气很好我们一起去公园散步然后回家吃饭"
    assert set(_runs(han)) & set(_runs(f"前言：{han}。"))
