"""Scorer calls off the event loop, under a time limit (``--llm-scorer-timeout``).

A synchronous scorer runs in a worker thread while the engine's loop awaits its result for at
most the limit; past it the call is abandoned, the sample becomes an error naming the scorer,
and the loop (every other scenario's calls, Ctrl-C's cancellation) never waited on it.

The bound does not rely on the stuck scorer cooperating: an abandoned worker is left to finish
on its own (it is a daemon thread, so it cannot hold the process open) and a fresh worker takes
its place. What no thread can bound is a scorer holding the GIL in C code, such as the stdlib
``re`` backtracking: it stops every thread of the process. Forking a process per scorer call
would bound that too, at a cost (scorers close over unpicklable state, a fork per call) the
normal case should not pay; instead the built-in regex scorers use the ``regex`` package with
its own match timeout and GIL release, and the documentation asks custom scorers to do the same.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_LIMIT = 5.0
WORKERS = 4  # scorers are small and mostly hold the GIL: more threads would not be faster


class ScorerTimedOut(Exception):
    """The scorer call did not finish within the limit."""


@dataclass
class _Job:
    fn: Callable[[Any], Any]
    arg: Any
    loop: asyncio.AbstractEventLoop
    started: asyncio.Future[None]
    done: asyncio.Future[Any]
    abandoned: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


def _settle(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


class ScorerRunner:
    """Runs ``fn(arg)`` in a worker thread; ``await run(fn, arg)`` gives its result, raises
    what it raised, or ``ScorerTimedOut`` once it has run ``limit`` seconds."""

    def __init__(self, limit: float = DEFAULT_LIMIT, workers: int = WORKERS) -> None:
        self.limit = limit
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._workers = 0
        self._wanted = workers

    def _spawn(self) -> None:
        thread = threading.Thread(target=self._work, name="llmbench-scorer", daemon=True)
        thread.start()

    def _ensure_workers(self) -> None:
        with self._lock:
            missing = self._wanted - self._workers
            self._workers += max(missing, 0)
        for _ in range(missing):
            self._spawn()

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            with job.lock:
                if job.abandoned:  # cancelled before it started
                    continue
            job.loop.call_soon_threadsafe(_settle, job.started, None, None)
            value: Any = None
            error: BaseException | None = None
            try:
                value = job.fn(job.arg)
            except BaseException as exc:  # handed to the awaiting task, never lost here
                error = exc
            with job.lock:
                abandoned = job.abandoned
            if abandoned:
                return  # a replacement worker was started when this call was given up on
            try:
                job.loop.call_soon_threadsafe(_settle, job.done, value, error)
            except RuntimeError:
                return  # the loop is closed: the run is over

    async def run(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        loop = asyncio.get_running_loop()
        job = _Job(fn, arg, loop, loop.create_future(), loop.create_future())
        self._ensure_workers()
        self._queue.put(job)
        try:
            await job.started  # the limit counts from the start, not the wait for a worker
            return await asyncio.wait_for(asyncio.shield(job.done), self.limit)
        except asyncio.TimeoutError:
            self._abandon(job, replace=True)
            raise ScorerTimedOut(f"did not finish within {self.limit:g} s") from None
        except asyncio.CancelledError:
            self._abandon(job, replace=job.started.done())
            raise

    def _abandon(self, job: _Job, *, replace: bool) -> None:
        with job.lock:
            if job.done.done():
                return
            job.abandoned = True
        if replace:  # the worker is busy with the abandoned call for as long as it takes
            self._spawn()

    def close(self) -> None:
        """Let the idle workers end (busy ones end after their call)."""
        with self._lock:
            n, self._workers = self._workers, 0
        for _ in range(n):
            self._queue.put(None)
