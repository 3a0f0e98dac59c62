"""How fast one backend is called: an adaptive concurrency window and a requests-per-minute
spacer. Both live on the engine loop; neither is thread-safe, neither needs to be.

The window follows TCP's congestion control: a rate-limit reply (429) halves it — once per
congestion event, not once per reply of the burst that hit the limit — and ``Retry-After``
pauses every new start on the backend until then; each success widens it again by one slot
per window's worth of successes. It never exceeds ``--llm-concurrency``.

Waiters are served by priority, then in arrival order: the engine puts a conversation's later
calls before first calls of scenarios not yet started, so a multi-turn scenario is not queued
behind every other scenario's first call (its result, and pytest's item, would wait for them).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable


class RateLimiter:
    """Spaces request starts at least ``60 / rpm`` seconds apart."""

    def __init__(self, rpm: float) -> None:
        self.interval = 60.0 / rpm
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


class AdaptiveConcurrency:
    def __init__(self, maximum: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.maximum = maximum
        self.limit = float(maximum)
        self.in_flight = 0
        self.clock = clock
        self.paused_until = 0.0
        self.rate_limited_count = 0
        self.lowest = maximum
        self._last_cut = float("-inf")
        # (priority, arrival, future): a heap, so the lowest priority then the earliest wins.
        self._waiters: list[tuple[tuple[int, ...], int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    @property
    def window(self) -> int:
        return max(1, int(self.limit))

    def _can_start(self) -> bool:
        return self.in_flight < self.window and self.clock() >= self.paused_until

    async def acquire(self, priority: tuple[int, ...] = ()) -> float:
        """Wait for a slot (lower ``priority`` first, then first come first served); returns
        when the call started (for ``rate_limited``)."""
        if not self._waiters and self._can_start():
            self.in_flight += 1
            return self.clock()
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._arrivals), future))
        self._wake()  # arms the end-of-pause timer if nothing else will
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # the slot was already handed over
                self.release()
            raise
        return self.clock()

    def release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        now = self.clock()
        if now < self.paused_until:
            if self._timer is None and self._waiters:
                loop = asyncio.get_running_loop()
                self._timer = loop.call_later(self.paused_until - now, self._resume)
            return
        while self._waiters and self.in_flight < self.window:
            future = heapq.heappop(self._waiters)[2]
            if future.done():  # cancelled while waiting
                continue
            self.in_flight += 1  # handed over directly: no start can jump the queue
            future.set_result(None)

    def _resume(self) -> None:
        self._timer = None
        self._wake()

    def rate_limited(self, started: float, retry_after: float | None) -> None:
        self.rate_limited_count += 1
        # Calls that were already in flight when the window was last cut saw the same
        # congestion: cutting again for each of them would collapse the window to 1.
        if started >= self._last_cut:
            self.limit = max(1.0, self.limit / 2)
            self._last_cut = self.clock()
            self.lowest = min(self.lowest, self.window)
        if retry_after:
            self.paused_until = max(self.paused_until, self.clock() + retry_after)

    def succeeded(self, started: float) -> None:
        # A call that started before the last cut says nothing about the narrowed window.
        if self.limit < self.maximum and started >= self._last_cut:
            before = self.window
            self.limit = min(float(self.maximum), self.limit + 1.0 / self.limit)
            if self.window > before:
                self._wake()
