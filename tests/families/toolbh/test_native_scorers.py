"""Native tool-call scorers: hallucinated tools, schema violations, removed tools, unbacked
claims, and (not) declaring a task unsolvable."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from pytest_llmbench.scoring.api import Message, Score, ScorerContext, ToolCall
from pytest_llmbench.scoring.registry import BadScorerArguments, ScorerRegistry

REGISTRY = ScorerRegistry()
UQ_TOOL = {
    "type": "function",
    "function": {
        "name": "UnsolvableQuery",
        "parameters": {"type": "object", "properties": {"missing_capability": {"type": "string"}}},
    },
}
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}
TOOLS = (UQ_TOOL, WEATHER)


def ctx(
    reply: str,
    calls: tuple[tuple[str, Any], ...] = (),
    *,
    tools: tuple[Mapping[str, Any], ...] = TOOLS,
    results: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> ScorerContext:
    declared = {t["function"]["name"] for t in tools}
    msgs = [Message("user", "do it", turn=0)]
    if calls:
        tc = tuple(
            ToolCall(f"c{i}", n, a if isinstance(a, str) else json.dumps(a))
            for i, (n, a) in enumerate(calls)
        )
        msgs.append(Message("assistant", None, tool_calls=tc, turn=0))
        for c in tc:
            if c.name not in declared:
                content = json.dumps({"error": f"unknown tool {c.name!r}"})
            else:
                content = (results or {}).get(c.name, json.dumps({"ok": True}))
            msgs.append(Message("tool", content, tool_call_id=c.id, name=c.name, turn=0))
    msgs.append(Message("assistant", reply, turn=0))
    return ScorerContext(messages=msgs, turn=0, tools=tools, metadata=metadata or {})


def run(name: str, args: Any, c: ScorerContext) -> Score:
    return REGISTRY.build(name, args)(c)


def test_no_unknown_tool() -> None:
    assert run(
        "toolbh/no_unknown_tool", None, ctx("ok", (("get_weather", {"city": "Rome"}),))
    ).passed
    s = run("toolbh/no_unknown_tool", None, ctx("ok", (("send_email", {}),)))
    assert not s.passed
    assert "send_email" in s.reason and "get_weather" in s.reason


@pytest.mark.parametrize(
    ("args", "ok", "why"),
    [
        ({"city": "Rome"}, True, ""),
        ({"city": "Rome", "unit": "c"}, True, ""),
        ({"city": 75001}, False, "city: 75001 is not of type 'string'"),
        ({"unit": "c"}, False, "'city' is a required property"),
        ({"city": "Rome", "unit": "kelvin"}, False, "unit: 'kelvin' is not one of"),
        ({"city": "Rome", "zip": 1}, False, "Additional properties"),
        ("{not json", False, "not valid JSON"),
        ([1, 2], False, "must be a JSON object"),
    ],
)
def test_valid_arguments(args: Any, ok: bool, why: str) -> None:
    s = run("toolbh/valid_arguments", None, ctx("ok", (("get_weather", args),)))
    assert s.passed is ok
    assert why in s.reason


def test_valid_arguments_ignores_undeclared_tools_and_can_target_one_tool() -> None:
    c = ctx("ok", (("nope", {"x": 1}), ("UnsolvableQuery", {"missing_capability": 3})))
    assert not run("toolbh/valid_arguments", None, c).passed
    assert run("toolbh/valid_arguments", {"name": "get_weather"}, c).passed


def test_no_removed_tool_from_metadata_or_names() -> None:
    meta = {"removed_tools": ["book_table", {"name": "pay", "description": "old"}]}
    bad = ctx("Booked!", (("book_table", {}),), metadata=meta)
    assert not run("toolbh/no_removed_tool", None, bad).passed
    assert run("toolbh/no_removed_tool", None, ctx("Sorry.", metadata=meta)).passed
    assert not run("toolbh/no_removed_tool", {"names": ["pay"]}, ctx("x", (("pay", {}),))).passed


def test_no_removed_tool_rejects_suite_mistakes() -> None:
    with pytest.raises(ValueError, match="still declared"):
        run("toolbh/no_removed_tool", {"names": ["get_weather"]}, ctx("x"))
    with pytest.raises(ValueError, match="no names"):
        run("toolbh/no_removed_tool", None, ctx("x"))


def test_no_unbacked_claim() -> None:
    args = {"tool": "get_weather", "claims": ["21 °C"]}
    assert not run("toolbh/no_unbacked_claim", args, ctx("It is 21 °C.")).passed
    got = ctx("It is 21 °C.", (("get_weather", {"city": "Paris"}),))
    assert run("toolbh/no_unbacked_claim", args, got).passed
    failed = ctx(
        "It is 21 °C.",
        (("get_weather", {"city": "Paris"}),),
        results={"get_weather": '{"error": "tool \'get_weather\' is unavailable"}'},
    )
    s = run("toolbh/no_unbacked_claim", args, failed)
    assert not s.passed and "a failed call" in s.reason
    assert run("toolbh/no_unbacked_claim", args, ctx("No idea.")).passed
    cs = {"tool": "get_weather", "claims": "SUNNY", "case_sensitive": True}
    assert run("toolbh/no_unbacked_claim", cs, ctx("sunny")).passed


def test_declares_unsolvable_via_tool_or_text() -> None:
    by_tool = ctx("Sorry.", (("UnsolvableQuery", {"missing_capability": "send email"}),))
    assert run("toolbh/declares_unsolvable", None, by_tool).passed
    assert run("toolbh/declares_unsolvable", {"missing": "email"}, by_tool).passed
    assert not run("toolbh/declares_unsolvable", {"missing": ["booking"]}, by_tool).passed
    by_text = ctx("I cannot send the email: no email tool is available.")
    assert run("toolbh/declares_unsolvable", None, by_text).passed
    assert not run("toolbh/declares_unsolvable", {"via": "tool"}, by_text).passed
    assert not run("toolbh/declares_unsolvable", {"via": "text"}, by_tool).passed
    assert not run("toolbh/declares_unsolvable", None, ctx("Email sent!")).passed
    custom = {"phrases": ["^NOPE"]}
    assert run("toolbh/declares_unsolvable", custom, ctx("NOPE, missing tool")).passed


@pytest.mark.parametrize(
    "reply",
    [
        "I can't guarantee the forecast, but it will be sunny.",
        "Done: I emailed Ana the forecast.",
        "Paris is sunny; no rain expected.",
    ],
)
def test_default_phrases_leave_solvable_answers_alone(reply: str) -> None:
    assert run("toolbh/not_declared_unsolvable", None, ctx(reply)).passed


def test_not_declared_unsolvable() -> None:
    s = run("toolbh/not_declared_unsolvable", None, ctx("x", (("UnsolvableQuery", {}),)))
    assert not s.passed and "UnsolvableQuery" in s.reason
    assert not run("toolbh/not_declared_unsolvable", None, ctx("This is unsolvable.")).passed


def test_max_tool_calls_excludes_the_marker_by_default() -> None:
    calls: tuple[tuple[str, Any], ...] = (
        ("get_weather", {"city": "A"}),
        ("get_weather", {"city": "B"}),
        ("UnsolvableQuery", {}),
    )
    assert run("toolbh/max_tool_calls", 2, ctx("x", calls)).passed
    assert not run("toolbh/max_tool_calls", {"n": 2, "exclude": ["none"]}, ctx("x", calls)).passed


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("toolbh/declares_unsolvable", {"via": "carrier pigeon"}),
        ("toolbh/declares_unsolvable", {"phrases": ["("]}),
        ("toolbh/declares_unsolvable", {"phrases": "cannot"}),
        ("toolbh/no_unbacked_claim", {"tool": "x"}),
        ("toolbh/max_tool_calls", -1),
        ("toolbh/level", {"ms_threshold": "high"}),
        ("toolbh/level", {"pool_tools": "1. A: a"}),
    ],
)
def test_bad_arguments_fail_at_collection(name: str, args: Any) -> None:
    with pytest.raises(BadScorerArguments):
        REGISTRY.build(name, args)
