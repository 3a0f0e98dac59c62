"""The fast path: OpenAI-compatible chat servers reached over one shared aiohttp session.

litellm costs 2–3 ms of CPU per call (request building, pydantic response types, logging
hooks); against a local server answering in 100 ms at 64 in flight, that alone caps a 2-core
machine below half the ideal rate. For ``openai/<name>`` and ``hosted_vllm/<name>`` with an
explicit API base — vLLM, llama.cpp, SGLang, TGI's /v1, LM Studio, Ollama's /v1 — the request
is plain JSON, so this client sends it itself. Every other provider still goes through litellm
(``router.py`` decides). The wire format and the error mapping match ``litellm_client``: the
same request body, ``RetryableError`` for 429/5xx/connection/timeout/garbled replies,
``InfrastructureError`` for what retrying cannot fix.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from pytest_llmbench.backoff import Clock, server_wait
from pytest_llmbench.client.base import (
    ChatRequest,
    ChatResponse,
    ModelSpec,
    Usage,
    check_answered,
)
from pytest_llmbench.credentials import KEY_ENV, sendable_key
from pytest_llmbench.errors import InfrastructureError, RetryableError
from pytest_llmbench.redact import scrub
from pytest_llmbench.scoring.api import ToolCall

_RETRYABLE_STATUS = frozenset({408, 409, 425, 429})


def is_openai_compatible(model: ModelSpec) -> bool:
    """Routes the fast path may take: an OpenAI-compatible route with an explicit server."""
    provider, sep, rest = model.name.partition("/")
    return bool(sep and rest and model.api_base and provider in KEY_ENV)


def endpoint(api_base: str) -> str:
    """The chat-completions URL of ``api_base``, its query kept after the path (Azure-style
    ``?api-version=``, a key given as ``?api_key=``)."""
    parts = urlsplit(api_base)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/chat/completions"))


def _error_text(status: int, raw: bytes) -> str:
    """The server's own message when it sent one (OpenAI's ``{"error": {"message": ...}}``)."""
    message = ""
    try:
        body = json.loads(raw)
        err = body.get("error") if isinstance(body, dict) else None
        if isinstance(err, dict):
            message = str(err.get("message") or "")
        elif isinstance(err, str):
            message = err
        elif isinstance(body, dict) and isinstance(body.get("detail"), str):  # FastAPI servers
            message = body["detail"]
    except (ValueError, UnicodeDecodeError):
        message = raw[:300].decode("utf-8", "replace")
    message = " ".join(message.split())
    if len(message) > 300:
        message = message[:299] + "…"
    return f"HTTP {status}: {message}" if message else f"HTTP {status}"


def parse_completion(raw: bytes) -> tuple[str | None, tuple[ToolCall, ...], str | None, Usage]:
    """The first choice of a chat-completions body; ``RetryableError`` if it is not one."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RetryableError(f"malformed reply from the model server: {exc}") from exc
    try:
        choice = body["choices"][0]
        message = choice["message"]
        content = message.get("content")
        calls = tuple(
            ToolCall(
                str(c.get("id") or f"call_{i}"),
                str(c["function"].get("name") or ""),
                _arguments(c["function"].get("arguments")),
            )
            for i, c in enumerate(message.get("tool_calls") or ())
        )
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise RetryableError(
            f"malformed reply from the model server: no choices[0].message ({exc!r})"
        ) from exc
    if content is not None and not isinstance(content, str):
        raise RetryableError("malformed reply from the model server: content is not text")
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    tokens = Usage(_count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens")))
    finish = choice.get("finish_reason")
    return content, calls, finish if isinstance(finish, str) else None, tokens


def _arguments(value: Any) -> str:
    # Some servers send arguments as an object rather than the JSON text OpenAI specifies.
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def relevant_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The reply headers the retry policy reads, lower-cased."""
    out = {}
    for name, value in headers.items():
        low = name.lower()
        if low.startswith(("retry-after", "x-ratelimit-")):
            out[low] = value
    return out


class Sender(Protocol):
    """Moves one HTTP POST (``AiohttpSender``, or a test's stand-in). Timeouts and connection
    failures raise ``RetryableError``; any HTTP status is returned, not raised."""

    async def send(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout: float
    ) -> tuple[int, dict[str, str], bytes]: ...

    async def aclose(self) -> None: ...


class AiohttpSender:
    """One aiohttp session for the whole run, created on the running loop at first use."""

    def __init__(self) -> None:
        self._session: Any = None
        self._aiohttp: Any = None

    def _open(self) -> Any:
        import aiohttp  # lazily: a run served from the cache never needs it

        self._aiohttp = aiohttp
        # No connection cap here: the engine's concurrency window is the one limit, and a
        # second, smaller one would silently lower --llm-concurrency.
        connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300, enable_cleanup_closed=True)
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        return self._session

    async def send(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout: float
    ) -> tuple[int, dict[str, str], bytes]:
        session = self._session or self._open()
        aiohttp = self._aiohttp
        try:
            async with session.post(
                url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as resp:
                raw = await resp.read()
                return resp.status, relevant_headers(resp.headers), raw
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            where = scrub(url)
            raise RetryableError(f"Timeout: no reply from {where} within {timeout:g} s") from exc
        except aiohttp.ClientError as exc:
            text = scrub(f"{type(exc).__name__}: {exc}")
            raise RetryableError(f"APIConnectionError: {text}") from exc
        except ValueError as exc:
            # aiohttp refuses a request it cannot build (a header with a control character,
            # credentials both in the URL and a header): retrying cannot help, and letting it
            # through would print a traceback whose frames show the headers, key included.
            text = scrub(f"{type(exc).__name__}: {exc}")
            raise InfrastructureError(f"the request to {scrub(url)} was not sent: {text}") from None

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


class OpenAICompatibleClient:
    """The wire format of ``/chat/completions``; the HTTP itself is the sender's job."""

    def __init__(self, sender: Sender | None = None, clock: Clock = time.time) -> None:
        self.sender: Sender = sender or AiohttpSender()
        self.clock = clock  # reads a Retry-After HTTP-date

    def request_body(self, request: ChatRequest) -> dict[str, Any]:
        """What litellm would send on these routes: the name after the prefix, the messages,
        the tools and the sampling parameters, dropping unset ones."""
        _, _, name = request.model.name.partition("/")
        body: dict[str, Any] = {"model": name, "messages": list(request.messages)}
        if request.tools:
            body["tools"] = list(request.tools)
        body.update((k, v) for k, v in request.params.items() if v is not None)
        return body

    def _headers(self, request: ChatRequest, key_env: str | None = None) -> dict[str, str]:
        provider = request.model.name.partition("/")[0]
        key = sendable_key(os.environ.get(key_env or KEY_ENV.get(provider, ""), ""))
        return {"Authorization": f"Bearer {key}"} if key else {}

    async def complete(
        self, request: ChatRequest, timeout: float, key_env: str | None = None
    ) -> ChatResponse:
        """``key_env``: the variable holding this server's key (a router deployment's
        ``os.environ/NAME``), else the provider's usual one."""
        assert request.model.api_base is not None
        url = endpoint(request.model.api_base)
        body = json.dumps(self.request_body(request), ensure_ascii=False).encode("utf-8")
        started = time.perf_counter()
        headers_out = self._headers(request, key_env)
        status, headers, raw = await self.sender.send(url, body, headers_out, timeout)
        latency = time.perf_counter() - started
        if status >= 400:
            text = _error_text(status, raw)
            if status >= 500 or status in _RETRYABLE_STATUS:
                wait = server_wait(headers, self.clock)
                raise RetryableError(text, wait, rate_limited=status == 429)
            raise InfrastructureError(text)
        content, calls, finish, usage = parse_completion(raw)
        check_answered(content, calls, finish)
        return ChatResponse(
            content=content,
            tool_calls=calls,
            finish_reason=finish,
            usage=usage,
            cost=None,  # self-hosted servers have no price (as on the litellm path)
            latency_s=latency,
        )

    async def aclose(self) -> None:
        await self.sender.aclose()
