"""The dispatch worker process: replies pass through unchanged, a dead worker costs retries and
never a verdict, and a worker never outlives the pytest process that started it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pytest_llmbench.client.base import ChatRequest, ModelSpec, RetryableError
from pytest_llmbench.client.dispatch_worker import WorkerSender, _decode_body, _encode_body
from pytest_llmbench.client.openai_compat import OpenAICompatibleClient
from tests.servers.openai_server import FakeOpenAIServer, Fault

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw", [b'{"a": "\\u00e9 \xc3\xa9"}', b"\xff\xfe{", b"", "中文".encode()])
def test_reply_bytes_survive_the_pipe(raw: bytes) -> None:
    assert _decode_body(*_encode_body(raw)) == raw


def _request(server: FakeOpenAIServer, text: str = "q") -> ChatRequest:
    return ChatRequest(
        ModelSpec("openai/fake-model", server.base_url), [{"role": "user", "content": text}]
    )


def test_replies_and_faults_through_the_worker(fake_server: FakeOpenAIServer) -> None:
    fake_server.script(lambda body: "ok é 中")

    async def go() -> list[object]:
        client = OpenAICompatibleClient(WorkerSender(1))
        out: list[object] = []
        try:
            out.append((await client.complete(_request(fake_server), 5)).content)
            fake_server.inject(Fault.malformed())
            with pytest.raises(RetryableError, match="malformed reply"):
                await client.complete(_request(fake_server), 5)
            fake_server.inject(Fault.status(429, retry_after=2))
            try:
                await client.complete(_request(fake_server), 5)
            except RetryableError as exc:
                out.append((exc.rate_limited, exc.retry_after))
            fake_server.inject(Fault.timeout(3))
            with pytest.raises(RetryableError, match="Timeout"):
                await client.complete(_request(fake_server), 0.3)
        finally:
            await client.aclose()
        return out

    assert asyncio.run(go()) == ["ok é 中", (True, 2.0)]


def test_a_killed_worker_fails_its_calls_as_retryable_then_falls_back(
    fake_server: FakeOpenAIServer,
) -> None:
    fake_server.script(lambda body: "ok")

    async def go() -> tuple[list[str], str | None]:
        sender = WorkerSender(1)
        client = OpenAICompatibleClient(sender)
        try:
            await client.complete(_request(fake_server), 5)  # starts the worker
            fake_server.latency = 2.0
            calls = [
                asyncio.create_task(client.complete(_request(fake_server), 10)) for _ in range(3)
            ]
            await asyncio.sleep(0.3)
            sender._workers[0].proc.kill()
            results = await asyncio.gather(*calls, return_exceptions=True)
            errors = [str(r) for r in results if isinstance(r, RetryableError)]
            assert len(errors) == 3, results
            fake_server.latency = 0.0
            after = await client.complete(_request(fake_server), 5)  # this process's client
            return errors, after.content
        finally:
            await client.aclose()

    errors, content = asyncio.run(go())
    assert all("dispatch worker" in e for e in errors)
    assert content == "ok"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes (its parent was killed and init has not reaped it yet).
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_worker_dies_with_a_killed_parent(fake_server: FakeOpenAIServer) -> None:
    fake_server.script(lambda body: "ok")
    parent = textwrap.dedent(
        f"""
        import asyncio, sys, time
        from pytest_llmbench.client.base import ChatRequest, ModelSpec
        from pytest_llmbench.client.dispatch_worker import WorkerSender
        from pytest_llmbench.client.openai_compat import OpenAICompatibleClient

        async def main():
            sender = WorkerSender(1)
            client = OpenAICompatibleClient(sender)
            request = ChatRequest(ModelSpec("openai/m", {fake_server.base_url!r}), [])
            await client.complete(request, 5)
            print(sender._workers[0].proc.pid, flush=True)
            await asyncio.sleep(600)

        asyncio.run(main())
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True, env=env
    ) as proc:
        try:
            assert proc.stdout is not None
            worker = int(proc.stdout.readline())
            assert _alive(worker)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            deadline = time.monotonic() + 10
            while _alive(worker) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not _alive(worker), "the dispatch worker outlived its killed parent"
        finally:
            if proc.poll() is None:
                proc.kill()
