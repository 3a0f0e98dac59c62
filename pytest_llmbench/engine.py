"""The dispatch engine: one asyncio loop in a background thread for the whole run.

All selected scenarios are submitted right after collection; pytest's items then wait, in
order, for their own result. Per backend (model × api base) an adaptive window bounds calls in
flight (``--llm-concurrency`` at most, narrower after rate limits: ``limits.py``) and an optional
limiter spaces requests to ``--llm-rpm``. The loop lives in its own thread so
pytest's main thread stays the ordinary synchronous runner (and Ctrl-C lands there).
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextvars
import dataclasses
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from pytest_llmbench import inline
from pytest_llmbench.cache import ResponseCache, cache_key
from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelClient
from pytest_llmbench.errors import CacheMiss, RetryableError
from pytest_llmbench.limits import AdaptiveConcurrency, RateLimiter
from pytest_llmbench.retry import RetryPolicy
from pytest_llmbench.scorer_limit import DEFAULT_LIMIT, ScorerRunner
from pytest_llmbench.scoring.api import ToolCall
from pytest_llmbench.textsafe import encodable, has_surrogates

T = TypeVar("T")
_START_SLICE = 64  # jobs started per turn of the loop (Engine._start_queued)


@dataclasses.dataclass
class _Job:
    """Per submitted job (one scenario × model), seen by its calls through a context variable:
    its submission order and how many of its calls were answered, which set the priority of
    its next call (see ``limits.py``)."""

    seq: int
    answered: int = 0

    def priority(self) -> tuple[int, int]:
        # A conversation under way before any new one; among equals, pytest's order.
        return (0 if self.answered else 1, self.seq)


_JOB: contextvars.ContextVar[_Job | None] = contextvars.ContextVar("llmbench_job", default=None)


def repaired_response(response: ChatResponse) -> ChatResponse:
    """``response`` with its text made encodable (``textsafe.py``), flagged when it changed:
    scorers, cache and results then all see the one repaired text."""
    calls = response.tool_calls
    texts = [response.content or "", response.finish_reason or ""]
    texts += [t for c in calls for t in (c.id, c.name, c.arguments)]
    if not any(has_surrogates(t) for t in texts):
        return response
    content = response.content
    return dataclasses.replace(
        response,
        content=encodable(content) if content is not None else None,
        tool_calls=tuple(
            ToolCall(encodable(c.id), encodable(c.name), encodable(c.arguments)) for c in calls
        ),
        finish_reason=encodable(response.finish_reason) if response.finish_reason else None,
        repaired=True,
    )


class Engine:
    def __init__(
        self,
        client: ModelClient,
        cache: ResponseCache,
        *,
        concurrency: int = 32,
        rpm: float | None = None,
        timeout: float = 120.0,
        retry: RetryPolicy | None = None,
        scorer_timeout: float = DEFAULT_LIMIT,
    ) -> None:
        self.client = client
        self.cache = cache
        self.concurrency = concurrency
        self.rpm = rpm
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.scorers = ScorerRunner(scorer_timeout)
        self.windows: dict[Any, AdaptiveConcurrency] = {}
        self._limiters: dict[Any, RateLimiter] = {}
        self._futures: set[concurrent.futures.Future[Any]] = set()
        self._tasks: dict[concurrent.futures.Future[Any], asyncio.Task[Any]] = {}
        self._lock = threading.Lock()
        # Jobs handed to the loop but not started yet, and whether a wake-up of the loop to
        # start them is already on its way (see _hand_over).
        self._to_start: collections.deque[Callable[[], None]] = collections.deque()
        self._wake_pending = False
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="llmbench-engine", daemon=True)
        self._thread.start()
        self.submitted = 0
        self.finished = 0

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, factory: Callable[[], Coroutine[Any, Any, T]]) -> concurrent.futures.Future[T]:
        """Schedule ``factory()`` on the loop. The coroutine is created only when the loop gets
        to it, so a job cancelled before it started leaves no never-awaited coroutine behind.
        When the cache can be read, one coroutine is first tried inline (``inline.py``): a job
        the cache answers in full is done before this returns."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        if self.cache.reads:
            # Fully cached: done here and now, no hand-off to the loop (inline.py).
            done, value = inline.attempt(factory())
            if done:
                future.set_result(value)  # type: ignore[arg-type]
                with self._lock:
                    self.submitted += 1
                    self.finished += 1
                return future
        with self._lock:
            job = _Job(self.submitted)

        def start() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                context = contextvars.copy_context()
                context.run(_JOB.set, job)
                # The task runs in (a copy of) that context: its calls, and the gathered
                # samples' calls, all see the job.
                task = context.run(self.loop.create_task, factory())
            except BaseException as exc:  # an unresolved future would hang its item forever
                future.set_exception(exc)
                return

            def finish(t: asyncio.Task[T]) -> None:
                if t.cancelled():
                    future.cancel()
                elif (exc := t.exception()) is not None:
                    future.set_exception(exc)
                else:
                    future.set_result(t.result())

            task.add_done_callback(finish)
            self._tasks[future] = task

        with self._lock:
            self._futures.add(future)
            self.submitted += 1
        future.add_done_callback(self._done)
        self._hand_over(start)
        return future

    def _hand_over(self, start: Callable[[], None]) -> None:
        """Queue ``start`` for the loop, waking the loop only if no wake-up is pending: a run
        submits thousands of scenarios in a row, and one self-pipe write and thread switch
        each (``call_soon_threadsafe``) cost more than the submission itself."""
        with self._lock:
            self._to_start.append(start)
            if self._wake_pending:
                return
            self._wake_pending = True
        self.loop.call_soon_threadsafe(self._start_queued)

    def _start_queued(self) -> None:
        """Start the queued jobs in submission order, a slice per turn of the loop: the first
        jobs' connections and requests then go out between slices, instead of after every
        job of a 2,000-scenario run has taken its first step (0.2 s before the first
        request, measured by benchmarks/throughput.py)."""
        with self._lock:
            count = min(len(self._to_start), _START_SLICE)
            batch = [self._to_start.popleft() for _ in range(count)]
            more = bool(self._to_start)
            if not more:
                self._wake_pending = False
        for start in batch:
            start()
        if more:  # still counted as the pending wake-up: no submitter schedules another
            self.loop.call_soon(self._start_queued)

    def _done(self, future: concurrent.futures.Future[Any]) -> None:
        with self._lock:
            self._futures.discard(future)
            self.finished += 1
        task = self._tasks.pop(future, None)
        if task is not None and future.cancelled() and not task.done():
            self.loop.call_soon_threadsafe(task.cancel)

    async def call(self, request: ChatRequest, client: ModelClient | None = None) -> ChatResponse:
        """Cache, then concurrency and rate limits, then the client with retries. ``client``
        replaces the run's client for this call (a built-in model's scripted client)."""
        client = client or self.client
        cache = self.cache
        builtin = request.model.builtin is not None
        key = cache_key(request) if not builtin and (cache.reads or cache.writes_wanted) else ""
        if key and cache.reads:
            hit = cache.get(key)
            if hit is not None:
                job = _JOB.get()
                if job is not None:
                    job.answered += 1
                return hit
        if inline.active():
            raise inline.NeedsLoop  # a model call, or a miss the loop path reports
        if cache.mode == "replay" and not builtin:
            raise CacheMiss(f"--llm-cache=replay: no cached response (key {key[:12]})")
        if request.model.route is not None:
            # A router group: each of its deployments has its own window and limits, kept by
            # the client that chooses the deployment (client/replicas.py).
            response = await self.retry.call(lambda: client.complete(request, self.timeout))
            if key and cache.writes:
                await asyncio.to_thread(cache.put, key, response, request.model.name)
            return response
        backend = request.model.backend
        window = self.windows.get(backend)
        if window is None:
            window = self.windows[backend] = AdaptiveConcurrency(self.concurrency)
        limiter = None
        if self.rpm is not None:
            limiter = self._limiters.get(backend)
            if limiter is None:
                limiter = self._limiters[backend] = RateLimiter(self.rpm)

        ready = getattr(client, "ready", None) if limiter is not None else None
        job = _JOB.get()
        priority = job.priority() if job is not None else ()

        async def attempt() -> ChatResponse:
            # A slot per attempt: a call waiting out its backoff holds no slot.
            started = await window.acquire(priority)
            try:
                if limiter is not None:
                    if ready is not None:
                        await ready(request)
                    await limiter.wait()
                response = await client.complete(request, self.timeout)
            except RetryableError as exc:
                if exc.rate_limited:
                    window.rate_limited(started, exc.retry_after)
                raise
            finally:
                window.release()
            window.succeeded(started)
            return response

        response = repaired_response(await self.retry.call(attempt))
        if job is not None:
            job.answered += 1
        if key and cache.writes_wanted:  # (put counts what a failed cache could not keep)
            # Off the loop: a slow disk must not stall other calls' I/O.
            await asyncio.to_thread(cache.put, key, response, request.model.name)
        return response

    def cancel_all(self) -> int:
        with self._lock:
            pending = list(self._futures)
        for f in pending:
            f.cancel()
        return len(pending)

    def close(self) -> None:
        """Cancel what is left, close the client's connections, stop the loop thread."""
        self.cancel_all()
        if not self.loop.is_running():
            return

        async def shutdown() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.client.aclose()

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(timeout=10)
        except (concurrent.futures.TimeoutError, concurrent.futures.CancelledError):
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.scorers.close()
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self.loop.close()
