"""StatQA accuracies from result rows: overall, methods-only, columns-only, per task and per
difficulty, in both scoring modes.

The denominator is every scored row (spec §6.4): an invalid answer, or a row whose model call
errored, counts as wrong; only skipped rows are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from pytest_llmbench.scoring.api import SCORING_MODES

from .methods import DIFFICULTIES, TASK_ABBREVIATIONS, TASKS

SCORER = "statqa/answer"


def _answer_score(row: dict[str, Any]) -> dict[str, Any] | None:
    for s in row.get("scores") or ():
        if s.get("name") == SCORER:
            meta: dict[str, Any] = s.get("metadata") or {}
            return meta
    return None


class _Tally:
    def __init__(self) -> None:
        self.n = 0
        self.hits: Counter[str] = Counter()

    def add(self, meta: dict[str, Any] | None) -> None:
        self.n += 1
        if meta is None:
            return
        modes = meta.get("modes") or {}
        by_mode = meta.get("by_mode") or {}
        for mode in SCORING_MODES:
            self.hits[f"overall:{mode}"] += bool(modes.get(mode))
            keys = by_mode.get(mode) or {}
            self.hits[f"methods:{mode}"] += int(keys.get("methods_score") or 0)
            self.hits[f"columns:{mode}"] += int(keys.get("columns_score") or 0)

    def rate(self, what: str) -> dict[str, float]:
        return {m: round(self.hits[f"{what}:{m}"] / self.n, 6) for m in SCORING_MODES}

    def brief(self) -> dict[str, Any]:
        return {"n": self.n, "accuracy": self.rate("overall")}


def _ordered(keys: Iterable[str], order: tuple[str, ...]) -> list[str]:
    known = [k for k in order if k in keys]
    return known + sorted(k for k in keys if k not in order)


def _model_aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total = _Tally()
    tasks: dict[str, _Tally] = {}
    levels: dict[str, _Tally] = {}
    errors: Counter[str] = Counter()
    failed_calls = 0
    for row in rows:
        meta = _answer_score(row)
        failed_calls += meta is None
        md = row.get("metadata") or {}
        for tally in (
            total,
            tasks.setdefault(str(md.get("task", "?")), _Tally()),
            levels.setdefault(str(md.get("difficulty", "?")), _Tally()),
        ):
            tally.add(meta)
        if meta is not None and meta.get("error_category"):
            errors[meta["error_category"]] += 1
    return {
        "n": total.n,
        "accuracy": total.rate("overall"),
        "methods_accuracy": total.rate("methods"),
        "columns_accuracy": total.rate("columns"),
        "by_task": {t: tasks[t].brief() for t in _ordered(tasks, TASKS)},
        "by_difficulty": {d: levels[d].brief() for d in _ordered(levels, DIFFICULTIES)},
        "error_categories": dict(sorted(errors.items())),
        "unscored": failed_calls,
    }


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    mine = [
        r
        for r in rows
        if (r.get("metadata") or {}).get("benchmark") == "statqa" and r.get("outcome") != "skipped"
    ]
    if not mine:
        return None
    models: dict[str, list[dict[str, Any]]] = {}
    for r in mine:
        models.setdefault(str(r.get("model")), []).append(r)
    return {"models": {m: _model_aggregate(rs) for m, rs in models.items()}}


def _pct(rates: dict[str, float]) -> str:
    return " / ".join(f"{100 * rates[m]:.2f}%" for m in SCORING_MODES)


def render(agg: dict[str, Any]) -> list[str]:
    modes = "/".join(SCORING_MODES)
    lines = []
    for model, a in agg.get("models", {}).items():
        lines.append(
            f"statqa {model}: {a['n']} answers, accuracy ({modes}) {_pct(a['accuracy'])}; "
            f"methods {_pct(a['methods_accuracy'])}; columns {_pct(a['columns_accuracy'])}"
        )
        tasks = "  ".join(
            f"{TASK_ABBREVIATIONS.get(t, t)} {_pct(b['accuracy'])} (n={b['n']})"
            for t, b in a["by_task"].items()
        )
        lines.append(f"  per task: {tasks}")
        levels = "  ".join(
            f"{d} {_pct(b['accuracy'])} (n={b['n']})" for d, b in a["by_difficulty"].items()
        )
        lines.append(f"  per difficulty: {levels}")
        if a["unscored"]:
            lines.append(f"  {a['unscored']} answer(s) unscored (errors), counted as wrong")
    return lines
