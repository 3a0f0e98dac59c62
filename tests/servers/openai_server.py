"""An in-process, OpenAI-compatible chat-completions server for tests.

It runs an aiohttp application on its own event loop in a daemon thread so that synchronous
test code (and litellm's own clients) can talk to it over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

__all__ = ["FakeOpenAIServer", "Fault", "Reply", "ScriptFn"]

FaultKind = Literal["status", "timeout", "drop", "malformed", "bad_shape", "empty_choices"]

_ERROR_TYPES: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "bad_request"),
    401: ("authentication_error", "invalid_api_key"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    500: ("server_error", "internal_error"),
    503: ("server_error", "service_unavailable"),
}


@dataclass(frozen=True)
class Fault:
    """One misbehaviour to apply to a single chat request instead of (or before) a reply."""

    kind: FaultKind
    status_code: int = 200
    seconds: float = 0.0
    message: str = ""
    headers: tuple[tuple[str, str], ...] = field(default=())
    then: str | None = None  # a hang returned by a script: the reply sent after it

    @classmethod
    def status(
        cls,
        code: int,
        *,
        retry_after: float | str | None = None,
        message: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """``retry_after``: seconds, or the header's text as given (an HTTP-date)."""
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = (
                retry_after if isinstance(retry_after, str) else format(retry_after, "g")
            )
        return cls(
            kind="status",
            status_code=code,
            message=message or f"Injected fault: HTTP {code}",
            headers=tuple(extra.items()),
        )

    @classmethod
    def timeout(cls, seconds: float) -> Fault:
        return cls(kind="timeout", seconds=seconds)

    @classmethod
    def hang(cls, seconds: float, then: str) -> Fault:
        """From a script: wait ``seconds``, then reply ``then`` (a slow but good answer)."""
        return cls(kind="timeout", seconds=seconds, then=then)

    @classmethod
    def drop(cls) -> Fault:
        return cls(kind="drop")

    @classmethod
    def malformed(cls) -> Fault:
        return cls(kind="malformed")

    @classmethod
    def bad_shape(cls) -> Fault:
        return cls(kind="bad_shape")

    @classmethod
    def empty_choices(cls) -> Fault:
        """A well-formed completion with ``"choices": []`` (seen from overloaded proxies)."""
        return cls(kind="empty_choices")


Reply = str | dict[str, Any] | Fault
ScriptFn = Callable[[dict[str, Any]], Reply]


def error_response(
    message: str, status: int, headers: Mapping[str, str] | None = None
) -> web.Response:
    err_type, code = _ERROR_TYPES.get(status, ("server_error", f"http_{status}"))
    body = {"error": {"message": message, "type": err_type, "param": None, "code": code}}
    return web.json_response(body, status=status, headers=headers)


def _text_of(content: Any) -> str:
    # Content may be a plain string or a list of typed parts (multimodal format).
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(p.get("text", "")) for p in content if isinstance(p, dict) and "text" in p
        )
    return ""


def last_user_text(body: Mapping[str, Any]) -> str:
    messages = body.get("messages") or []
    for msg in reversed(messages):
        if isinstance(msg, dict) and msg.get("role") == "user":
            return _text_of(msg.get("content"))
    return ""


class FakeOpenAIServer:
    """OpenAI-compatible fake; configure it from the test thread while it serves requests."""

    def __init__(self, models: tuple[str, ...] = ("fake-model",)) -> None:
        self.models = models
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._port = 0
        self._latency = 0.0
        self._script: ScriptFn | None = None
        self._faults: deque[Fault] = deque()
        self._requests: list[dict[str, Any]] = []
        self._headers: list[dict[str, str]] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._call_counter = 0
        # (monotonic arrival time, requests in flight including this one, fault applied or None)
        self._arrivals: list[tuple[float, int, Fault | None]] = []

    @property
    def base_url(self) -> str:
        if not self._port:
            raise RuntimeError("server is not running")
        return f"http://127.0.0.1:{self._port}/v1"

    def start(self) -> FakeOpenAIServer:
        if self._thread is not None:
            raise RuntimeError("server already started")
        # Binding here (not in the thread) makes the port known before start() returns.
        # A large backlog so hundreds of simultaneous connects are not refused.
        sock = socket.create_server(("127.0.0.1", 0), backlog=1024)
        self._port = sock.getsockname()[1]
        self._ready.clear()
        self._startup_error = None
        self._thread = threading.Thread(
            target=self._run, args=(sock,), name="fake-openai-server", daemon=True
        )
        self._thread.start()
        self._ready.wait(10)
        if self._startup_error is not None or not self._ready.is_set():
            self.stop()
            raise RuntimeError("fake OpenAI server failed to start") from self._startup_error
        return self

    def stop(self, timeout: float = 5.0) -> None:
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None:
            return
        if loop is not None and stopping is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # loop may have just finished
                loop.call_soon_threadsafe(stopping.set)
        thread.join(timeout)
        if thread.is_alive():
            raise RuntimeError("fake OpenAI server thread did not stop")
        self._thread = self._loop = self._stopping = None
        self._port = 0

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self, sock: socket.socket) -> None:
        try:
            asyncio.run(self._serve(sock))
        except BaseException as exc:  # surfaced to start() instead of dying silently
            self._startup_error = exc
            sock.close()
            self._ready.set()

    async def _serve(self, sock: socket.socket) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        # Short shutdown timeout: pending handlers are woken by _stopping anyway.
        runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await runner.setup()
        try:
            await web.SockSite(runner, sock, backlog=1024).start()
            self._ready.set()
            await self._stopping.wait()
        finally:
            await runner.cleanup()
            sock.close()  # normally already closed by cleanup; guarantees no ResourceWarning

    @property
    def latency(self) -> float:
        with self._lock:
            return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        with self._lock:
            self._latency = float(seconds)

    def script(self, fn: ScriptFn | None) -> None:
        with self._lock:
            self._script = fn

    def reply_map(self, replies: Mapping[str, Reply]) -> None:
        table = dict(replies)

        def lookup(body: dict[str, Any]) -> Reply:
            text = last_user_text(body)
            for needle, reply in table.items():
                if needle in text:
                    return reply
            return f"echo: {text}"

        self.script(lookup)

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def reset(self) -> None:
        with self._lock:
            self._latency = 0.0
            self._script = None
            self._faults.clear()
            self._requests.clear()
            self._headers.clear()
            self._arrivals.clear()
            self._max_in_flight = self._in_flight
            self._call_counter = 0

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._requests)

    @property
    def request_headers(self) -> list[dict[str, str]]:
        with self._lock:
            return [dict(h) for h in self._headers]

    @property
    def arrivals(self) -> list[tuple[float, int, Fault | None]]:
        with self._lock:
            return list(self._arrivals)

    @property
    def max_in_flight(self) -> int:
        with self._lock:
            return self._max_in_flight

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return len(self._faults)

    async def _sleep(self, seconds: float) -> None:
        # Waiting on _stopping instead of a bare sleep lets stop() return promptly.
        if seconds <= 0 or self._stopping is None:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _models(self, request: web.Request) -> web.Response:
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models]
        return web.json_response({"object": "list", "data": data})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        try:
            body = json.loads(await request.read())
        except ValueError:
            return error_response("Request body is not valid JSON", 400)
        if not isinstance(body, dict):
            return error_response("Request body must be a JSON object", 400)
        with self._lock:
            self._requests.append(body)
            # Lower-cased keys: clients differ in header-name casing.
            self._headers.append({k.lower(): v for k, v in request.headers.items()})
            fault = self._faults.popleft() if self._faults else None
            latency, script = self._latency, self._script
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            self._arrivals.append((time.monotonic(), self._in_flight, fault))
        try:
            await self._sleep(latency)
            return await self._respond(request, body, fault, script)
        finally:
            with self._lock:
                self._in_flight -= 1

    async def _respond(
        self,
        request: web.Request,
        body: dict[str, Any],
        fault: Fault | None,
        script: ScriptFn | None,
    ) -> web.StreamResponse:
        if fault is not None and fault.kind != "timeout":
            return self._apply_fault(request, fault)
        if fault is not None:
            await self._sleep(fault.seconds)
        if body.get("stream"):
            return error_response("Streaming is not supported by the fake server", 400)
        try:
            reply: Reply = script(body) if script else f"echo: {last_user_text(body)}"
        except Exception as exc:  # a broken script should fail the test loudly, not hang it
            return error_response(f"script raised {exc!r}", 500)
        if isinstance(reply, Fault) and reply.kind == "timeout" and reply.then is not None:
            await self._sleep(reply.seconds)
            reply = reply.then
        if isinstance(reply, Fault):
            return self._apply_fault(request, reply)
        return web.json_response(self._completion(body, reply))

    def _apply_fault(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        if fault.kind == "status":
            return error_response(fault.message, fault.status_code, dict(fault.headers))
        if fault.kind == "drop":
            if request.transport is not None:
                request.transport.close()
            # aiohttp swallows the ConnectionError from writing this to the closed transport.
            return web.Response(status=500)
        if fault.kind == "malformed":
            # Truncated JSON, as seen when a proxy cuts a response short.
            broken = b'{"id": "chatcmpl-broken", "choices": ['
            return web.Response(status=200, body=broken, content_type="application/json")
        if fault.kind == "bad_shape":
            return web.json_response({"foo": 1})
        if fault.kind == "empty_choices":
            body = {"id": "chatcmpl-empty", "object": "chat.completion", "created": 0}
            body |= {"model": self.models[0], "choices": []}
            return web.json_response(body)
        # A timeout returned from a script has no normal reply to fall back to.
        return error_response("timeout fault used as a reply", 500)

    def _completion(self, body: dict[str, Any], reply: str | dict[str, Any]) -> dict[str, Any]:
        spec: dict[str, Any] = {"content": reply} if isinstance(reply, str) else dict(reply)
        content = spec.get("content")
        message: dict[str, Any] = {"role": "assistant", "content": content}
        completion_text = content or ""
        calls = spec.get("tool_calls") or []
        tool_calls = []
        for call in calls:
            args = call.get("arguments", {})
            function = {
                "name": call["name"],
                "arguments": args if isinstance(args, str) else json.dumps(args),
            }
            completion_text += f" {function['name']} {function['arguments']}"
            with self._lock:
                # A server-wide counter keeps ids unique across a multi-turn conversation.
                self._call_counter += 1
                call_id = f"call_{self._call_counter}"
            tool_calls.append({"id": call_id, "type": "function", "function": function})
        if tool_calls:
            message["tool_calls"] = tool_calls
        finish = spec.get("finish_reason") or ("tool_calls" if calls else "stop")
        # Whitespace-separated words stand in for tokens: deterministic and good enough for tests.
        messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
        prompt_tokens = sum(len(_text_of(m.get("content")).split()) for m in messages)
        completion_tokens = len(completion_text.split())
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or self.models[0],
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
