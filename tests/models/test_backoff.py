"""One backoff and one Retry-After parser for every retrying path: both RFC 9110 forms
(delay-seconds and HTTP-date), read against an injected clock so no test depends on time."""

from __future__ import annotations

import asyncio
import datetime as dt
from email.utils import format_datetime
from typing import Any

import pytest

from pytest_llmbench.backoff import Backoff, parse_retry_after, server_wait
from pytest_llmbench.client.base import ChatRequest, ModelSpec
from pytest_llmbench.client.openai_compat import OpenAICompatibleClient
from pytest_llmbench.errors import InfrastructureError, RetryableError
from pytest_llmbench.retry import RetryPolicy
from tests.servers.openai_server import FakeOpenAIServer, Fault

NOW = dt.datetime(2015, 10, 21, 7, 28, 0, tzinfo=dt.timezone.utc)
IN_8_S = format_datetime(NOW + dt.timedelta(seconds=8), usegmt=True)  # IMF-fixdate


def now() -> float:
    return NOW.timestamp()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        (" 120 ", 120.0),
        ("-3", 0.0),
        (IN_8_S, 8.0),
        ("Wed, 21 Oct 2015 07:28:08 GMT", 8.0),
        ("Wednesday, 21-Oct-15 07:28:08 GMT", 8.0),  # RFC 850
        ("Wed Oct 21 07:28:08 2015", 8.0),  # asctime
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # already past: no wait
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after_both_forms(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "soon", "retry-after": "3"}, 3.0),
        ({"retry-after": IN_8_S}, 8.0),
        ({}, None),
        ({"retry-after": "-3"}, 0.0),
        (
            {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "6m0s"},
            360.0,
        ),
        (
            {
                "x-ratelimit-remaining-requests": "0",
                "x-ratelimit-reset-requests": "20ms",
                "x-ratelimit-remaining-tokens": "0",
                "x-ratelimit-reset-tokens": "1.5s",
            },
            1.5,
        ),
        ({"x-ratelimit-remaining-requests": "5", "x-ratelimit-reset-requests": "1s"}, None),
    ],
)
def test_server_wait(headers: dict[str, str], expected: float | None) -> None:
    assert server_wait(headers, now) == expected


def test_backoff_prefers_the_server_and_caps_it() -> None:
    b = Backoff(initial=1.0, maximum=5.0, max_retry_after=10.0)
    assert b.seconds(1, 8.0) == 8.0
    assert b.seconds(1, 3600.0) == 10.0
    assert b.seconds(1, 0.0) == 0.0
    for attempt in range(1, 8):
        wait = b.seconds(attempt)
        assert min(2.0 ** (attempt - 1), 5.0) <= wait <= min(2.0 ** (attempt - 1) + 1, 5.0)


class Recorder:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _retried_call(client: Any, server: FakeOpenAIServer, model: str) -> list[float]:
    """One request through ``client`` with the retry policy; the waits it slept."""
    sleep = Recorder()
    request = ChatRequest(ModelSpec(model, server.base_url), [{"role": "user", "content": "q"}])

    async def go() -> None:
        try:
            await RetryPolicy(retries=1, sleep=sleep).call(lambda: client.complete(request, 5))
        finally:
            await client.aclose()

    with pytest.raises(InfrastructureError, match=r"HTTP 429|RateLimitError"):
        asyncio.run(go())
    return sleep.waits


def test_fast_path_429_with_an_http_date_waits_that_long(fake_server: FakeOpenAIServer) -> None:
    fake_server.inject(Fault.status(429, retry_after=IN_8_S))
    fake_server.inject(Fault.status(429, retry_after=IN_8_S))
    waits = _retried_call(OpenAICompatibleClient(clock=now), fake_server, "openai/m")
    assert waits == [8.0]


def test_litellm_429_with_an_http_date_waits_that_long(fake_server: FakeOpenAIServer) -> None:
    from pytest_llmbench.client.litellm_client import LiteLLMClient

    fake_server.inject(Fault.status(429, retry_after=IN_8_S))
    fake_server.inject(Fault.status(429, retry_after=IN_8_S))
    waits = _retried_call(LiteLLMClient(clock=now), fake_server, "hosted_vllm/m")
    assert waits == [8.0]


def test_the_retryable_error_carries_the_date_as_seconds(fake_server: FakeOpenAIServer) -> None:
    fake_server.inject(Fault.status(429, retry_after="Wed, 21 Oct 2015 07:28:30 GMT"))
    client = OpenAICompatibleClient(clock=now)
    request = ChatRequest(ModelSpec("openai/m", fake_server.base_url), [])

    async def go() -> None:
        try:
            await client.complete(request, 5)
        finally:
            await client.aclose()

    with pytest.raises(RetryableError) as info:
        asyncio.run(go())
    assert info.value.retry_after == 30.0
    assert info.value.rate_limited
