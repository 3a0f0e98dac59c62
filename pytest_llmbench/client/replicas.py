"""Spreading a router group's calls over its deployments (``--llm-router``).

Each deployment has what a single backend has in ``limits.py`` — its own adaptive concurrency
window (halved on a 429, paused for ``Retry-After``) and its own ``rpm`` spacer — plus a ``tpm``
budget over the last minute and a cool-down after a failure. Calls wait in one queue per group
and each takes a slot on the least loaded deployment that has one free, so a faster replica,
which frees its slots sooner, takes more of the work.

A deployment that fails a call (5xx, connection refused, timeout) is cooled down (1 s, doubling
with each further failure in a row, at most 60 s) and the call moves at once to another
deployment of the group; the retry policy's backoff only starts once every deployment failed
the call or is cooling down. So a dead replica costs each of the first calls sent to it one
extra attempt, and then only a probe per cool-down, and no scenario is lost to it.

The choice is made here rather than by litellm's Router so that the per-deployment window can
hold the slot before the call leaves; the transport (the OpenAI-compatible fast path, or
litellm's Router with one alias per deployment) only sends it.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable, Sequence

from pytest_llmbench.client.base import ChatRequest, ChatResponse
from pytest_llmbench.client.deployments import Deployment, RouteGroup
from pytest_llmbench.errors import RetryableError
from pytest_llmbench.limits import AdaptiveConcurrency, RateLimiter

Send = Callable[[Deployment, ChatRequest, float], Awaitable[ChatResponse]]
MAX_COOLDOWN_S = 60.0


class TokenBudget:
    """At most ``tpm`` tokens used per rolling minute: a start waits while the last minute's
    replies already used the budget (tokens are known only after a reply)."""

    def __init__(self, tpm: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.tpm = tpm
        self.clock = clock
        self._used: collections.deque[tuple[float, int]] = collections.deque()
        self._total = 0

    def _expire(self, now: float) -> None:
        while self._used and self._used[0][0] <= now - 60.0:
            self._total -= self._used.popleft()[1]

    async def wait(self) -> None:
        while True:
            now = self.clock()
            self._expire(now)
            if self._total < self.tpm or not self._used:
                return
            await asyncio.sleep(max(0.01, self._used[0][0] + 60.0 - now))

    def spend(self, tokens: int) -> None:
        if tokens > 0:
            self._used.append((self.clock(), tokens))
            self._total += tokens


class DeploymentState:
    def __init__(
        self,
        deployment: Deployment,
        concurrency: int,
        clock: Callable[[], float],
        default_rpm: float | None = None,
    ):
        self.deployment = deployment
        self.clock = clock
        self.window = AdaptiveConcurrency(concurrency, clock=clock)
        rpm = deployment.rpm or default_rpm  # --llm-rpm, for deployments that set none
        self.limiter = RateLimiter(rpm) if rpm else None
        self.tokens = TokenBudget(deployment.tpm, clock) if deployment.tpm else None
        self.cooldown_until = 0.0
        self.failures_in_a_row = 0
        self.calls = 0  # calls answered
        self.failures = 0  # calls failed

    def available(self, now: float) -> bool:
        return now >= self.cooldown_until

    def has_room(self, now: float) -> bool:
        w = self.window
        return w.in_flight < w.window and now >= w.paused_until

    def load(self) -> float:
        return self.window.in_flight / self.window.window

    def failed(self) -> None:
        self.failures += 1
        self.failures_in_a_row += 1
        pause = min(MAX_COOLDOWN_S, 2.0 ** (self.failures_in_a_row - 1))
        self.cooldown_until = self.clock() + pause

    def succeeded(self) -> None:
        self.calls += 1
        self.failures_in_a_row = 0


class ReplicaPool:
    """The deployments of every routed group of the run, and the choice among them."""

    def __init__(
        self,
        groups: Sequence[RouteGroup],
        concurrency: int,
        send: Send,
        clock: Callable[[], float] = time.monotonic,
        default_rpm: float | None = None,
    ) -> None:
        self.send = send
        self.default_rpm = default_rpm
        self.clock = clock
        self.concurrency = concurrency
        self._waiting: dict[str, collections.deque[asyncio.Future[None]]] = {}
        self.states: dict[str, list[DeploymentState]] = {
            g.name: [DeploymentState(d, concurrency, clock, default_rpm) for d in g.deployments]
            for g in groups
        }

    def _states(self, route: RouteGroup) -> list[DeploymentState]:
        states = self.states.get(route.name)
        if states is None:
            states = self.states[route.name] = [
                DeploymentState(d, self.concurrency, self.clock, self.default_rpm)
                for d in route.deployments
            ]
        return states

    def _candidates(self, route: RouteGroup, tried: set[int]) -> list[DeploymentState]:
        now = self.clock()
        return [
            s for s in self._states(route) if s.deployment.index not in tried and s.available(now)
        ]

    async def _lease(
        self, route: RouteGroup, tried: set[int]
    ) -> tuple[DeploymentState, float] | None:
        """A slot on the least loaded deployment with room, waiting (first come, first served)
        until one has room; ``None`` when every deployment not yet tried is cooling down.

        Calls are not assigned to a deployment up front: the engine submits every scenario at
        once, and an even split would leave the run waiting for the slowest replica's queue.
        A deployment takes the next call when it frees a slot, so a faster one takes more."""
        queue = self._waiting.setdefault(route.name, collections.deque())
        may_take = not queue  # no jumping ahead of calls already waiting
        while True:
            candidates = self._candidates(route, tried)
            if not candidates:
                return None
            if may_take:
                now = self.clock()
                free = [s for s in candidates if s.has_room(now)]
                if free:
                    state = min(
                        free, key=lambda s: (s.load(), s.calls + s.failures, s.deployment.index)
                    )
                    started = await state.window.acquire()  # has room: returns at once
                    return state, started
            may_take = True
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            queue.append(future)
            try:
                await asyncio.wait({future}, timeout=self._recheck_in(route))
            except asyncio.CancelledError:
                if future.done():  # woken, but gone: pass the wake-up on
                    self._wake(route.name)
                raise
            finally:
                if not future.done():
                    future.cancel()
                    try:
                        queue.remove(future)
                    except ValueError:
                        pass

    def _recheck_in(self, route: RouteGroup) -> float | None:
        """When a pause or cool-down ends (nothing frees a slot then): look again. Otherwise a
        finished call wakes the next waiter, and nothing needs a timer."""
        now = self.clock()
        ends = [
            t - now
            for s in self._states(route)
            for t in (s.cooldown_until, s.window.paused_until)
            if t > now
        ]
        return min(ends) if ends else None

    def _wake(self, group: str) -> None:
        queue = self._waiting.get(group)
        while queue:
            future = queue.popleft()
            if not future.done():
                future.set_result(None)
                return

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse:
        route = request.model.route
        assert route is not None
        tried: set[int] = set()
        last: RetryableError | None = None
        while True:
            lease = await self._lease(route, tried)
            if lease is None:
                break
            state, started = lease
            tried.add(state.deployment.index)
            try:
                return await self._attempt(state, started, request, timeout)
            except RetryableError as exc:
                last = exc
        if last is not None:
            raise last
        # Every deployment is cooling down: the retry policy waits for the first to be back.
        states = self._states(route)
        soonest = min(s.cooldown_until for s in states) - self.clock()
        raise RetryableError(
            f"every deployment of {route.name} failed recently (cooling down)", max(0.1, soonest)
        )

    async def _attempt(
        self, state: DeploymentState, started: float, request: ChatRequest, timeout: float
    ) -> ChatResponse:
        window = state.window
        try:
            if state.tokens is not None:
                await state.tokens.wait()
            if state.limiter is not None:
                await state.limiter.wait()
            response = await self.send(state.deployment, request, timeout)
        except RetryableError as exc:
            if exc.rate_limited:
                window.rate_limited(started, exc.retry_after)
                state.cooldown_until = max(state.cooldown_until, window.paused_until)
            else:
                state.failed()
            raise RetryableError(
                f"{state.deployment.label}: {exc}", exc.retry_after, rate_limited=exc.rate_limited
            ) from exc
        finally:
            window.release()
            self._wake(state.deployment.group)
        before = window.window
        window.succeeded(started)
        if window.window > before:  # widened: one more call may start
            self._wake(state.deployment.group)
        state.succeeded()
        if state.tokens is not None:
            state.tokens.spend(response.usage.total_tokens)
        return response

    def notes(self) -> list[str]:
        """How the run was spread, for the terminal summary (no keys: labels only)."""
        out = []
        for group, states in self.states.items():
            used = [s for s in states if s.calls or s.failures]
            if not used:
                continue
            parts = []
            for s in states:
                text = f"#{s.deployment.index + 1} {s.calls} call(s)"
                if s.failures:
                    text += f", {s.failures} failed (cooled down)"
                if s.window.rate_limited_count:
                    text += f", rate limited {s.window.rate_limited_count} time(s)"
                parts.append(text)
            out.append(f"llmbench: router {group}: " + "; ".join(parts))
        return out

    async def aclose(self) -> None:
        """Nothing of its own to close: the transports are closed by their owner."""
