"""The official ToolBH data: ``test_en.json`` / ``test_zh.json``, each one JSON array of rows.

Read from a local file or folder, or downloaded from the Hugging Face dataset
``hf://Joelzhang/ToolBeHonest[@revision]`` through ``hubsource`` (huggingface_hub, imported
lazily); each dataset keeps its data provenance (file hash; the Hub commit). Rows are grouped
by ``subtask`` in file order, and outputs are joined to rows by position within their subtask,
as the official code does (spec §2, T11).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_llmbench.errors import LLMBenchError
from pytest_llmbench.hubsource import HubRef, is_hub_source
from pytest_llmbench.hubsource import fetch as hub_fetch
from pytest_llmbench.hubsource import parse as hub_parse
from pytest_llmbench.provenance import FileDigest, Origin

from .parse import SUBTASK_GROUP, check_row

HF_REPO = "Joelzhang/ToolBeHonest"
FILES = {"en": "test_en.json", "zh": "test_zh.json"}
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


class DataError(LLMBenchError):
    pass


@dataclass
class Dataset:
    language: str
    path: Path
    sha256: str
    rows: list[dict[str, Any]]
    origin: Origin
    by_subtask: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.rows:
            self.by_subtask.setdefault(row["subtask"], []).append(row)


def language_of(path: Path) -> str:
    return "zh" if re.search(r"(^|[_.-])zh([_.-]|$)", path.stem) else "en"


def load_file(path: Path, language: str | None = None, origin: Origin | None = None) -> Dataset:
    """Parse and check one official file; errors name the file and the row index."""
    try:
        raw = path.read_bytes()
        rows = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read ToolBH data: {exc}") from None
    if not isinstance(rows, list):
        raise DataError(f"{path}: expected one JSON array of rows, got {type(rows).__name__}")
    for i, row in enumerate(rows):
        try:
            check_row(row)
        except ValueError as exc:
            raise DataError(f"{path}: row {i}: {exc}") from None
        if row["subtask"] not in SUBTASK_GROUP:
            known = ", ".join(SUBTASK_GROUP)
            raise DataError(f"{path}: row {i}: unknown subtask {row['subtask']!r} ({known})")
    sha = hashlib.sha256(raw).hexdigest()
    if origin is None:  # a local copy: its name and hash (a file name, never a full path)
        origin = Origin("official", location=path.name, files=(FileDigest(path.name, sha),))
    return Dataset(language or language_of(path), path, sha, rows, origin)


def fetch(
    source: str,
    languages: tuple[str, ...] = ("en", "zh"),
    *,
    revision: str | None = None,
    endpoint: str | None = None,
    cache_dir: str | None = None,
) -> list[Dataset]:
    """``source``: a local JSON file, a folder holding ``test_<lang>.json``, or the dataset on
    the Hub: ``hf://owner/name[@revision]`` (or a bare ``owner/name`` with ``revision``),
    downloaded through huggingface_hub and its cache (``hubsource``)."""
    path = Path(source)
    if is_hub_source(source) or (not path.exists() and _REPO_ID.match(source)):
        ref = hub_parse(source) if is_hub_source(source) else HubRef(source, revision)
        if revision and ref.revision and revision != ref.revision:
            raise DataError(f"--revision {revision} contradicts {source}")
        ref = HubRef(ref.repo_id, ref.revision or revision)
        names = [FILES[lang] for lang in languages]
        snap = hub_fetch(ref, names, required=names, endpoint=endpoint, cache_dir=cache_dir)
        return [
            load_file(snap.path(FILES[lang]), lang, snap.origin([FILES[lang]]))
            for lang in languages
        ]
    if revision:
        raise DataError(f"--revision applies to a Hub dataset, not to the local {source}")
    if path.is_file():
        lang = languages[0] if len(languages) == 1 else None
        return [load_file(path, lang)]
    if path.is_dir():
        found = [
            load_file(path / FILES[lang], lang)
            for lang in languages
            if (path / FILES[lang]).is_file()
        ]
        if not found:
            names_ = ", ".join(FILES[lang] for lang in languages)
            raise DataError(f"{path}: none of {names_} found")
        return found
    raise DataError(
        f"--source {source!r}: no such file or folder, and not hf://owner/name[@revision]"
    )


def load_outputs(path: Path) -> dict[str, Any]:
    """An official raw-output file ``results_<model>.json``:
    ``{subtask: {"level_1"|...: [{"solvable": str, "unsolvable": str}, ...]}}``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read model outputs: {exc}") from None
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a JSON object keyed by subtask")
    return data
