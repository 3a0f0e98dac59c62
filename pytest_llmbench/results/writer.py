"""The results document as text: JSON with every secret redacted (``redact``)."""

from __future__ import annotations

import json
from typing import Any

from pytest_llmbench.redact import redact_env

RESULTS_SCHEMA_VERSION = 1


def dumps(document: dict[str, Any]) -> str:
    return redact_env(json.dumps(document, ensure_ascii=False, indent=1), json_text=True)


def build_document(
    run_info: dict[str, Any], rows: list[dict[str, Any]], summary: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "schema_version": RESULTS_SCHEMA_VERSION,
        "run": run_info,
        "summary": summary,
        "results": rows,
    }
