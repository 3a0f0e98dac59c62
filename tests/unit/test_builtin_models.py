"""Reply logic of the built-in offline models: which scripted step answers a conversation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_llmbench.client.builtin import (
    SCRIPT_HEADER,
    register_script,
    release_script,
    reply_for,
)
from pytest_llmbench.scenario import RefCall, RefConversation, RefStep

LOOKUP = RefStep(None, (RefCall("lookup", '{"q": "x"}'),))
LOOKUP_TWICE = RefStep(
    "checking", (RefCall("lookup", '{"q": "a"}'), RefCall("lookup", '{"q": "b"}'))
)

# turn 0: plain text; turn 1: tool call, then text; turn 2: two tool rounds, then text
SCRIPT: RefConversation = (
    (RefStep("Hello Ada."),),
    (LOOKUP, RefStep("Found it.")),
    (LOOKUP, LOOKUP_TWICE, RefStep("All done.")),
)


@pytest.fixture
def token() -> Iterator[str]:
    t = register_script(SCRIPT)
    yield t
    release_script(t)


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def assistant(text: str | None = "…", calls: int = 0) -> dict[str, Any]:
    msg: dict[str, Any] = {"role": "assistant", "content": text}
    if calls:
        msg["tool_calls"] = [
            {"id": f"c{i}", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}
            for i in range(calls)
        ]
    return msg


def tool(call_id: str = "c0") -> dict[str, Any]:
    return {"role": "tool", "content": "result", "tool_call_id": call_id, "name": "lookup"}


SYSTEM = {"role": "system", "content": "Be brief."}

# (case, conversation so far, expected step)
STEPS: list[tuple[str, list[dict[str, Any]], RefStep]] = [
    ("first-turn", [SYSTEM, user("hi")], RefStep("Hello Ada.")),
    ("first-turn-no-system", [user("hi")], RefStep("Hello Ada.")),
    ("second-turn-call", [user("hi"), assistant("Hello Ada."), user("find")], LOOKUP),
    (
        "second-turn-after-tool",
        [user("hi"), assistant("Hello Ada."), user("find"), assistant(None, 1), tool()],
        RefStep("Found it."),
    ),
    (
        "third-turn-call",
        [
            SYSTEM,
            user("hi"),
            assistant(),
            user("find"),
            assistant(None, 1),
            tool(),
            assistant("Found it."),
            user("more"),
        ],
        LOOKUP,
    ),
    (
        "third-turn-second-round",
        [user("a"), assistant(), user("b"), assistant(), user("c"), assistant(None, 1), tool()],
        LOOKUP_TWICE,
    ),
    (
        "third-turn-final-text",
        [
            user("a"),
            assistant(),
            user("b"),
            assistant(),
            user("c"),
            assistant(None, 1),
            tool(),
            assistant("checking", 2),
            tool("c0"),
            tool("c1"),
        ],
        RefStep("All done."),
    ),
    (
        "steps-beyond-script-repeat-last",
        [user("a"), assistant(None, 1), tool(), assistant(None, 1), tool(), assistant(None, 1)],
        RefStep("Hello Ada."),
    ),
    (
        "turns-beyond-script-repeat-last-turn",
        [user("a"), assistant(), user("b"), assistant(), user("c"), assistant(), user("d")],
        LOOKUP,
    ),
    ("no-user-message", [SYSTEM], RefStep("Hello Ada.")),
]


@pytest.mark.parametrize(
    ("messages", "expected"),
    [pytest.param(m, e, id=name) for name, m, e in STEPS],
)
def test_reply_for_picks_step_by_turn_and_step(
    token: str, messages: list[dict[str, Any]], expected: RefStep
) -> None:
    for model in ("reference", "violate"):
        assert reply_for(model, messages, {SCRIPT_HEADER: token}) == expected


def test_single_turn_single_step_script() -> None:
    t = register_script(((RefStep("only"),),))
    try:
        headers = {SCRIPT_HEADER: t}
        assert reply_for("reference", [user("q")], headers) == RefStep("only")
        assert reply_for("reference", [user("q"), assistant(), user("again")], headers) == RefStep(
            "only"
        )
    finally:
        release_script(t)


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([SYSTEM, user("hello there")], "hello there"),
        ([user("first"), assistant("x"), user("second")], "second"),
        ([user("question"), assistant(None, 1), tool()], "question"),
        ([user(""), assistant("x")], ""),
        ([{"role": "user", "content": None}], ""),
        ([SYSTEM], ""),
        ([], ""),
    ],
)
def test_echo_repeats_last_user_message(messages: list[dict[str, Any]], expected: str) -> None:
    step = reply_for("echo", messages, {})
    assert step == RefStep(expected)
    assert step.tool_calls == ()


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({SCRIPT_HEADER: "no-such-token"}, id="unknown-token"),
        pytest.param({SCRIPT_HEADER: ""}, id="empty-token"),
    ],
)
def test_unknown_script_is_a_lookup_error(headers: dict[str, str]) -> None:
    with pytest.raises(LookupError, match="llmbench/reference: no scripted replies"):
        reply_for("reference", [user("hi")], headers)


def test_register_and_release() -> None:
    a = register_script(((RefStep("A"),),))
    b = register_script(((RefStep("B"),),))
    try:
        assert a != b
        assert reply_for("reference", [user("x")], {SCRIPT_HEADER: a}) == RefStep("A")
        assert reply_for("violate", [user("x")], {SCRIPT_HEADER: b}) == RefStep("B")
        release_script(a)
        with pytest.raises(LookupError):
            reply_for("reference", [user("x")], {SCRIPT_HEADER: a})
        # releasing one script leaves the others; releasing twice is harmless
        assert reply_for("violate", [user("x")], {SCRIPT_HEADER: b}) == RefStep("B")
        release_script(a)
    finally:
        release_script(b)
    with pytest.raises(LookupError):
        reply_for("violate", [user("x")], {SCRIPT_HEADER: b})


def test_tokens_are_never_reused() -> None:
    tokens = [register_script(SCRIPT) for _ in range(50)]
    try:
        assert len(set(tokens)) == 50
    finally:
        for t in tokens:
            release_script(t)
    again = register_script(SCRIPT)
    try:
        assert again not in tokens
    finally:
        release_script(again)
