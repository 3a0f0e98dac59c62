"""Tool-use scorers: which functions the model called, how often, and with what arguments.

Turn-level scorers see the judged turn's calls; conversation-level scorers see every call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pytest_llmbench.scoring.api import Score, ScoreFn, ScorerContext, ToolCall, bounded, scorer

from .matching import check_count, check_str, truncate


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: ``1 == 1.0`` but ``true != 1`` (unlike Python's ``==``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    return bool(a == b)


def mismatches(call: ToolCall, expected: Mapping[str, Any]) -> list[str]:
    """What differs between ``call``'s arguments and ``expected`` (empty when every key matches)."""
    got = call.parsed_arguments()
    if not isinstance(got, dict):
        return [f"arguments are not a JSON object: {truncate(call.arguments, 60)!r}"]
    out: list[str] = []
    for key, want in expected.items():
        if key not in got:
            out.append(f"{key} missing")
        elif not json_equal(got[key], want):
            out.append(f"{key}={truncate(repr(got[key]), 40)} (want {truncate(repr(want), 40)})")
    return out


def describe(calls: Sequence[ToolCall], limit: int = 3) -> str:
    """``name(args), ...`` of at most ``limit`` calls, each shortened."""
    if not calls:
        return "no tool calls"
    shown = ", ".join(f"{c.name}({truncate(c.arguments, 60)})" for c in calls[:limit])
    return shown + (f" and {len(calls) - limit} more" if len(calls) > limit else "")


@scorer("tool_called")
def tool_called(
    name: str, arguments: dict[str, Any] | None = None, count: int | None = None
) -> ScoreFn:
    """The tool ``name`` was called: with ``arguments`` (some call's arguments have every listed
    key with an equal value) and exactly ``count`` times in all, when those are given."""
    tool = check_str(name, "name", allow_empty=False)
    if arguments is not None and not (
        isinstance(arguments, dict) and all(isinstance(k, str) for k in arguments)
    ):
        raise TypeError(
            f"arguments must be a mapping of argument names to values, got {arguments!r}"
        )
    times = None if count is None else check_count(count, "count")
    if times == 0 and arguments is not None:
        raise ValueError("count: 0 contradicts arguments (use no_tool_called instead)")
    want = f"{tool}({', '.join(f'{k}={v!r}' for k, v in (arguments or {}).items())})"

    def score(ctx: ScorerContext) -> Score:
        all_calls = ctx.tool_calls()
        calls = [c for c in all_calls if c.name == tool]
        n = float(len(calls))
        if times is not None and len(calls) != times:
            return Score(
                False,
                f"expected {times} call(s) to {tool}, got {len(calls)}: {describe(all_calls)}",
                n,
            )
        if not calls and times is None:
            return Score(False, f"expected a call to {tool}, got {describe(all_calls)}", n)
        if arguments:
            diffs = [mismatches(c, arguments) for c in calls]
            if all(diffs):
                detail = "; ".join(", ".join(d) for d in diffs[:3])
                return Score(False, f"expected a call {truncate(want, 100)}, got: {detail}", n)
        return Score(True, f"{tool} called {len(calls)} time(s)", n)

    return bounded(score)


@scorer("no_tool_called")
def no_tool_called(name: str | None = None) -> ScoreFn:
    """No call to the tool ``name``, or no tool call at all when ``name`` is omitted."""
    tool = None if name is None else check_str(name, "name", allow_empty=False)

    def score(ctx: ScorerContext) -> Score:
        calls = [c for c in ctx.tool_calls() if tool is None or c.name == tool]
        what = "no tool calls" if tool is None else f"no call to {tool}"
        if not calls:
            return Score(True, what)
        return Score(False, f"expected {what}, got {describe(calls)}", float(len(calls)))

    return bounded(score)
