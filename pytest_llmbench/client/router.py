"""Which client sends a request: the OpenAI-compatible fast path or litellm (and
``llmbench/echo`` when it is asked as a judge).

Both network clients are built on first use. The modules they need are imported beforehand by
``preload``, from pytest's main thread, before the engine thread starts: importing them (and
warming litellm up) raises our dependencies' warnings, which must be kept from the user's
warning filters, and that can be done safely in the main thread only (``load_litellm``). A run
of built-in models imports neither litellm (seconds of start-up) nor aiohttp.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import threading
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelClient, ModelSpec
from pytest_llmbench.client.openai_compat import OpenAICompatibleClient, is_openai_compatible
from pytest_llmbench.client.scripted import EchoClient
from pytest_llmbench.errors import InfrastructureError

if TYPE_CHECKING:
    from pytest_llmbench.client.deployments import Deployment, RouteGroup
    from pytest_llmbench.client.litellm_client import LiteLLMClient, LiteLLMRouterClient
    from pytest_llmbench.client.replicas import ReplicaPool


class RoutingClient:
    def __init__(
        self,
        transport: str = "auto",
        groups: tuple[RouteGroup, ...] = (),
        concurrency: int = 32,
        rpm: float | None = None,
    ) -> None:
        self.transport = transport
        self.rpm = rpm
        self.groups = groups
        self.concurrency = concurrency
        self._direct: OpenAICompatibleClient | None = None
        self._litellm: LiteLLMClient | None = None
        self._litellm_lock: asyncio.Lock | None = None
        self._router: LiteLLMRouterClient | None = None
        self._pool: ReplicaPool | None = None
        self._echo = EchoClient()
        if groups:
            # Imported here, on the thread that builds the client: a first import on the
            # engine thread would compile (and pytest rewrite) modules while the main thread
            # does the same, which CPython 3.11's parser does not survive.
            self._replicas()

    # -- router groups (--llm-router) -------------------------------------------------------
    def group_uses_fast_path(self, route: RouteGroup) -> bool:
        """Every deployment an OpenAI-compatible server: sent directly, without litellm."""
        return self.transport == "auto" and all(
            is_openai_compatible(ModelSpec(d.model, d.api_base)) for d in route.deployments
        )

    def _replicas(self) -> ReplicaPool:
        if self._pool is None:
            from pytest_llmbench.client.replicas import ReplicaPool

            self._pool = ReplicaPool(
                self.groups, self.concurrency, self._send_to, default_rpm=self.rpm
            )
        return self._pool

    async def _send_to(
        self, deployment: Deployment, request: ChatRequest, timeout: float
    ) -> ChatResponse:
        route = request.model.route
        assert route is not None
        if self.group_uses_fast_path(route):
            if self._direct is None:
                self._direct = OpenAICompatibleClient()
            served = dataclasses.replace(
                request, model=ModelSpec(deployment.model, deployment.api_base)
            )
            return await self._direct.complete(served, timeout, key_env=deployment.key_env)
        router = await self._router_client()
        return await router.complete_on(deployment, request, timeout)

    async def _router_client(self) -> LiteLLMRouterClient:
        if self._router is None:
            if self._litellm_lock is None:
                self._litellm_lock = asyncio.Lock()
            async with self._litellm_lock:
                if self._router is None:
                    from pytest_llmbench.client.litellm_client import LiteLLMRouterClient

                    groups = tuple(g for g in self.groups if not self.group_uses_fast_path(g))
                    self._router = await asyncio.to_thread(LiteLLMRouterClient, groups)
        return self._router

    def notes(self) -> list[str]:
        return self._pool.notes() if self._pool is not None else []

    def uses_fast_path(self, request: ChatRequest) -> bool:
        return self.takes_fast_path(request.model)

    def takes_fast_path(self, model: ModelSpec) -> bool:
        return self.transport == "auto" and model.builtin is None and is_openai_compatible(model)

    def preload(self, models: Iterable[ModelSpec]) -> None:
        """Import the transports ``models`` will be sent through, now, in the calling thread
        (the main thread, before the engine thread exists), their import-time warnings
        ignored."""
        fast: list[bool] = []
        for m in models:
            if m.route is not None:  # a router group: sent the way its deployments are
                fast.append(self.group_uses_fast_path(m.route))
            elif m.builtin is None:
                fast.append(self.takes_fast_path(m))
        if any(fast):
            _import_quietly("aiohttp")
        if not all(fast):
            from pytest_llmbench.client.litellm_client import load_litellm

            load_litellm()

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
        """Until ``request`` can leave at once (its client is built: litellm's import takes
        seconds); the engine asks before spacing a start for ``--llm-rpm``, so set-up time does
        not bunch the first requests together."""
        await self._pick(request)

    async def _pick(self, request: ChatRequest) -> ModelClient:
        route = request.model.route
        if route is not None:
            if not self.group_uses_fast_path(route):
                await self._router_client()  # built before the first call leaves
            return self._replicas()
        builtin = request.model.builtin
        if builtin == "echo":  # e.g. --llm-judge-model=llmbench/echo
            return self._echo
        if builtin is not None:
            # The scenario's own samples get their scripted client from samples.py.
            raise InfrastructureError(
                f"{request.model.name} replays a scenario's references; it cannot answer "
                "other requests (use it as --llm-model, not as the judge)"
            )
        if self.uses_fast_path(request):
            if self._direct is None:
                self._direct = OpenAICompatibleClient()
            return self._direct
        return await self._litellm_client()

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse:
        client = await self._pick(request)
        return await client.complete(request, timeout)

    async def aclose(self) -> None:
        for client in (self._direct, self._litellm, self._router):
            if client is not None:
                await client.aclose()


def _import_quietly(name: str) -> None:
    if threading.current_thread() is not threading.main_thread():
        importlib.import_module(name)  # filters are not ours to change off the main thread
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        importlib.import_module(name)
