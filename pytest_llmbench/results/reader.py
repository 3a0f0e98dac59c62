"""Reading a results file of any schema version into the current shape (``ResultsDocument``).

Version 1 files (before ``scenarios`` existed) keep working everywhere a results file is read:
``--llm-baseline``, ``llmbench report``, ``llmbench upload``. Their scenario verdicts are
rebuilt from the sample rows by the rule the run applied when they were written: a scenario
passes when every sample passed, ``llmbench/violate`` when one did; a sample error makes it an
error, and a scenario with only a skipped row is skipped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from pytest_llmbench.errors import ResultsFileError
from pytest_llmbench.results.records import (
    RESULTS_SCHEMA_VERSION,
    Outcome,
    ResultsDocument,
    SampleRow,
    ScenarioVerdict,
)


def read_results(path: Path) -> ResultsDocument:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultsFileError(f"cannot read {path}: {exc}") from None
    return parse_results(data, str(path))


def parse_results(data: Any, where: str = "results") -> ResultsDocument:
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ResultsFileError(f"{where} is not a pytest-llmbench results file")
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or version < 1:
        raise ResultsFileError(f"{where}: schema_version {version!r} is not a version number")
    if version > RESULTS_SCHEMA_VERSION:
        raise ResultsFileError(
            f"{where}: schema_version {version} was written by a newer pytest-llmbench "
            f"(this one reads up to {RESULTS_SCHEMA_VERSION})"
        )
    if not isinstance(data.get("run"), dict) or not isinstance(data.get("summary"), list):
        raise ResultsFileError(f"{where} is not a pytest-llmbench results file (no run/summary)")
    rows = cast(list[SampleRow], data["results"])
    if version == 1:
        for row in rows:
            for score in row.get("scores") or []:
                score.setdefault("args", None)  # version 1 did not record them
        scenarios = verdicts_from_rows(rows)
    else:
        if not isinstance(data.get("scenarios"), list):
            raise ResultsFileError(f"{where}: schema_version 2 without a scenarios list")
        scenarios = cast(list[ScenarioVerdict], data["scenarios"])
    return ResultsDocument(
        schema_version=version,
        run=data["run"],
        summary=data["summary"],
        scenarios=scenarios,
        results=rows,
        aggregates=data.get("aggregates") or {},
        not_run=data.get("not_run") or [],  # older files: none recorded
    )


def verdicts_from_rows(rows: list[SampleRow]) -> list[ScenarioVerdict]:
    """The scenario verdicts of a version 1 file, one per (model, suite, scenario)."""
    groups: dict[tuple[Any, Any, Any], list[SampleRow]] = {}
    for r in rows:
        groups.setdefault((r.get("model"), r.get("suite"), r.get("scenario")), []).append(r)
    out = []
    for (model, suite, scenario), samples in groups.items():
        outcomes = [r.get("outcome") for r in samples]
        violate = model == "llmbench/violate"
        passed = sum(1 for o in outcomes if o == "passed")
        outcome: Outcome
        if all(o in ("passed", "failed") for o in outcomes):
            rule = any if violate else all
            outcome = "passed" if rule(o == "passed" for o in outcomes) else "failed"
        elif "error" in outcomes:
            outcome = "error"
        else:
            outcome = "skipped"
        first = samples[0]
        skip_reason = first.get("skip_reason")
        out.append(
            ScenarioVerdict(
                nodeid=str(first.get("nodeid", "")),
                suite=str(suite),
                scenario=str(scenario),
                model=model,
                file=str(first.get("file", "")),
                line=int(first.get("line") or 0),
                provenance=first.get("provenance"),
                outcome=outcome,
                samples_passed=passed if outcome != "skipped" else 0,
                samples_total=len(samples) if outcome != "skipped" else 0,
                expected_failure=violate,
                error=next((r["error"] for r in samples if r.get("error")), None),
                skip_reason=skip_reason,
                has_references=not str(skip_reason or "").startswith("no reference"),
            )
        )
    return out
