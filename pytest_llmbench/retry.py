"""Retrying model calls, built on tenacity.

Retry only what can succeed later (``RetryableError``: rate limits, 5xx, connection failures,
timeouts, garbled replies); wait as ``backoff.Backoff`` says (the server's ``Retry-After``, else
jittered exponential backoff); cap both attempts and total time so a dead server ends as an
*error*.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    RetryError,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
)

from pytest_llmbench.backoff import Backoff
from pytest_llmbench.errors import InfrastructureError, RetryableError

T = TypeVar("T")
CALL_BACKOFF = Backoff(initial=0.5, maximum=30.0, max_retry_after=120.0)


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 4
    backoff: Backoff = CALL_BACKOFF
    max_total: float = 600.0
    # Injected by tests to check waits without sleeping.
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    def wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = exc.retry_after if isinstance(exc, RetryableError) else None
        return self.backoff.seconds(state.attempt_number, retry_after)

    async def call(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Run ``fn`` with retries; return its result."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(RetryableError),
            stop=stop_after_attempt(self.retries + 1) | stop_after_delay(self.max_total),
            wait=self.wait,
            sleep=self.sleep,
            reraise=False,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await fn()
        except RetryError as exc:
            last = exc.last_attempt
            n = last.attempt_number
            cause = last.exception()
            plural = "s" if n != 1 else ""
            raise InfrastructureError(f"{cause} (gave up after {n} attempt{plural})") from cause
        raise AssertionError("unreachable: tenacity yields until success or RetryError")
