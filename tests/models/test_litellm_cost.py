"""Cost comes from litellm's (offline) price map where it knows the model, and is absent for
local servers and the built-in models."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_llmbench.client.base import ChatRequest, ModelSpec
from pytest_llmbench.client.litellm_client import LiteLLMClient


@pytest.fixture(scope="module")
def client() -> LiteLLMClient:
    return LiteLLMClient()


def _mock(client: LiteLLMClient, model: str) -> Any:
    return client.litellm.completion(
        model=model,
        messages=[{"role": "user", "content": "hello there"}],
        mock_response="general kenobi",
        api_key="sk-placeholder",
    )


def test_known_remote_model_has_a_cost(client: LiteLLMClient) -> None:
    request = ChatRequest(ModelSpec("openai/gpt-4o-mini"), [{"role": "user", "content": "hi"}])
    cost = client._cost(request, _mock(client, "openai/gpt-4o-mini"))
    assert cost is not None and 0 < cost < 0.01


@pytest.mark.parametrize(
    "spec",
    [ModelSpec("openai/gpt-4o-mini", "http://127.0.0.1:9/v1"), ModelSpec("llmbench/echo")],
    ids=["local-server", "builtin"],
)
def test_local_and_builtin_models_have_no_cost(client: LiteLLMClient, spec: ModelSpec) -> None:
    request = ChatRequest(spec, [{"role": "user", "content": "hi"}])
    assert client._cost(request, _mock(client, "openai/gpt-4o-mini")) is None


def test_unknown_model_has_no_cost(client: LiteLLMClient) -> None:
    request = ChatRequest(ModelSpec("openai/no-such-model-x"), [{"role": "user", "content": "hi"}])
    assert client._cost(request, _mock(client, "openai/no-such-model-x")) is None
