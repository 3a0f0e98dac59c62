"""The results document (schema version 2) and its text: JSON with every secret redacted."""

from __future__ import annotations

import json
from typing import Any

from pytest_llmbench.redact import redact_env
from pytest_llmbench.results.records import (
    RESULTS_SCHEMA_VERSION,
    NotRunRecord,
    ResultsDocument,
    RunInfo,
    SampleRow,
    ScenarioVerdict,
    SuiteSummary,
)
from pytest_llmbench.textsafe import encodable


def dumps(document: ResultsDocument | dict[str, Any]) -> str:
    # encodable: a lone surrogate from anywhere (an error body, a reason) must not cost the file.
    text = json.dumps(document, ensure_ascii=False, indent=1)
    return encodable(redact_env(text, json_text=True))


def build_document(
    run_info: RunInfo,
    verdicts: list[ScenarioVerdict],
    rows: list[SampleRow],
    summary: list[SuiteSummary],
    aggregates: dict[str, dict[str, Any]],
    not_run: list[NotRunRecord] | None = None,
) -> ResultsDocument:
    return ResultsDocument(
        schema_version=RESULTS_SCHEMA_VERSION,
        run=run_info,
        summary=summary,
        scenarios=verdicts,
        results=rows,
        aggregates=aggregates,
        not_run=list(not_run or ()),
    )
