"""``ServedClient``: how calls reach a managed server (address, one at a time for llama.cpp, the
tool_choice llama-cpp-python needs), with a recording client in place of litellm."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelSpec
from pytest_llmbench.serve.client import ServedClient
from pytest_llmbench.serve.process import ManagedServer
from pytest_llmbench.serve.spec import ServeSpec


class Recorder:
    def __init__(self) -> None:
        self.requests: list[ChatRequest] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse:
        self.requests.append(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        return ChatResponse("ok")

    async def aclose(self) -> None:
        pass


def send(spec: ServeSpec, requests: list[ChatRequest], tmp_path: Path) -> Recorder:
    server = ManagedServer(spec, timeout=1, log_dir=tmp_path)
    server.port = 8123
    recorder = Recorder()
    client = ServedClient(recorder, server)

    async def main() -> None:
        await asyncio.gather(*(client.complete(r, timeout=5) for r in requests))

    asyncio.run(main())
    return recorder


def request(spec: ServeSpec, name: str, **fields: object) -> ChatRequest:
    model = ModelSpec(name, None if name.startswith("llmbench/") else spec.identity)
    return ChatRequest(model, [{"role": "user", "content": "hi"}], **fields)  # type: ignore[arg-type]


TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}


def test_llamacpp_gets_one_call_at_a_time_and_tool_choice_auto(tmp_path: Path) -> None:
    spec = ServeSpec("llamacpp", "/m.gguf", (), "smollm2")
    calls = [request(spec, "local/smollm2") for _ in range(4)]
    calls += [
        request(spec, "local/smollm2", tools=[TOOL]),
        request(spec, "local/smollm2", tools=[TOOL], params={"tool_choice": "required"}),
    ]
    recorder = send(spec, calls, tmp_path)
    assert recorder.most_in_flight == 1
    routed = recorder.requests
    assert {r.model.api_base for r in routed} == {"http://127.0.0.1:8123/v1"}
    assert {r.model.name for r in routed} == {"hosted_vllm/smollm2"}
    assert [r.params.get("tool_choice") for r in routed[-2:]] == ["auto", "required"]
    assert all("tool_choice" not in r.params for r in routed[:4])


def test_llamacpp_gets_no_null_content(tmp_path: Path) -> None:
    spec = ServeSpec("llamacpp", "/m.gguf", (), "m")
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "content": "{}", "tool_call_id": "c1"},
    ]
    sent = request(spec, "hosted_vllm/m")
    (routed,) = send(spec, [replace(sent, messages=messages)], tmp_path).requests
    stripped = {"role": "assistant", "content": "", "tool_calls": [call]}
    assert routed.messages == [messages[0], stripped, messages[2]]


def test_vllm_and_parallel_llama_servers_get_concurrent_calls(tmp_path: Path) -> None:
    vllm = ServeSpec("vllm", "org/M", (), "M")
    calls = [request(vllm, "hosted_vllm/M", tools=[TOOL]) for _ in range(4)]
    recorder = send(vllm, calls, tmp_path)
    assert recorder.most_in_flight == 4
    assert all("tool_choice" not in r.params for r in recorder.requests)
    slots = ServeSpec("llamacpp", "/m.gguf", (("parallel", "2"),), "m")
    recorder = send(slots, [request(slots, "hosted_vllm/m") for _ in range(4)], tmp_path)
    assert recorder.most_in_flight == 2


def test_builtin_models_pass_untouched(tmp_path: Path) -> None:
    spec = ServeSpec("llamacpp", "/m.gguf", (), "m")
    calls = [request(spec, "llmbench/echo") for _ in range(3)]
    recorder = send(spec, calls, tmp_path)
    assert recorder.requests == calls
    assert recorder.most_in_flight == 3


def test_a_server_dying_of_sigill_names_the_build_fix() -> None:
    from pytest_llmbench.serve.process import LLAMACPP_CMAKE_ARGS, _describe

    text = _describe(128 + 4)
    assert "SIGILL" in text and LLAMACPP_CMAKE_ARGS in text and "--no-cache-dir" in text
    assert _describe(128 + 9) == "code 137 (SIGKILL)"
