"""The official ToolBH data: ``test_en.json`` / ``test_zh.json``, each one JSON array of rows.

Read from a local file or folder, or downloaded from a Hugging Face dataset repo with
huggingface_hub (imported lazily). Rows are grouped by ``subtask`` in file order, and outputs
are joined to rows by position within their subtask, as the official code does (spec §2, T11).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_llmbench.errors import LLMBenchError

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
    by_subtask: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.rows:
            self.by_subtask.setdefault(row["subtask"], []).append(row)


def language_of(path: Path) -> str:
    return "zh" if re.search(r"(^|[_.-])zh([_.-]|$)", path.stem) else "en"


def load_file(path: Path, language: str | None = None) -> Dataset:
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
    return Dataset(language or language_of(path), path, sha, rows)


def fetch(
    source: str,
    languages: tuple[str, ...] = ("en", "zh"),
    *,
    revision: str | None = None,
    endpoint: str | None = None,
    cache_dir: str | None = None,
) -> list[Dataset]:
    """``source``: a local JSON file, a folder holding ``test_<lang>.json``, or a dataset repo id
    (downloaded through huggingface_hub, which keeps its own cache: HF_HOME or ``cache_dir``)."""
    path = Path(source)
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
            names = ", ".join(FILES[lang] for lang in languages)
            raise DataError(f"{path}: none of {names} found")
        return found
    if not _REPO_ID.match(source):
        raise DataError(f"--source {source!r}: no such file or folder, and not a dataset repo id")
    return [
        load_file(_download(source, FILES[lang], revision, endpoint, cache_dir), lang)
        for lang in languages
    ]


def _download(
    repo_id: str, filename: str, revision: str | None, endpoint: str | None, cache_dir: str | None
) -> Path:
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        return Path(
            hf_hub_download(
                repo_id,
                filename,
                repo_type="dataset",
                revision=revision,
                endpoint=endpoint,
                cache_dir=cache_dir,
            )
        )
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot download {filename} from dataset {repo_id}: {first}") from None


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
