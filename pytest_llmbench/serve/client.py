"""Routing the run's calls to the managed server's replicas, with the request fixes llama.cpp
needs."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelClient
from pytest_llmbench.errors import ServeError
from pytest_llmbench.serve.group import ServerGroup
from pytest_llmbench.serve.spec import LOCAL_PROVIDER

_NONE_LEFT = -1  # in the queue of free slots: every replica has died


class ServedClient:
    """Routes requests of the models served by ``server`` to the real address of one of its
    replicas."""

    def __init__(self, inner: ModelClient, server: ServerGroup) -> None:
        self.inner = inner
        self.server = server
        spec = server.spec
        self.llamacpp = spec.backend == "llamacpp"
        # A llama.cpp server answers one request at a time (llama-server: one per --parallel
        # slot): calls queued inside it would spend their --llm-timeout waiting there. So a
        # call waits here for a free slot of any replica, and goes to that replica.
        slots = dict(spec.args).get("parallel") or dict(spec.args).get("np") or "1"
        n = int(slots) if slots.isdigit() and int(slots) > 0 else 1
        self.free: asyncio.Queue[int] | None = None
        if self.llamacpp:
            self.free = asyncio.Queue()
            for _ in range(n):
                for index in range(len(server.members)):
                    self.free.put_nowait(index)
        # Replicas that died during the run: their slots leave the queue, so later calls go
        # to the live ones; once none is left, every waiting call gets the last death's error.
        self.dead: dict[int, ServeError] = {}

    async def ready(self, request: ChatRequest) -> None:
        # The managed server was healthy before dispatch; only built-ins go elsewhere.
        ready = getattr(self.inner, "ready", None)
        if ready is not None and request.model.api_base != self.server.spec.identity:
            await ready(request)

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse:
        if request.model.api_base != self.server.spec.identity:
            return await self.inner.complete(request, timeout)  # a built-in model
        name = request.model.name
        if name.startswith(f"{LOCAL_PROVIDER}/"):
            name = self.server.spec.model_name
        params, messages = request.params, request.messages
        if self.llamacpp:
            # llama-cpp-python reads a missing tool_choice as "none" (OpenAI: "auto"), and
            # rejects the "content": null that OpenAI puts beside an assistant's tool calls
            # (its chat templates read the content: "" it is).
            if request.tools and "tool_choice" not in params:
                params = {**params, "tool_choice": "auto"}
            messages = [
                {**m, "content": ""}
                if m.get("role") == "assistant" and m.get("content", "") is None
                else m
                for m in messages
            ]
        model = replace(request.model, name=name)
        request = replace(request, model=model, params=params, messages=messages)
        if self.free is None:
            return await self._send(request, 0, timeout)
        index = await self.free.get()
        if index == _NONE_LEFT:
            self.free.put_nowait(index)  # for the next waiting call too
            raise next(reversed(self.dead.values()))
        try:
            return await self._send(request, index, timeout)
        finally:
            if index not in self.dead:
                self.free.put_nowait(index)

    async def _send(self, request: ChatRequest, index: int, timeout: float) -> ChatResponse:
        base = self.server.members[index].api_base
        request = replace(request, model=replace(request.model, api_base=base))
        try:
            return await self.inner.complete(request, timeout)
        except Exception:
            # died() waits on the process (or probes the server): off the loop, so the other
            # scenarios' calls are not held up by one failure.
            died = await asyncio.to_thread(self.server.died, index)
            if died is not None:  # no retries against a dead server: say why it died
                self._retire(index, died)
                raise died from None
            raise

    def _retire(self, index: int, died: ServeError) -> None:
        if index in self.dead:
            return
        self.dead[index] = died
        if self.free is not None and len(self.dead) == len(self.server.members):
            self.free.put_nowait(_NONE_LEFT)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
