"""Words shouted per model, from result rows (so it also runs on a saved results file)."""

from __future__ import annotations

from typing import Any


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    models: dict[str, dict[str, int]] = {}
    for row in rows:
        if (row.get("metadata") or {}).get("benchmark") != "example":
            continue
        counts = models.setdefault(str(row.get("model")), {"words": 0, "shouted": 0})
        counts["words"] += 1
        counts["shouted"] += row.get("outcome") == "passed"
    return {"models": models} if models else None


def render(aggregate: dict[str, Any]) -> list[str]:
    return [
        f"example: {model} shouted {c['shouted']} of {c['words']} words"
        for model, c in sorted(aggregate["models"].items())
    ]
