"""HTTP in separate processes, so the fast path is not bound to one core.

pytest's main thread and the engine loop share one interpreter lock: at hundreds of calls per
second, the HTTP client's own CPU (aiohttp: a few hundred µs per request) competes with
pytest's per-test work and caps the rate. ``WorkerSender`` hands each POST to a child process
(``python -m pytest_llmbench.client.dispatch_worker``) over its stdin as one JSON line and
reads the reply from its stdout; the engine, limits, retries, cache and scoring stay in the
pytest process, so a verdict is computed exactly as on the in-process path. A worker dies
with its parent (end of stdin). If a worker cannot start or dies, its calls fail as retryable
errors and later calls go through this process's own HTTP client.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import sys
from collections.abc import Mapping
from typing import Any

from pytest_llmbench.client.openai_compat import AiohttpSender
from pytest_llmbench.errors import RetryableError

_LINE_LIMIT = 1 << 28  # one reply per line; a long completion must not overflow the reader


def _encode_body(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:  # a garbled reply must reach the parser unchanged
        return base64.b64encode(raw).decode("ascii"), "base64"


def _decode_body(text: str, encoding: str) -> bytes:
    return base64.b64decode(text) if encoding == "base64" else text.encode("utf-8")


class _Worker:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.ready = asyncio.Event()
        self.reader = asyncio.get_running_loop().create_task(self._read())
        self.dead: str | None = None

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            while line := await self.proc.stdout.readline():
                reply = json.loads(line)
                if reply.get("ready"):
                    self.ready.set()
                    continue
                future = self.pending.pop(reply["id"], None)
                if future is not None and not future.done():
                    future.set_result(reply)
        except (ValueError, KeyError, asyncio.LimitOverrunError) as exc:
            self.dead = f"dispatch worker sent an unreadable reply: {type(exc).__name__}"
        finally:
            # No waiting here: this task is cancelled at shutdown, before stdin is closed.
            self.dead = self.dead or "dispatch worker exited"
            self.ready.set()  # nobody may wait for a dead worker
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(RetryableError(self.dead))
            self.pending.clear()


class WorkerSender:
    """Round-robin over ``processes`` worker processes, started on the first call."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._workers: list[_Worker] = []
        self._start_lock: asyncio.Lock | None = None
        self._ids = itertools.count()
        self._turn = itertools.cycle(range(processes))
        self._fallback: AiohttpSender | None = None
        self.failure: str | None = None

    async def start(self) -> None:
        """Start the workers and wait until each can take requests: with ``--llm-rpm`` the
        first requests must not pile up in a pipe and reach the server together."""
        if not self._workers and not self.failure:
            await self._start()
        for worker in self._workers:
            try:
                await asyncio.wait_for(worker.ready.wait(), 30)
            except asyncio.TimeoutError:
                worker.dead = "dispatch worker did not start within 30 s"

    async def _start(self) -> None:
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if self._workers or self.failure:
                return
            try:
                for _ in range(self.processes):
                    proc = await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        "pytest_llmbench.client.dispatch_worker",
                        stdin=asyncio.subprocess.PIPE,
                        stdout=asyncio.subprocess.PIPE,
                        stderr=asyncio.subprocess.DEVNULL,
                        limit=_LINE_LIMIT,
                        # Not in pytest's process group: Ctrl-C is pytest's to handle, and the
                        # worker ends when its stdin closes (also if pytest is killed).
                        start_new_session=True,
                    )
                    self._workers.append(_Worker(proc))
            except OSError as exc:
                self.failure = f"dispatch workers could not start: {exc}"

    async def send(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout: float
    ) -> tuple[int, dict[str, str], bytes]:
        if not self._workers and not self.failure:
            await self._start()
        worker = self._workers[next(self._turn)] if self._workers else None
        if worker is None or worker.dead or worker.proc.stdin is None:
            # This process's own client: slower, never wrong.
            self._fallback = self._fallback or AiohttpSender()
            return await self._fallback.send(url, body, headers, timeout)
        ident = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        worker.pending[ident] = future
        message = {
            "id": ident,
            "url": url,
            "body": body.decode("utf-8"),
            "headers": dict(headers),
            "timeout": timeout,
        }
        try:
            worker.proc.stdin.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
            reply = await future
        except (ConnectionError, RuntimeError) as exc:  # the pipe broke under us
            raise RetryableError(f"dispatch worker unreachable: {exc}") from exc
        finally:
            worker.pending.pop(ident, None)
        if "error" in reply:
            raise RetryableError(str(reply["error"]))
        return int(reply["status"]), dict(reply["headers"]), _decode_body(*reply["body"])

    async def aclose(self) -> None:
        workers, self._workers = self._workers, []
        for w in workers:
            if w.proc.stdin is not None:
                w.proc.stdin.close()
        for w in workers:
            try:
                await asyncio.wait_for(w.proc.wait(), 5)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    w.proc.kill()
                await w.proc.wait()
            w.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await w.reader
        if self._fallback is not None:
            await self._fallback.aclose()


# -- the worker process ------------------------------------------------------------------------
async def _serve() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=_LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, sys.stdout
    )
    writer = asyncio.StreamWriter(transport, protocol, reader, loop)
    sender = AiohttpSender()
    tasks: set[asyncio.Task[None]] = set()
    writer.write(b'{"ready": true}\n')

    async def handle(message: dict[str, Any]) -> None:
        reply: dict[str, Any] = {"id": message["id"]}
        try:
            status, headers, raw = await sender.send(
                message["url"],
                message["body"].encode("utf-8"),
                message["headers"],
                float(message["timeout"]),
            )
            reply.update(status=status, headers=headers, body=_encode_body(raw))
        except RetryableError as exc:
            reply["error"] = str(exc)
        except Exception as exc:  # reported per call: the worker must keep serving the others
            reply["error"] = f"dispatch worker: {type(exc).__name__}: {exc}"
        writer.write(json.dumps(reply, ensure_ascii=False).encode() + b"\n")

    try:
        while line := await reader.readline():
            task = asyncio.create_task(handle(json.loads(line)))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    finally:
        # stdin closed: the run is over (or the parent died); drop what is left.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await sender.aclose()


def main() -> None:
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C reaches the whole process group
        asyncio.run(_serve())


if __name__ == "__main__":
    main()
