"""Rows of the results file: one per scenario × model × sample (or one for a skipped item)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_llmbench.collect import ScenarioItem

PAYLOAD_KEY = "llmbench"  # the user_properties entry carrying an item's rows to the controller


def item_payload(item: ScenarioItem, outcome: str) -> dict[str, Any]:
    """``outcome`` is the pytest outcome of the item: passed, failed, error or skipped."""
    s = item.scenario
    base = {
        "nodeid": item.nodeid,
        "suite": s.suite,
        "scenario": s.id,
        "model": item.model.name if item.model else None,
        "file": str(s.path),
        "line": s.line,
        "tags": list(s.tags),
        "metadata": dict(s.metadata),
        "provenance": s.provenance.to_json() if s.provenance is not None else None,
    }
    result = item.result
    rows: list[dict[str, Any]] = []
    if result is None:
        rows.append(
            {
                **base,
                "sample": 0,
                "outcome": "skipped" if outcome == "skipped" else "error",
                "scores": [],
                "transcript": [],
                "usage": _usage(0, 0),
                "cost": None,
                "latency_s": 0.0,
                "cached": False,
                "calls": 0,
                "error": None,
                "skip_reason": item.skip_reason,
            }
        )
    else:
        for r in result.samples:
            rows.append(
                {
                    **base,
                    "sample": r.sample,
                    "outcome": r.outcome,
                    "scores": r.scores_json(),
                    "transcript": r.transcript_json(),
                    "usage": _usage(r.usage.prompt_tokens, r.usage.completion_tokens),
                    "cost": r.cost,
                    "latency_s": round(r.latency_s, 6),
                    "cached": r.cached,
                    "calls": r.calls,
                    "error": r.error,
                    "reference": r.reference,
                    "stopped_at_turn": r.stopped_at_turn,
                }
            )
    return {
        "item": {**base, "outcome": outcome, "has_references": s.has_references},
        "rows": rows,
    }


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
