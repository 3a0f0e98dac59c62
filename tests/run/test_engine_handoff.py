"""Handing submitted jobs to the engine's loop: in submission order, every one started, and
one wake-up of the loop for a whole burst of submissions rather than one per job."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from pytest_llmbench.cache import ResponseCache
from pytest_llmbench.client.scripted import EchoClient
from pytest_llmbench.engine import Engine


def test_a_burst_of_submissions_wakes_the_loop_once_and_keeps_their_order(
    tmp_path: Path,
) -> None:
    engine = Engine(EchoClient(), ResponseCache(tmp_path, "off"))
    wakes: list[Any] = []
    real = engine.loop.call_soon_threadsafe

    def counting(callback: Any, *args: Any, **kwargs: Any) -> Any:
        wakes.append(callback)
        return real(callback, *args, **kwargs)

    engine.loop.call_soon_threadsafe = counting  # type: ignore[method-assign]
    gate = threading.Event()
    started: list[int] = []

    async def blocker() -> int:
        gate.wait(10)  # holds the loop thread while the burst below is submitted
        return -1

    async def job(i: int) -> int:
        started.append(i)
        return i

    try:
        first = engine.submit(blocker)
        burst = [engine.submit(lambda i=i: job(i)) for i in range(200)]  # type: ignore[misc]
        gate.set()
        assert first.result(10) == -1
        assert [f.result(10) for f in burst] == list(range(200))
        assert started == list(range(200))
        # The blocker's wake-up, at most one more if it raced the burst's first submission,
        # and the one for the burst: never one per job.
        assert len(wakes) <= 3, len(wakes)
    finally:
        engine.close()
