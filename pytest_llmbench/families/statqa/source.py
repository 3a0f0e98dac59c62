"""Reading the official StatQA files: the items, the column metadata, and their counts.

Layout (the official repository's, kept by the project's shared copy)::

    <root>/StatQA/mini-StatQA.json
    <root>/Data/Metadata/Column Metadata/<table>_col_meta.csv
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_llmbench.errors import LLMBenchError
from pytest_llmbench.provenance import Origin, checkout_origin

ITEMS_FILE = Path("StatQA") / "mini-StatQA.json"
METADATA_DIR = Path("Data") / "Metadata" / "Column Metadata"

# Spec §3.2: what a faithful copy of mini-StatQA holds; checked on import so that a truncated or
# edited copy cannot silently produce numbers that look comparable to the paper's.
MINI_STATQA_COUNTS: dict[str, Any] = {
    "items": 1163,
    "tasks": {
        "Descriptive Statistics": 259,
        "Contingency Table Test": 256,
        "Variance Test": 244,
        "Distribution Compliance Test": 236,
        "Correlation Analysis": 168,
    },
    "difficulty": {"easy": 733, "hard": 430},
    "method_set_sizes": {1: 693, 2: 199, 3: 177, 4: 94},
    "column_set_sizes": {1: 422, 2: 579, 3: 162},
    "tables": 36,
    "strata_items": 87,
    "control_items": 75,
}


@dataclass(frozen=True)
class Item:
    index: int  # 0-based position in the items file (the released answers follow this order)
    dataset: str
    question: str
    ground_truth: str  # the official JSON string, kept verbatim for the scorer
    task: str
    difficulty: str
    relevant_columns: tuple[dict[str, Any], ...]

    @property
    def gold(self) -> dict[str, list[str]]:
        parsed: dict[str, list[str]] = json.loads(self.ground_truth)
        return parsed


def _item(index: int, raw: Any) -> Item:
    try:
        return Item(
            index=index,
            dataset=raw["dataset"],
            question=raw["refined_question"],
            ground_truth=raw["ground_truth"],
            task=raw["task"],
            difficulty=raw["difficulty"],
            relevant_columns=tuple(json.loads(raw["relevant_column"])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LLMBenchError(
            f"StatQA item {index}: malformed ({type(exc).__name__}: {exc})"
        ) from None


def load_items(path: Path) -> list[Item]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LLMBenchError(f"cannot read StatQA items from {path}: {exc}") from None
    if not isinstance(raw, list):
        raise LLMBenchError(f"{path}: expected a JSON list of items")
    return [_item(i, r) for i, r in enumerate(raw)]


# What pandas.read_csv reads as missing (its default ``na_values``) and as booleans.
# fmt: off
_NA = frozenset((
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
))
# fmt: on
_BOOLS = {
    spelling: word for word in ("True", "False") for spelling in (word, word.upper(), word.lower())
}
_INT = re.compile(r"[+-]?[0-9]+")


def _float_text(text: str) -> str | None:
    try:
        return repr(float(text))
    except ValueError:
        return None


def _as_pandas_prints(values: list[str]) -> list[str]:
    """One CSV column's cells as upstream prints them after ``pandas.read_csv``: the column's
    type is inferred from all its cells (booleans, integers, floats, else text); a missing
    cell prints ``nan`` and turns an integer column into floats."""
    present = [v for v in values if v not in _NA]
    if not present:
        return ["nan"] * len(values)
    if all(v in _BOOLS for v in present):
        shown = [_BOOLS.get(v, "nan") for v in values]
    elif all(_INT.fullmatch(v) for v in present):
        whole = len(present) == len(values)
        shown = [
            "nan" if v in _NA else str(int(v)) if whole else repr(float(int(v))) for v in values
        ]
    elif all(_float_text(v) is not None for v in present):
        shown = ["nan" if v in _NA else str(_float_text(v)) for v in values]
    else:
        shown = ["nan" if v in _NA else v for v in values]
    return shown


def load_column_metadata(root: Path, dataset: str) -> list[dict[str, str]]:
    """The table's column metadata rows, each field as the official prompt code prints it
    (it reads the file with pandas), in the file's column order."""
    path = root / METADATA_DIR / f"{dataset}_col_meta.csv"
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = [r for r in reader if r]
    except (OSError, StopIteration, csv.Error, UnicodeDecodeError) as exc:
        raise LLMBenchError(f"no readable column metadata for table {dataset!r}: {exc}") from None
    if any(len(r) != len(header) for r in rows):
        raise LLMBenchError(f"{path}: rows with a different number of fields than the header")
    columns = [_as_pandas_prints([r[i] for r in rows]) for i in range(len(header))]
    return [{h: columns[i][n] for i, h in enumerate(header)} for n in range(len(rows))]


def data_origin(
    root: Path, datasets: list[str], *, items_path: Path | None = None, limit: int | None = None
) -> Origin:
    """The data's origin: the official items file and the tables' metadata files, hashed; the
    items of ``--items FILE`` are not the official benchmark."""
    if items_path is not None and items_path.resolve() != (root / ITEMS_FILE).resolve():
        return Origin("own", location=items_path.name, note="items from --items, not mini-StatQA")
    files = [ITEMS_FILE.as_posix()]
    files += [(METADATA_DIR / f"{d}_col_meta.csv").as_posix() for d in datasets]
    note = f"the first {limit} items only" if limit is not None else None
    return checkout_origin(root, files, note=note)


def count_summary(items: list[Item]) -> dict[str, Any]:
    """The §3.2 counts of a list of items (same shape as ``MINI_STATQA_COUNTS``)."""
    golds = [i.gold for i in items]
    return {
        "items": len(items),
        "tasks": dict(Counter(i.task for i in items)),
        "difficulty": dict(Counter(i.difficulty for i in items)),
        "method_set_sizes": dict(sorted(Counter(len(g["methods"]) for g in golds).items())),
        "column_set_sizes": dict(sorted(Counter(len(g["columns"]) for g in golds).items())),
        "tables": len({i.dataset for i in items}),
        "strata_items": sum(any(c.get("is_strata") for c in i.relevant_columns) for i in items),
        "control_items": sum(any(c.get("is_control") for c in i.relevant_columns) for i in items),
    }


def count_mismatches(summary: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    return [
        f"{key}: expected {want}, found {summary.get(key)}"
        for key, want in expected.items()
        if summary.get(key) != want
    ]
