"""The adaptive concurrency window: halve on rate limits, pause on Retry-After, recover."""

from __future__ import annotations

import asyncio

import pytest

from pytest_llmbench.limits import AdaptiveConcurrency


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_rate_limits_halves_the_window_once() -> None:
    clock = Clock()
    window = AdaptiveConcurrency(16, clock=clock)
    started = clock.now
    clock.now += 1
    for _ in range(10):  # ten calls of one burst hit the limit together
        window.rate_limited(started, None)
    assert window.window == 8
    assert window.rate_limited_count == 10
    clock.now += 1
    window.rate_limited(clock.now, None)  # a call started after the cut: a new event
    assert window.window == 4
    assert window.lowest == 4


def test_window_never_below_one_nor_above_the_maximum() -> None:
    clock = Clock()
    window = AdaptiveConcurrency(4, clock=clock)
    for _ in range(10):
        clock.now += 1
        window.rate_limited(clock.now, None)
    assert window.window == 1
    for _ in range(1000):
        window.succeeded(clock.now)
    assert window.window == 4
    assert window.limit == 4.0


def test_successes_recover_one_slot_per_window() -> None:
    clock = Clock()
    window = AdaptiveConcurrency(8, clock=clock)
    clock.now += 1
    window.rate_limited(clock.now, None)
    assert window.window == 4
    window.succeeded(clock.now - 5)  # started before the cut: says nothing
    assert window.limit == 4.0
    for _ in range(4):
        window.succeeded(clock.now)
    assert window.window == 4  # 4 + 1/4 + 1/4.25 + ... < 5: about a window's worth per slot
    window.succeeded(clock.now)
    assert window.window == 5


def test_acquire_respects_window_pause_and_order() -> None:
    async def scenario() -> list[str]:
        clock = Clock()
        window = AdaptiveConcurrency(2, clock=clock)
        log: list[str] = []

        async def call(name: str, hold: asyncio.Event) -> None:
            await window.acquire()
            log.append(f"start {name}")
            await hold.wait()
            window.release()

        holds = {n: asyncio.Event() for n in "abcd"}
        tasks = {n: asyncio.create_task(call(n, holds[n])) for n in "abcd"}
        await asyncio.sleep(0)
        assert log == ["start a", "start b"]  # two slots
        assert window.in_flight == 2

        # b is rate limited with Retry-After 5 s: c and d must not start before then.
        window.rate_limited(clock.now, 5.0)
        holds["a"].set()
        holds["b"].set()
        await asyncio.sleep(0.05)
        assert log == ["start a", "start b"]
        assert window.in_flight == 0
        clock.now += 5.0
        window._resume()  # what the loop timer does when the pause ends
        await asyncio.sleep(0)
        assert log[2:] == ["start c"]  # window halved to 1: one at a time, in order
        holds["c"].set()
        await asyncio.sleep(0.01)
        assert log[3:] == ["start d"]
        holds["d"].set()
        await asyncio.gather(*tasks.values())
        return log

    assert asyncio.run(scenario())[-2:] == ["start c", "start d"]


def test_pause_ends_by_itself_on_the_loop_timer() -> None:
    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        window = AdaptiveConcurrency(1, clock=loop.time)
        await window.acquire()
        window.rate_limited(loop.time(), 0.2)
        window.release()
        t0 = loop.time()
        await asyncio.wait_for(window.acquire(), 5)
        return loop.time() - t0

    waited = asyncio.run(scenario())
    assert waited >= 0.19


def test_a_cancelled_waiter_gives_its_slot_back() -> None:
    async def scenario() -> int:
        window = AdaptiveConcurrency(1)
        await window.acquire()
        waiter = asyncio.create_task(window.acquire())
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        window.release()
        await asyncio.wait_for(window.acquire(), 1)  # the slot is free again
        return window.in_flight

    assert asyncio.run(scenario()) == 1
