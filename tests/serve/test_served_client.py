"""``ServedClient``: how calls reach a managed server (address, one at a time for llama.cpp and
spread over its replicas, the tool_choice llama-cpp-python needs), with a recording client in
place of litellm."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelSpec
from pytest_llmbench.errors import ServeError
from pytest_llmbench.serve.client import ServedClient
from pytest_llmbench.serve.group import ServerGroup
from pytest_llmbench.serve.process import ManagedServer
from pytest_llmbench.serve.spec import ServeSpec


class Recorder:
    def __init__(self) -> None:
        self.requests: list[ChatRequest] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.by_base: dict[str | None, int] = {}  # calls in flight per address
        self.most_by_base: dict[str | None, int] = {}

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse:
        self.requests.append(request)
        base = request.model.api_base
        self.in_flight += 1
        self.by_base[base] = self.by_base.get(base, 0) + 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        self.most_by_base[base] = max(self.most_by_base.get(base, 0), self.by_base[base])
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        self.by_base[base] -= 1
        return ChatResponse("ok")

    async def aclose(self) -> None:
        pass


def group(spec: ServeSpec, tmp_path: Path) -> ServerGroup:
    servers = ServerGroup.of(spec, timeout=1, log_dir=tmp_path)
    for i, member in enumerate(servers.members):
        member.port = 8123 + i  # as if started
    return servers


def send(spec: ServeSpec, requests: list[ChatRequest], tmp_path: Path) -> Recorder:
    recorder = Recorder()
    client = ServedClient(recorder, group(spec, tmp_path))

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


def test_llamacpp_replicas_share_the_calls_one_at_a_time_each(tmp_path: Path) -> None:
    spec = ServeSpec("llamacpp", "/m.gguf", (), "m", replicas=3)
    recorder = send(spec, [request(spec, "local/m") for _ in range(12)], tmp_path)
    bases = [f"http://127.0.0.1:{8123 + i}/v1" for i in range(3)]
    assert len(recorder.requests) == 12
    assert recorder.most_in_flight == 3  # all three at work at once ...
    assert recorder.most_by_base == dict.fromkeys(bases, 1)  # ... each on one call at a time
    assert sorted({r.model.api_base for r in recorder.requests}) == bases


class FailingOn(Recorder):
    """Refuses the calls sent to the given addresses; answers the others."""

    def __init__(self, *bases: str) -> None:
        super().__init__()
        self.bases = bases

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse:
        response = await super().complete(request, timeout)
        if request.model.api_base in self.bases:
            raise ConnectionError("refused")
        return response


def test_a_dead_replica_gets_no_more_calls_and_the_live_one_answers_them(
    tmp_path: Path,
) -> None:
    spec = ServeSpec("llamacpp", "/m.gguf", (), "m", replicas=2)
    servers = group(spec, tmp_path)
    dead = ServeError("replica 1 exited with code 139")
    servers.members[0].died = lambda: None  # type: ignore[method-assign]
    servers.members[1].died = lambda: dead  # type: ignore[method-assign]
    inner = FailingOn(servers.members[1].api_base)
    client = ServedClient(inner, servers)

    async def run() -> list[BaseException | ChatResponse]:
        calls = [client.complete(request(spec, "local/m"), timeout=5) for _ in range(6)]
        return await asyncio.gather(*calls, return_exceptions=True)

    outcomes = asyncio.run(run())
    # The one call that met the dead replica says why it died (no retries); every other call
    # went to the live replica and was answered.
    assert outcomes.count(dead) == 1
    assert sum(isinstance(o, ChatResponse) for o in outcomes) == 5
    assert [r.model.api_base for r in inner.requests].count(servers.members[1].api_base) == 1


def test_when_every_replica_has_died_each_call_says_so_and_none_hangs(tmp_path: Path) -> None:
    spec = ServeSpec("llamacpp", "/m.gguf", (), "m", replicas=2)
    servers = group(spec, tmp_path)
    deaths = [ServeError(f"replica {i} exited with code 139") for i in range(2)]
    for member, death in zip(servers.members, deaths, strict=True):
        member.died = lambda death=death: death  # type: ignore[method-assign, misc]
    client = ServedClient(FailingOn(*servers.api_bases), servers)

    async def run() -> list[BaseException | ChatResponse]:
        calls = [client.complete(request(spec, "local/m"), timeout=5) for _ in range(5)]
        return await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 5)

    outcomes = asyncio.run(run())
    assert all(o in deaths for o in outcomes), outcomes
    assert set(outcomes) == set(deaths)  # each replica's own death, then the last one's


def test_replicas_start_together_and_one_failing_stops_the_rest(tmp_path: Path) -> None:
    started: list[int] = []
    stopped: list[int] = []

    class Member(ManagedServer):
        def __init__(self, index: int) -> None:
            super().__init__(ServeSpec("llamacpp", "/m.gguf", (), "m"), 1, tmp_path)
            self.index = index

        def _start(self) -> None:
            started.append(self.index)
            if self.index == 1:
                raise ServeError("replica 1: out of memory")

        def stop(self, grace: float = 10.0) -> None:
            stopped.append(self.index)

    servers = ServerGroup(
        ServeSpec("llamacpp", "/m.gguf", (), "m", replicas=3), [Member(i) for i in range(3)]
    )
    for _ in range(2):  # a failed start is remembered: the same error every time
        try:
            servers.ensure_started()
        except ServeError as exc:
            assert "out of memory" in str(exc)
        else:
            raise AssertionError("a replica failed to start and the group did not say so")
    assert sorted(started) == [0, 1, 2]  # each started once
    assert sorted(set(stopped)) == [0, 1, 2]
    assert str(servers.error) == "replica 1: out of memory"


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
