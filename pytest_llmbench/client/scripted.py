"""The built-in offline models ``llmbench/reference``, ``llmbench/violate`` and ``llmbench/echo``:
plain in-process clients behind the same ``ModelClient`` protocol as the real ones (as
inspect_ai's mockllm model or httpx's ``MockTransport``).

A ``ScriptedClient`` is made for one sample with the reference conversation it replays, passed
as a value: no registry, no header, no HTTP, no litellm. The engine calls it like any client
(``Engine.call(request, client=...)``), so the conversation loop, the tool loop and the scorers
run exactly as for a real model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pytest_llmbench.client.base import ChatRequest, ChatResponse
from pytest_llmbench.scenario import RefConversation, RefStep
from pytest_llmbench.scoring.api import ToolCall


def scripted_step(
    script: RefConversation, history_users: int, messages: Sequence[Mapping[str, Any]]
) -> RefStep:
    """The step of ``script`` that answers ``messages``: turn = user messages after the
    ``history_users`` of the scenario's prefilled history, step = assistant messages since the
    last user message. Past the end of the script, the last turn and step repeat."""
    turn = sum(1 for m in messages if m.get("role") == "user") - history_users - 1
    step = 0
    for m in reversed(messages):
        if m.get("role") == "user":
            break
        if m.get("role") == "assistant":
            step += 1
    steps = script[min(max(turn, 0), len(script) - 1)]
    return steps[min(step, len(steps) - 1)]


def echo_text(messages: Sequence[Mapping[str, Any]]) -> str:
    """The last user message's text ('' when there is none)."""
    for m in reversed(messages):
        if m.get("role") == "user":
            return str(m.get("content") or "")
    return ""


def _response(step: RefStep, n_messages: int) -> ChatResponse:
    calls = tuple(
        # Unique within the conversation, as a real server's ids are.
        ToolCall(f"call_{n_messages}_{i}", c.name, c.arguments)
        for i, c in enumerate(step.tool_calls)
    )
    return ChatResponse(step.content, calls, finish_reason="tool_calls" if calls else "stop")


class ScriptedClient:
    """Replays one reference conversation (``reference.pass[i]`` or ``reference.fail[i]``)."""

    def __init__(self, script: RefConversation, history_users: int = 0) -> None:
        if not script or not all(script):
            raise ValueError("a scripted conversation needs at least one step per turn")
        self.script = script
        self.history_users = history_users

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse:
        messages = request.messages
        return _response(scripted_step(self.script, self.history_users, messages), len(messages))

    async def aclose(self) -> None:
        pass


class EchoClient:
    """``llmbench/echo``: answers every request with its last user message."""

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse:
        return _response(RefStep(echo_text(request.messages)), len(request.messages))

    async def aclose(self) -> None:
        pass
