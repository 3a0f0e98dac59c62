"""Which client sends a request: the OpenAI-compatible fast path or litellm.

Both clients are built on first use, so a run answered entirely from the cache imports neither
litellm (seconds of start-up) nor aiohttp. litellm is imported in a worker thread: the import
takes seconds and must not freeze the engine loop while fast-path calls are in flight.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelClient
from pytest_llmbench.client.openai_compat import OpenAICompatibleClient, is_openai_compatible

if TYPE_CHECKING:
    from pytest_llmbench.client.litellm_client import LiteLLMClient


class RoutingClient:
    def __init__(self, transport: str = "auto", dispatch_processes: int = 0) -> None:
        self.transport = transport
        # 0: the fast path's HTTP runs in the engine's own loop. A worker process (see
        # dispatch_worker) measured no faster on 2 cores, idle or loaded (docs/performance.md),
        # so it is opt-in.
        self.dispatch_processes = dispatch_processes
        self._direct: OpenAICompatibleClient | None = None
        self._litellm: LiteLLMClient | None = None
        self._litellm_lock: asyncio.Lock | None = None

    def uses_fast_path(self, request: ChatRequest) -> bool:
        return (
            self.transport == "auto"
            and request.model.builtin is None
            and request.script is None
            and is_openai_compatible(request.model)
        )

    async def _litellm_client(self) -> LiteLLMClient:
        if self._litellm is None:
            if self._litellm_lock is None:
                self._litellm_lock = asyncio.Lock()
            async with self._litellm_lock:
                if self._litellm is None:
                    from pytest_llmbench.client.litellm_client import LiteLLMClient

                    self._litellm = await asyncio.to_thread(LiteLLMClient)
        return self._litellm

    async def ready(self, request: ChatRequest) -> None:
        """Until ``request`` can leave at once; the engine asks before spacing a start for
        ``--llm-rpm``, so set-up time does not bunch the first requests together."""
        client = await self._pick(request)
        if isinstance(client, OpenAICompatibleClient):
            await client.ready()

    async def _pick(self, request: ChatRequest) -> ModelClient:
        if self.uses_fast_path(request):
            if self._direct is None:
                sender = None
                if self.dispatch_processes:
                    from pytest_llmbench.client.dispatch_worker import WorkerSender

                    sender = WorkerSender(self.dispatch_processes)
                self._direct = OpenAICompatibleClient(sender)
            return self._direct
        return await self._litellm_client()

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse:
        client = await self._pick(request)
        return await client.complete(request, timeout)

    async def aclose(self) -> None:
        for client in (self._direct, self._litellm):
            if client is not None:
                await client.aclose()
