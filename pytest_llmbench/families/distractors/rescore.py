"""``llmbench rescore distractors``: HotpotQA EM/F1 for existing model outputs (JSONL).

Each input line is ``{"answer": "<gold>", "model_output": "..."}``; the output line is the input
object plus ``em``, ``f1``, ``precision``, ``recall``, ``extracted`` and ``extraction`` (``label``
or ``fallback``: whether a ``Final Answer:`` label was found).  A bad line is reported with its
line number and left out; every other line is still scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .metrics import score_reply


@dataclass
class RescoreResult:
    scored: int = 0
    em_sum: float = 0.0
    f1_sum: float = 0.0
    errors: list[str] = field(default_factory=list)  # "LINE: message"

    def summary_line(self) -> str:
        n = self.scored
        em = f"{100 * self.em_sum / n:.2f}" if n else "—"
        f1 = f"{100 * self.f1_sum / n:.2f}" if n else "—"
        bad = f", {len(self.errors)} bad line(s) skipped" if self.errors else ""
        return f"scored {n} line(s): EM {em}, F1 {f1} (×100){bad}"


def rescore_line(text: str, mode: str = "official") -> dict[str, Any]:
    """The scored object for one JSONL line; ``ValueError`` with a readable reason if bad."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    for key in ("answer", "model_output"):
        if key not in obj:
            raise ValueError(f"missing key {key!r}")
    if not isinstance(obj["answer"], str):
        raise ValueError(f"'answer' must be a string, got {type(obj['answer']).__name__}")
    output = obj["model_output"]
    if output is None:  # a failed call: scores 0, as in the benchmark's averaging
        output = ""
    if not isinstance(output, str):
        raise ValueError(f"'model_output' must be a string or null, got {type(output).__name__}")
    return {**obj, **score_reply(output, obj["answer"], mode)}


def rescore_file(source: Path, target: Path, mode: str = "official") -> RescoreResult:
    result = RescoreResult()
    out_lines = []
    with source.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue  # blank lines (e.g. a trailing newline) are not records
            try:
                scored = rescore_line(line, mode)
            except ValueError as exc:
                result.errors.append(f"{number}: {exc}")
                continue
            result.scored += 1
            result.em_sum += float(scored["em"])
            result.f1_sum += float(scored["f1"])
            out_lines.append(json.dumps(scored, ensure_ascii=False) + "\n")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(out_lines), encoding="utf-8")
    return result
