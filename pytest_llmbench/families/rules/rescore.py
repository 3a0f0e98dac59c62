"""Re-score existing RuLES transcripts (conversations produced elsewhere).

Input: JSON Lines, each ``{"scenario": "<name>", "params": {...official names...}, "messages":
[{"role": "user"|"assistant", "content": "..."}...]}`` - the conversation after the system
message (the rules are implied by scenario and params). Output: each good input line plus
``"passed"`` and ``"reason"``, in input order. A bad line (invalid JSON, unknown scenario, wrong
parameters, malformed messages, a RuLES data error such as a malformed named-speaker message)
is reported with its line number and left out; the other lines are still scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_llmbench.families.rules.evaluators import PASS_REASON, evaluate
from pytest_llmbench.families.rules.match import RulesDataError
from pytest_llmbench.families.rules.scenarios import check_params, check_scenario


class BadLine(ValueError):
    pass


@dataclass
class Report:
    scored: int = 0
    passed: int = 0
    errors: list[str] = field(default_factory=list)


def _messages(raw: object) -> list[tuple[str, str]]:
    if not isinstance(raw, list):
        raise BadLine("'messages' must be a list of {role, content} objects")
    out = []
    for i, m in enumerate(raw):
        if not isinstance(m, dict) or not isinstance(m.get("content"), str):
            raise BadLine(f"messages[{i}] must be an object with a string 'content'")
        role = m.get("role")
        if not isinstance(role, str) or role.casefold() not in ("user", "assistant"):
            raise BadLine(f"messages[{i}].role must be 'user' or 'assistant', got {role!r}")
        out.append((role.casefold(), m["content"]))
    return out


def rescore_record(record: object, mode: str = "official") -> dict[str, Any]:
    """``record`` plus ``passed`` and ``reason``; raises ``BadLine`` for unusable input."""
    if not isinstance(record, dict):
        raise BadLine("a line must be a JSON object")
    missing = [k for k in ("scenario", "params", "messages") if k not in record]
    if missing:
        raise BadLine(f"missing key(s) {', '.join(missing)}")
    try:
        scenario = check_scenario(record["scenario"])
        params = check_params(scenario, record["params"])
    except (TypeError, ValueError) as exc:
        raise BadLine(str(exc)) from None
    messages = _messages(record["messages"])
    try:
        verdict = evaluate(scenario, params, messages, strict=mode == "strict")
    except RulesDataError as exc:
        raise BadLine(f"data error: {exc}") from None
    return {**record, "passed": verdict.passed, "reason": verdict.reason or PASS_REASON}


def rescore_file(src: Path, dst: Path, mode: str = "official") -> Report:
    report = Report()
    try:
        lines = src.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        report.errors.append(f"{src}: cannot read: {exc}")
        return report
    out: list[str] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise BadLine(f"invalid JSON: {exc}") from None
            scored = rescore_record(record, mode)
        except BadLine as exc:
            report.errors.append(f"{src}:{n}: {exc}")
            continue
        report.scored += 1
        report.passed += scored["passed"]
        out.append(json.dumps(scored, ensure_ascii=False))
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text("".join(f"{line}\n" for line in out), encoding="utf-8")
    return report
