"""The OpenAI-compatible fast path: which requests take it, how replies and errors are read."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from pytest_llmbench.client.base import ChatRequest, ModelSpec
from pytest_llmbench.client.openai_compat import (
    OpenAICompatibleClient,
    is_openai_compatible,
    parse_completion,
)
from pytest_llmbench.client.router import RoutingClient
from pytest_llmbench.errors import InfrastructureError, RetryableError
from tests.servers.openai_server import FakeOpenAIServer, Fault

BASE = "http://127.0.0.1:9/v1"


@pytest.mark.parametrize(
    ("name", "api_base", "expected"),
    [
        ("openai/m", BASE, True),
        ("hosted_vllm/m", BASE, True),
        ("openai/m", None, False),  # the real OpenAI API: litellm (prices, key handling)
        ("anthropic/claude", BASE, False),
        ("ollama/llama3", BASE, False),  # ollama's native API is not OpenAI's
        ("gpt-4o", BASE, False),
        ("openai/", BASE, False),
    ],
)
def test_fast_path_only_for_openai_compatible_servers(
    name: str, api_base: str | None, expected: bool
) -> None:
    assert is_openai_compatible(ModelSpec(name, api_base)) is expected


def test_router_keeps_builtins_and_litellm_transport_off_the_fast_path() -> None:
    auto, forced = RoutingClient("auto"), RoutingClient("litellm")
    served = ChatRequest(ModelSpec("openai/m", BASE), [])
    assert auto.uses_fast_path(served)
    assert not forced.uses_fast_path(served)
    assert not auto.uses_fast_path(ChatRequest(ModelSpec("llmbench/reference"), []))


def test_request_body_matches_the_openai_wire_format() -> None:
    request = ChatRequest(
        ModelSpec("hosted_vllm/org/model-7b", BASE),
        [{"role": "user", "content": "hi"}],
        tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}],
        params={"temperature": 0.0, "seed": 3, "max_tokens": None},
    )
    body = OpenAICompatibleClient().request_body(request)
    assert body == {
        "model": "org/model-7b",
        "messages": [{"role": "user", "content": "hi"}],
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}],
        "temperature": 0.0,
        "seed": 3,
    }


def _completion(message: dict[str, Any], **extra: Any) -> bytes:
    body = {"choices": [{"index": 0, "message": message, "finish_reason": "stop"}], **extra}
    return json.dumps(body).encode()


def test_parse_text_tool_calls_and_usage() -> None:
    raw = _completion(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
                # Some servers send an object instead of JSON text.
                {"type": "function", "function": {"name": "g", "arguments": {"x": 1}}},
            ],
        },
        usage={"prompt_tokens": 7, "completion_tokens": 3},
    )
    content, calls, finish, usage = parse_completion(raw)
    assert content is None
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("c1", "f", "{}"),
        ("call_1", "g", '{"x": 1}'),
    ]
    assert finish == "stop"
    assert (usage.prompt_tokens, usage.completion_tokens) == (7, 3)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"choices": [', "malformed reply"),
        (b'{"object": "chat.completion"}', "choices"),
        (b'{"choices": []}', "choices"),
        (_completion({"role": "assistant", "content": ["not", "text"]}), "not text"),
        (b"\xff\xfe", "malformed reply"),
    ],
    ids=["truncated", "no-choices", "empty-choices", "content-list", "not-utf8"],
)
def test_broken_replies_are_retryable_never_a_verdict(raw: bytes, reason: str) -> None:
    with pytest.raises(RetryableError, match=reason):
        parse_completion(raw)


def _call(server: FakeOpenAIServer, timeout: float = 5.0) -> Any:
    async def go() -> Any:
        client = OpenAICompatibleClient()
        try:
            request = ChatRequest(
                ModelSpec("openai/fake-model", server.base_url),
                [{"role": "user", "content": "q"}],
            )
            return await client.complete(request, timeout)
        finally:
            await client.aclose()

    return asyncio.run(go())


def test_against_the_server_reply_and_errors(fake_server: FakeOpenAIServer) -> None:
    fake_server.script(lambda body: "ok")
    response = _call(fake_server)
    assert response.content == "ok"
    assert fake_server.requests[-1]["model"] == "fake-model"

    fake_server.inject(Fault.status(429, retry_after=3))
    with pytest.raises(RetryableError) as info:
        _call(fake_server)
    assert info.value.retry_after == 3.0

    fake_server.inject(Fault.status(503, message="backend melted"))
    with pytest.raises(RetryableError, match="HTTP 503: backend melted"):
        _call(fake_server)

    fake_server.inject(Fault.status(401, message="bad key"))
    with pytest.raises(InfrastructureError, match="HTTP 401: bad key"):
        _call(fake_server)

    fake_server.inject(Fault.drop())
    with pytest.raises(RetryableError, match="APIConnectionError"):
        _call(fake_server)

    fake_server.inject(Fault.timeout(5))
    with pytest.raises(RetryableError, match="Timeout"):
        _call(fake_server, timeout=0.3)

    fake_server.inject(Fault.empty_choices())
    with pytest.raises(RetryableError, match="choices"):
        _call(fake_server)


def test_key_from_the_environment_goes_in_the_header_only(
    fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-planted-123")
    fake_server.script(lambda body: "ok")
    _call(fake_server)
    assert fake_server.request_headers[-1].get("authorization") == "Bearer sk-planted-123"
    assert "sk-planted-123" not in json.dumps(fake_server.requests[-1])


def test_router_answers_fast_path_calls_without_importing_litellm(
    fake_server: FakeOpenAIServer,
) -> None:
    fake_server.script(lambda body: "ok")

    async def go() -> tuple[str | None, RoutingClient]:
        router = RoutingClient("auto")
        try:
            request = ChatRequest(ModelSpec("hosted_vllm/m", fake_server.base_url), [])
            return (await router.complete(request, 5)).content, router
        finally:
            await router.aclose()

    content, router = asyncio.run(go())
    assert content == "ok"
    assert len(fake_server.requests) == 1
    assert router._litellm is None


def test_the_endpoint_keeps_the_query_after_the_path() -> None:
    from pytest_llmbench.client.openai_compat import endpoint

    assert endpoint("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert endpoint("https://u:p@h/openai?api-version=2024-06-01") == (
        "https://u:p@h/openai/chat/completions?api-version=2024-06-01"
    )
