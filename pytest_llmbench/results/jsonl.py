"""The rows a run adds to a Hub dataset (``runs/<run_id>/results.jsonl``) and their schema.

JSON Lines with the features declared in the dataset card (``FEATURES``, in the YAML form the
Hub and ``datasets`` read), rather than Parquet: Parquet would need pyarrow in the plugin (a
large dependency for an upload of a few hundred rows) and huggingface_hub has no writer of its
own. Type inference alone is what broke loading: a column all null in one run (``error``,
``cost``) is inferred as ``null`` there and as ``string`` in another, and the runs no longer
concatenate. With the features in the card every file is cast to the same types.

Every row carries every column, and every nested record every field (``None`` when absent),
so even a reader that ignores the card infers one shape. Values whose shape is the suite's
choice (scorer arguments, scenario and score metadata) stay JSON text: no schema fits them all.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_llmbench.results.records import ResultsDocument

# The YAML form of ``datasets.Features`` (``Features._to_yaml_list``): ``list:`` holds a list of
# one type, or a list of records given as their fields; ``struct:`` a record. Every Arrow field
# is nullable, so ``dtype: string`` also holds None. tests/hub checks the rows against it.
_TOOL_CALL: list[dict[str, Any]] = [
    {"name": "id", "dtype": "string"},
    {"name": "type", "dtype": "string"},
    {
        "name": "function",
        "struct": [{"name": "name", "dtype": "string"}, {"name": "arguments", "dtype": "string"}],
    },
]
SCORE_FEATURES: list[dict[str, Any]] = [
    {"name": "name", "dtype": "string"},
    {"name": "passed", "dtype": "bool"},
    {"name": "value", "dtype": "float64"},
    {"name": "reason", "dtype": "string"},
    {"name": "turn", "dtype": "int64"},  # None: a conversation-level scorer
    {"name": "args", "dtype": "string"},  # JSON text
    {"name": "metadata", "dtype": "string"},  # JSON text
]
MESSAGE_FEATURES: list[dict[str, Any]] = [
    {"name": "turn", "dtype": "int64"},
    {"name": "role", "dtype": "string"},
    {"name": "content", "dtype": "string"},
    {"name": "name", "dtype": "string"},
    {"name": "tool_call_id", "dtype": "string"},
    {"name": "tool_calls", "list": _TOOL_CALL},
]
FEATURES: list[dict[str, Any]] = [
    {"name": "run_id", "dtype": "string"},
    {"name": "started", "dtype": "string"},  # ISO 8601, UTC
    {"name": "git_revision", "dtype": "string"},
    {"name": "suite", "dtype": "string"},
    {"name": "scenario", "dtype": "string"},
    {"name": "model", "dtype": "string"},
    {"name": "sample", "dtype": "int64"},
    {"name": "outcome", "dtype": "string"},  # passed / failed / error / skipped
    {"name": "passed", "dtype": "bool"},  # None: no verdict (skipped or error)
    {"name": "failing_scorers", "list": "string"},
    {"name": "nodeid", "dtype": "string"},
    {"name": "file", "dtype": "string"},  # relative to the rootdir
    {"name": "line", "dtype": "int64"},
    {"name": "tags", "list": "string"},
    {"name": "prompt_tokens", "dtype": "int64"},
    {"name": "completion_tokens", "dtype": "int64"},
    {"name": "cost", "dtype": "float64"},
    {"name": "latency_s", "dtype": "float64"},
    {"name": "cached", "dtype": "bool"},
    {"name": "calls", "dtype": "int64"},
    {"name": "error", "dtype": "string"},
    {"name": "skip_reason", "dtype": "string"},
    {"name": "reference", "dtype": "string"},
    {"name": "scores", "list": SCORE_FEATURES},
    {"name": "transcript", "list": MESSAGE_FEATURES},
    {"name": "metadata", "dtype": "string"},  # JSON text
]
VERDICTS = ("passed", "failed")  # the outcomes that are a verdict: ``passed`` is None otherwise


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _score(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": _str(s.get("name")),
        "passed": bool(s.get("passed")),
        "value": _float(s.get("value")),
        "reason": _str(s.get("reason")),
        "turn": _int(s.get("turn")),
        "args": _json(s.get("args")),
        "metadata": _json(s.get("metadata")),
    }


def _tool_call(c: dict[str, Any]) -> dict[str, Any]:
    function = c.get("function") or {}
    return {
        "id": _str(c.get("id")),
        "type": _str(c.get("type")),
        "function": {
            "name": _str(function.get("name")),
            "arguments": _str(function.get("arguments")),
        },
    }


def _message(m: dict[str, Any]) -> dict[str, Any]:
    content = m.get("content")
    return {
        "turn": _int(m.get("turn")),
        "role": _str(m.get("role")),
        # Content parts (a list) are not produced by the runner; a hand-made file may have them.
        "content": content if content is None or isinstance(content, str) else _json(content),
        "name": _str(m.get("name")),
        "tool_call_id": _str(m.get("tool_call_id")),
        "tool_calls": [_tool_call(c) for c in m.get("tool_calls") or []],
    }


def dataset_rows(document: ResultsDocument) -> list[dict[str, Any]]:
    """One row per scenario × model × sample, with exactly the columns of ``FEATURES``."""
    run = document.get("run", {})
    out = []
    for r in document.get("results", []):
        usage = r.get("usage") or {}
        scores = [dict(s) for s in r.get("scores", [])]
        outcome = r.get("outcome")
        out.append(
            {
                "run_id": _str(run.get("run_id")),
                "started": _str(run.get("started")),
                "git_revision": _str(run.get("git_revision")),
                "suite": _str(r.get("suite")),
                "scenario": _str(r.get("scenario")),
                "model": _str(r.get("model")),
                "sample": int(r.get("sample") or 0),
                "outcome": _str(outcome),
                "passed": outcome == "passed" if outcome in VERDICTS else None,
                "failing_scorers": [str(s["name"]) for s in scores if not s.get("passed")],
                "nodeid": _str(r.get("nodeid")),
                "file": _str(r.get("file")),
                "line": _int(r.get("line")),
                "tags": [str(t) for t in r.get("tags", [])],
                "prompt_tokens": int(usage.get("prompt_tokens", 0)),
                "completion_tokens": int(usage.get("completion_tokens", 0)),
                "cost": _float(r.get("cost")),
                "latency_s": float(r.get("latency_s") or 0.0),
                "cached": bool(r.get("cached")),
                "calls": int(r.get("calls") or 0),
                "error": _str(r.get("error")),
                "skip_reason": _str(r.get("skip_reason")),
                "reference": _str(r.get("reference")),
                "scores": [_score(s) for s in scores],
                "transcript": [_message(dict(m)) for m in r.get("transcript", [])],
                "metadata": _json(r.get("metadata") or {}),
            }
        )
    return out


def to_jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
