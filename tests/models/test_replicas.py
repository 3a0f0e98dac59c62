"""The choice among a router group's deployments (client/replicas.py), with stand-in
transports: the least loaded gets the call, a failing one is cooled down and the call moves on
at once, a 429 narrows only that deployment's window, tpm budgets wait."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelSpec, Usage
from pytest_llmbench.client.deployments import Deployment, RouteGroup
from pytest_llmbench.client.replicas import ReplicaPool, TokenBudget
from pytest_llmbench.errors import RetryableError


def group(n: int, **limits: float) -> RouteGroup:
    ds = tuple(
        Deployment("g", i, "openai/m", f"http://127.0.0.1:{9000 + i}/v1", **limits)  # type: ignore[arg-type]
        for i in range(n)
    )
    return RouteGroup("g", ds, "router.yaml")


def request(route: RouteGroup) -> ChatRequest:
    return ChatRequest(ModelSpec("g", route=route), [{"role": "user", "content": "hi"}])


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_calls_spread_and_the_faster_deployment_takes_more() -> None:
    route = group(3)
    seen: Counter[int] = Counter()
    delays = {0: 0.001, 1: 0.005, 2: 0.02}

    async def send(d: Deployment, r: ChatRequest, timeout: float) -> ChatResponse:
        seen[d.index] += 1
        await asyncio.sleep(delays[d.index])
        return ChatResponse("ok", usage=Usage(1, 1))

    async def main() -> None:
        pool = ReplicaPool([route], 2, send)
        await asyncio.gather(*(pool.complete(request(route), 5) for _ in range(120)))

    asyncio.run(main())
    assert sum(seen.values()) == 120
    assert all(seen[i] for i in range(3))
    assert seen[0] > seen[2]


def test_a_failing_deployment_is_cooled_down_and_the_call_moves_on() -> None:
    route = group(3)
    clock = Clock()
    seen: Counter[int] = Counter()

    async def send(d: Deployment, r: ChatRequest, timeout: float) -> ChatResponse:
        seen[d.index] += 1
        if d.index == 0:
            raise RetryableError("HTTP 500")
        return ChatResponse("ok")

    async def main() -> list[ChatResponse]:
        pool = ReplicaPool([route], 4, send, clock=clock)
        out = [await pool.complete(request(route), 5) for _ in range(30)]
        assert pool.states["g"][0].cooldown_until == 1.0  # 1 s after its (only) failure
        assert any("#1 0 call(s), 1 failed" in n for n in pool.notes())
        return out

    replies = asyncio.run(main())
    assert [r.content for r in replies] == ["ok"] * 30  # nothing lost
    assert seen[0] == 1  # cooled down after its first error (the clock stands still)
    assert seen[1] + seen[2] == 30


def test_cooldowns_double_while_a_deployment_keeps_failing() -> None:
    route = group(2)
    clock = Clock()

    async def send(d: Deployment, r: ChatRequest, timeout: float) -> ChatResponse:
        if d.index == 0:
            raise RetryableError("connection refused")
        return ChatResponse("ok")

    async def main() -> list[float]:
        pool = ReplicaPool([route], 4, send, clock=clock)
        state = pool.states["g"][0]
        pauses = []
        for _ in range(4):
            clock.now = state.cooldown_until  # back: it gets the next call and fails again
            await pool.complete(request(route), 5)
            pauses.append(state.cooldown_until - clock.now)
        return pauses

    assert asyncio.run(main()) == [1.0, 2.0, 4.0, 8.0]


def test_when_every_deployment_fails_the_error_is_retryable() -> None:
    route = group(2)

    async def send(d: Deployment, r: ChatRequest, timeout: float) -> ChatResponse:
        raise RetryableError("HTTP 503")

    async def main() -> None:
        pool = ReplicaPool([route], 4, send, clock=Clock())
        with pytest.raises(RetryableError, match="HTTP 503"):
            await pool.complete(request(route), 5)
        # Both cooling down: the next call waits for the retry policy, it is not sent.
        with pytest.raises(RetryableError, match="cooling down"):
            await pool.complete(request(route), 5)

    asyncio.run(main())


def test_a_rate_limit_narrows_only_that_deployments_window() -> None:
    route = group(2)
    clock = Clock()

    async def send(d: Deployment, r: ChatRequest, timeout: float) -> ChatResponse:
        if d.index == 0:
            raise RetryableError("HTTP 429", 2.0, rate_limited=True)
        return ChatResponse("ok")

    async def main() -> ReplicaPool:
        pool = ReplicaPool([route], 8, send, clock=clock)
        assert (await pool.complete(request(route), 5)).content == "ok"
        return pool

    pool = asyncio.run(main())
    first, second = pool.states["g"]
    assert first.window.window == 4 and second.window.window == 8
    assert first.cooldown_until == 2.0  # Retry-After: not picked until then
    assert first.failures == 0  # a rate limit is not a failure


def test_the_token_budget_waits_once_a_minute_is_spent() -> None:
    clock = Clock()
    budget = TokenBudget(100, clock)

    async def main() -> None:
        await asyncio.wait_for(budget.wait(), 1)  # nothing spent
        budget.spend(100)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(budget.wait(), 0.05)
        clock.now = 60.0  # the minute has passed
        await asyncio.wait_for(budget.wait(), 1)

    asyncio.run(main())


def test_llm_rpm_applies_to_deployments_that_set_no_rpm() -> None:
    route = RouteGroup(
        "g",
        (
            Deployment("g", 0, "openai/m", "http://127.0.0.1:9000/v1", rpm=30),
            Deployment("g", 1, "openai/m", "http://127.0.0.1:9001/v1"),
        ),
        "router.yaml",
    )

    async def send(d: Deployment, r: ChatRequest, timeout: float) -> ChatResponse:
        return ChatResponse("ok")

    pool = ReplicaPool([route], 4, send, default_rpm=120)
    own, default = pool.states["g"]
    assert own.limiter is not None and own.limiter.interval == 2.0
    assert default.limiter is not None and default.limiter.interval == 0.5
    assert ReplicaPool([route], 4, send).states["g"][1].limiter is None
