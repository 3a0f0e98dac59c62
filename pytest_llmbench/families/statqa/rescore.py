"""``llmbench rescore statqa``: score existing model outputs with the StatQA scorer.

Each input line is ``{"ground_truth": "<official JSON string>", "model_output": "..."}``; each
output line is the input object plus ``score``, ``columns_score`` and ``methods_score`` (0/1).
A bad line is reported with its line number and written back with an ``error`` key instead of
scores, so output line *n* always belongs to input line *n*.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .grading import grade, parse_gold


@dataclass
class RescoreTotals:
    scored: int = 0
    score: int = 0
    columns: int = 0
    methods: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self, mode: str) -> str:
        if not self.scored:
            return f"statqa rescore ({mode}): no line scored, {len(self.errors)} bad line(s)"

        def pct(k: int) -> str:
            return f"{100 * k / self.scored:.2f}%"

        return (
            f"statqa rescore ({mode}): {self.scored} line(s) scored: accuracy {pct(self.score)} "
            f"({self.score}/{self.scored}), methods {pct(self.methods)}, "
            f"columns {pct(self.columns)}; {len(self.errors)} bad line(s)"
        )


def _gold_text(value: Any) -> str:
    if isinstance(value, dict):  # tolerated: an already-parsed gold object
        return json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str):
        raise ValueError(f'"ground_truth" must be a JSON string, got {type(value).__name__}')
    # Unparseable in both modes means a broken line, not the official apostrophe quirk.
    if parse_gold(value, "strict") is None and parse_gold(value, "official") is None:
        raise ValueError('"ground_truth" is not a JSON object string')
    return value


def score_line(text: str, mode: str) -> dict[str, Any]:
    """The output object for one input line; raises ``ValueError`` for a bad line."""
    try:
        row = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    missing = [k for k in ("ground_truth", "model_output") if k not in row]
    if missing:
        raise ValueError(f"missing key(s) {', '.join(missing)}")
    gold = _gold_text(row["ground_truth"])
    output = row["model_output"]
    if output is None:  # a model that gave no answer scores 0, as an invalid answer would
        output = ""
    if not isinstance(output, str):
        raise ValueError(f'"model_output" must be a string, got {type(output).__name__}')
    v = grade(gold, output, mode)
    return {
        **row,
        "score": v.score,
        "columns_score": v.columns_score,
        "methods_score": v.methods_score,
    }


def rescore_lines(
    lines: Iterable[str], mode: str, totals: RescoreTotals, source: str = "input"
) -> Iterator[dict[str, Any]]:
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            out = score_line(text, mode)
        except ValueError as exc:
            totals.errors.append(f"{source}:{number}: {exc}")
            yield {"line": number, "error": str(exc)}
            continue
        totals.scored += 1
        totals.score += out["score"]
        totals.columns += out["columns_score"]
        totals.methods += out["methods_score"]
        yield out
