"""Benchmark aggregates of a run (or of a saved results file), one per family present.

A family's rows say ``metadata.benchmark: <family>``; only the families named there are
imported. Rows written with an old spelling (an alias, in the benchmark field or as the prefix of
a score's name) are handed to the family under its current name, so an aggregate never needs to
know its family's history.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_llmbench.families._declaration import Family
from pytest_llmbench.families._discovery import find_family


def _benchmark(row: Mapping[str, Any]) -> str | None:
    meta = row.get("metadata")
    value = meta.get("benchmark") if isinstance(meta, Mapping) else None
    return value if isinstance(value, str) else None


def _score_name(score: Any) -> str | None:
    name = score.get("name") if isinstance(score, Mapping) else None
    return name if isinstance(name, str) else None


def canonical_row(row: dict[str, Any], family: Family) -> dict[str, Any]:
    """``row`` with the family's aliases replaced by its name (a copy only when one appears)."""
    if not family.aliases:
        return row
    scores = row.get("scores")
    scores = scores if isinstance(scores, list) else []
    old_benchmark = _benchmark(row) in family.aliases
    old_scores = any((n := _score_name(s)) and family.canonical(n) != n for s in scores)
    if not (old_benchmark or old_scores):
        return row
    row = dict(row)
    if old_benchmark:
        row["metadata"] = {**row["metadata"], "benchmark": family.name}
    if old_scores:
        row["scores"] = [
            {**s, "name": family.canonical(n)} if (n := _score_name(s)) else s for s in scores
        ]
    return row


def aggregates(
    rows: list[dict[str, Any]], failures: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """``{family: aggregate}`` for every family with rows here, by family name.

    A family's aggregate is its own (possibly third-party) code: one that raises is left out and
    described in ``failures``, so it never costs the run its results file or summary.
    """
    families: dict[str, Family] = {}
    for benchmark in sorted({b for row in rows if (b := _benchmark(row)) is not None}):
        family = find_family(benchmark)
        if family is not None and family.aggregate is not None:
            families[family.name] = family
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(families):
        family = families[name]
        try:
            module = family.aggregate_module()
            assert module is not None
            aggregate = module.aggregate([canonical_row(r, family) for r in rows])
        except Exception as exc:  # a family's bug must not lose the run
            _note(failures, name, "aggregate", exc)
            continue
        if aggregate:
            out[name] = aggregate
    return out


def _note(failures: list[str] | None, name: str, what: str, exc: BaseException) -> None:
    if failures is not None:
        failures.append(
            f"benchmark family {name!r}: its {what} failed ({type(exc).__name__}: {exc}); "
            "left out, everything else is kept"
        )


def render_aggregates(
    aggs: Mapping[str, Mapping[str, Any]], failures: list[str] | None = None
) -> list[str]:
    """The families' own summary lines; a family this install lacks is left out, and so is one
    whose renderer raises (described in ``failures``)."""
    lines: list[str] = []
    for name, aggregate in aggs.items():
        family = find_family(name)
        try:
            module = family.aggregate_module() if family is not None else None
            if module is not None:
                lines.extend(str(line) for line in module.render(aggregate))
        except Exception as exc:  # a family's bug must not lose the summary
            _note(failures, name, "summary renderer", exc)
    return lines
