"""A 429 whose ``Retry-After`` is an HTTP-date is waited out, in a real run, on both transports
(issue 19, finding 8). The unit tests in tests/models/test_backoff.py check the parser against an
injected clock; this one checks that the whole chain (transport, retry policy, engine) keeps
the server's word. HTTP dates have whole seconds, so a date 3 s ahead asks for 2-3 s; our own
backoff after a first failure is 0.5 s plus up to 1 s of jitter."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from typing import Any

import pytest

from tests.servers.openai_server import FakeOpenAIServer, Fault, Reply


@pytest.mark.parametrize("transport", ["auto", "litellm"])
def test_a_429_with_an_http_date_is_waited_out(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, transport: str
) -> None:
    def reply(body: dict[str, Any]) -> Reply:
        if len(fake_server.requests) > 1:
            return "ok"
        later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=3)
        return Fault.status(429, retry_after=format_datetime(later, usegmt=True))

    fake_server.script(reply)
    (pytester.path / "s.llmbench.yaml").write_text(
        "suite: s\nscenarios:\n  - id: a\n    user: hi\n    expect:\n      - contains: ok\n"
    )
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--llm-model=openai/fake",
        f"--llm-api-base={fake_server.base_url}",
        f"--llm-cache-dir={pytester.path / 'cache'}",
        f"--llm-transport={transport}",
        "--llm-progress=off",
        timeout=300,
    )
    result.assert_outcomes(passed=1)
    (first, _, fault), (second, _, _) = fake_server.arrivals
    assert fault is None  # the script's fault, not an injected one
    assert second - first >= 1.9, second - first
