"""The results document (schema version 2) and its text: JSON with every secret redacted."""

from __future__ import annotations

import json
from typing import Any

from pytest_llmbench.redact import redact_env
from pytest_llmbench.results.records import (
    RESULTS_SCHEMA_VERSION,
    ResultsDocument,
    RunInfo,
    SampleRow,
    ScenarioVerdict,
    SuiteSummary,
)


def dumps(document: ResultsDocument | dict[str, Any]) -> str:
    return redact_env(json.dumps(document, ensure_ascii=False, indent=1), json_text=True)


def build_document(
    run_info: RunInfo,
    verdicts: list[ScenarioVerdict],
    rows: list[SampleRow],
    summary: list[SuiteSummary],
    aggregates: dict[str, dict[str, Any]],
) -> ResultsDocument:
    return ResultsDocument(
        schema_version=RESULTS_SCHEMA_VERSION,
        run=run_info,
        summary=summary,
        scenarios=verdicts,
        results=rows,
        aggregates=aggregates,
    )
