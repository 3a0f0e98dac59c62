"""The retry policy: which errors are retried, how long it waits, and how it gives up.

``RetryPolicy(sleep=...)`` takes a recording fake, so no test really sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from pytest_llmbench.backoff import Backoff
from pytest_llmbench.errors import InfrastructureError, RetryableError
from pytest_llmbench.retry import RetryPolicy


class Recorder:
    """A fake ``asyncio.sleep`` that records each wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def flaky(
    errors: list[BaseException], value: str = "ok"
) -> tuple[Callable[[], Awaitable[str]], list[int]]:
    """A call failing with each of ``errors`` in turn, then returning ``value``."""
    calls: list[int] = []

    async def fn() -> str:
        calls.append(len(calls) + 1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return value

    return fn, calls


def always_failing(error: BaseException) -> tuple[Callable[[], Awaitable[str]], list[int]]:
    calls: list[int] = []

    async def fn() -> str:
        calls.append(len(calls) + 1)
        raise error

    return fn, calls


def test_success_first_time_does_not_sleep() -> None:
    sleep = Recorder()
    fn, calls = flaky([])
    assert asyncio.run(RetryPolicy(sleep=sleep).call(fn)) == "ok"
    assert calls == [1]
    assert sleep.waits == []


def test_success_on_third_attempt() -> None:
    sleep = Recorder()
    fn, calls = flaky([RetryableError("503"), RetryableError("timeout")], value="answer")
    assert asyncio.run(RetryPolicy(sleep=sleep).call(fn)) == "answer"
    assert calls == [1, 2, 3]
    assert len(sleep.waits) == 2


def test_retry_after_is_honoured() -> None:
    sleep = Recorder()
    fn, calls = flaky([RetryableError("429", retry_after=2.5)])
    assert asyncio.run(RetryPolicy(sleep=sleep).call(fn)) == "ok"
    assert len(calls) == 2
    assert sleep.waits == [2.5]


def test_retry_after_is_capped() -> None:
    sleep = Recorder()
    fn, calls = flaky(
        [RetryableError("429", retry_after=3600), RetryableError("429", retry_after=1)]
    )
    policy = RetryPolicy(backoff=Backoff(max_retry_after=10.0), sleep=sleep)
    assert asyncio.run(policy.call(fn)) == "ok"
    assert len(calls) == 3
    assert sleep.waits == [10.0, 1.0]


def test_retry_after_zero_means_no_wait() -> None:
    sleep = Recorder()
    fn, calls = flaky([RetryableError("429", retry_after=0)])
    assert asyncio.run(RetryPolicy(sleep=sleep).call(fn)) == "ok"
    assert len(calls) == 2
    assert sleep.waits == [0.0]


def test_backoff_grows_exponentially_with_jitter() -> None:
    sleep = Recorder()
    fn, _ = always_failing(RetryableError("503"))
    policy = RetryPolicy(retries=4, backoff=Backoff(10.0, 1000.0), sleep=sleep)
    with pytest.raises(InfrastructureError):
        asyncio.run(policy.call(fn))
    assert len(sleep.waits) == 4
    # initial * 2**n plus up to one second of jitter
    for n, wait in enumerate(sleep.waits):
        assert 10.0 * 2**n <= wait <= 10.0 * 2**n + 1.0, (n, wait)
    assert sleep.waits == sorted(sleep.waits)
    assert len(set(sleep.waits)) == 4


def test_backoff_is_bounded_by_max_wait() -> None:
    sleep = Recorder()
    fn, _ = always_failing(RetryableError("503"))
    policy = RetryPolicy(retries=6, backoff=Backoff(1.0, 5.0), sleep=sleep)
    with pytest.raises(InfrastructureError):
        asyncio.run(policy.call(fn))
    assert len(sleep.waits) == 6
    assert all(0 < w <= 5.0 for w in sleep.waits)
    assert sleep.waits[-3:] == [5.0, 5.0, 5.0]  # 8s, 16s, 32s are capped


def test_backoff_with_many_retries_does_not_overflow() -> None:
    sleep = Recorder()
    fn, calls = always_failing(RetryableError("503"))
    policy = RetryPolicy(retries=1100, backoff=Backoff(0.5, 2.0), sleep=sleep)
    with pytest.raises(InfrastructureError, match="1101 attempts"):
        asyncio.run(policy.call(fn))
    assert len(calls) == 1101
    assert max(sleep.waits) == 2.0


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_gives_up_after_retries_plus_one_attempts(retries: int) -> None:
    sleep = Recorder()
    fn, calls = always_failing(RetryableError("HTTP 503 from server"))
    policy = RetryPolicy(retries=retries, sleep=sleep)
    with pytest.raises(InfrastructureError) as info:
        asyncio.run(policy.call(fn))
    attempts = retries + 1
    assert len(calls) == attempts
    assert len(sleep.waits) == retries
    message = str(info.value)
    assert "HTTP 503 from server" in message
    plural = "attempt" if attempts == 1 else "attempts"
    assert f"gave up after {attempts} {plural}" in message
    assert isinstance(info.value.__cause__, RetryableError)


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(InfrastructureError("bad API key"), id="infrastructure"),
        pytest.param(ValueError("bug"), id="value-error"),
    ],
)
def test_non_retryable_error_is_raised_at_once(error: Exception) -> None:
    sleep = Recorder()
    fn, calls = always_failing(error)
    with pytest.raises(type(error)) as info:
        asyncio.run(RetryPolicy(sleep=sleep).call(fn))
    assert info.value is error
    assert calls == [1]
    assert sleep.waits == []


def test_non_retryable_after_retryable_stops() -> None:
    sleep = Recorder()
    fatal = InfrastructureError("401 unauthorized")
    fn, calls = flaky([RetryableError("503"), fatal])
    with pytest.raises(InfrastructureError) as info:
        asyncio.run(RetryPolicy(sleep=sleep).call(fn))
    assert info.value is fatal
    assert calls == [1, 2]
    assert len(sleep.waits) == 1


def test_policy_equality_ignores_sleep() -> None:
    assert RetryPolicy(sleep=Recorder()) == RetryPolicy()
    assert RetryPolicy(retries=1) != RetryPolicy(retries=2)
