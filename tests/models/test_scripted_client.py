"""The built-in offline models as plain clients: which scripted step answers a conversation,
and the client that answers with it (no litellm, no registry, no header)."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest

from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelSpec
from pytest_llmbench.client.scripted import EchoClient, ScriptedClient, echo_text, scripted_step
from pytest_llmbench.scenario import RefCall, RefConversation, RefStep
from pytest_llmbench.scoring.api import ToolCall

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
def test_scripted_step_picks_step_by_turn_and_step(
    messages: list[dict[str, Any]], expected: RefStep
) -> None:
    assert scripted_step(SCRIPT, 0, messages) == expected


def test_prefilled_history_users_are_not_turns() -> None:
    history = [user("earlier"), assistant("earlier reply")]
    assert scripted_step(SCRIPT, 1, [*history, user("hi")]) == RefStep("Hello Ada.")
    assert scripted_step(SCRIPT, 0, [*history, user("hi")]) == LOOKUP  # counted as turn 1


def test_single_turn_single_step_script() -> None:
    only: RefConversation = ((RefStep("only"),),)
    assert scripted_step(only, 0, [user("q")]) == RefStep("only")
    assert scripted_step(only, 0, [user("q"), assistant(), user("again")]) == RefStep("only")


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
    assert echo_text(messages) == expected
    response = asyncio.run(EchoClient().complete(request(messages, "llmbench/echo"), 1.0))
    assert response == ChatResponse(expected, (), finish_reason="stop")


def request(messages: list[dict[str, Any]], model: str = "llmbench/reference") -> ChatRequest:
    return ChatRequest(ModelSpec(model), messages)


def test_client_answers_with_the_step_as_a_chat_response() -> None:
    client = ScriptedClient(SCRIPT)
    first = asyncio.run(client.complete(request([user("hi")]), 1.0))
    assert first == ChatResponse("Hello Ada.", (), finish_reason="stop")
    messages = [user("a"), assistant(), user("b"), assistant(), user("c"), assistant(None, 1)]
    messages.append(tool())
    second = asyncio.run(client.complete(request(messages), 1.0))
    assert second.content == "checking"
    assert second.finish_reason == "tool_calls"
    # ids unique within the conversation, as a real server's are
    assert second.tool_calls == (
        ToolCall("call_7_0", "lookup", '{"q": "a"}'),
        ToolCall("call_7_1", "lookup", '{"q": "b"}'),
    )


def test_two_clients_keep_their_own_scripts() -> None:
    a = ScriptedClient(((RefStep("A"),),))
    b = ScriptedClient(((RefStep("B"),),))
    assert asyncio.run(a.complete(request([user("x")]), 1.0)).content == "A"
    assert asyncio.run(b.complete(request([user("x")]), 1.0)).content == "B"


def test_an_empty_script_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one step"):
        ScriptedClient(())
    with pytest.raises(ValueError, match="at least one step"):
        ScriptedClient(((RefStep("x"),), ()))


def test_scripted_models_need_no_litellm() -> None:
    import subprocess

    code = (
        "import sys, asyncio\n"
        "from pytest_llmbench.client.scripted import ScriptedClient\n"
        "from pytest_llmbench.client.base import ChatRequest, ModelSpec\n"
        "from pytest_llmbench.scenario import RefStep\n"
        "c = ScriptedClient(((RefStep('ok'),),))\n"
        "r = asyncio.run(c.complete(ChatRequest(ModelSpec('llmbench/reference'), "
        "[{'role': 'user', 'content': 'q'}]), 1))\n"
        "assert r.content == 'ok'\n"
        "print(sorted(m for m in ('litellm', 'aiohttp', 'openai') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
