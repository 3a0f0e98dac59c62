"""The rows a run adds to a Hub dataset: ``runs/<run_id>/results.jsonl``."""

from __future__ import annotations

import json
from typing import Any

from pytest_llmbench.results.records import ResultsDocument


def dataset_rows(document: ResultsDocument) -> list[dict[str, Any]]:
    """One flat row per scenario × model × sample. Columns keep one type in every run (nested
    scores, transcripts and metadata as JSON text), so the viewer can read all runs as one
    table whatever the suites' metadata looks like."""
    run = document.get("run", {})
    out = []
    for r in document.get("results", []):
        usage = r.get("usage") or {}
        cost = r.get("cost")
        out.append(
            {
                "run_id": run.get("run_id"),
                "started": run.get("started"),
                "git_revision": run.get("git_revision"),
                "suite": r.get("suite"),
                "scenario": r.get("scenario"),
                "model": r.get("model"),
                "sample": r.get("sample"),
                "outcome": r.get("outcome"),
                "passed": r.get("outcome") == "passed",
                "failing_scorers": [s["name"] for s in r.get("scores", []) if not s["passed"]],
                "nodeid": r.get("nodeid"),
                "tags": [str(t) for t in r.get("tags", [])],
                "prompt_tokens": int(usage.get("prompt_tokens", 0)),
                "completion_tokens": int(usage.get("completion_tokens", 0)),
                "cost": None if cost is None else float(cost),
                "latency_s": float(r.get("latency_s") or 0.0),
                "cached": bool(r.get("cached")),
                "error": r.get("error"),
                "scores": json.dumps(r.get("scores", []), ensure_ascii=False),
                "transcript": json.dumps(r.get("transcript", []), ensure_ascii=False),
                "metadata": json.dumps(r.get("metadata", {}), ensure_ascii=False),
            }
        )
    return out
