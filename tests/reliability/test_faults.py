"""A large run against a server that misbehaves in every known way: nothing is lost, no verdict
comes from a broken reply, and no error is cached.

Each scenario's fate is fixed by its number (``i % 20``): a good or a wrong reply, a transient
fault then a good reply (retried to a pass), or a fault on every attempt (an error). Timeouts
are injected on top, on whichever requests come first; they cost one attempt and are retried.
"""

from __future__ import annotations

import pytest

from tests.reliability.helpers import (
    PerPromptScript,
    assistant_texts,
    cached_contents,
    read_rows,
    run_subprocess,
    write_scenarios,
)
from tests.servers.openai_server import FakeOpenAIServer, Fault, Reply

N = 1000
TRANSIENT = {
    10: Fault.status(429, retry_after=0.01),
    11: Fault.status(500),
    12: Fault.status(503),
    13: Fault.drop(),
    14: Fault.malformed(),
    15: Fault.bad_shape(),
    16: Fault.empty_choices(),
}
PERMANENT = {
    17: (Fault.status(503), Fault.status(429, retry_after=0.01), Fault.status(500)),
    18: (Fault.drop(), Fault.malformed(), Fault.drop()),
    19: (Fault.empty_choices(), Fault.bad_shape(), Fault.empty_choices()),
}


def behave(i: int, attempt: int) -> Reply:
    kind = i % 20
    if kind < 8:
        return "ok"
    if kind < 10:
        return "nope"
    if kind in TRANSIENT:
        return TRANSIENT[kind] if attempt == 0 else "ok"
    faults = PERMANENT[kind]
    return faults[attempt % len(faults)]


def expected(i: int) -> str:
    kind = i % 20
    if kind in (8, 9):
        return "failed"
    return "error" if kind in PERMANENT else "passed"


@pytest.mark.slow
def test_thousand_scenarios_under_faults_lose_nothing(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    write_scenarios(pytester.path, N)
    script = PerPromptScript(behave)
    fake_server.script(script)
    # Timeouts (longer than --llm-timeout) on the first requests, whichever scenarios they are.
    fake_server.inject(*[Fault.timeout(3.0)] * 20)
    results = pytester.path / "run.json"
    result = run_subprocess(
        pytester,
        fake_server,
        "--llm-concurrency=50",
        "--llm-retries=2",
        "--llm-timeout=1",
        f"--llm-results={results}",
        "-q",
    )
    rows = read_rows(results)
    assert len(rows) == N
    for i in range(N):
        row = rows[f"s{i}"]
        assert row["outcome"] == expected(i), (i, row["outcome"], row["error"])
        if row["outcome"] == "error":
            assert row["error"], i  # a reason, always
            continue
        # A verdict only ever comes from the scripted reply, never from a broken one.
        want = "ok" if row["outcome"] == "passed" else "nope"
        assert assistant_texts(row) == [want], (i, row["transcript"])
        assert row["error"] is None
    errors = sum(1 for i in range(N) if expected(i) == "error")
    failed = sum(1 for i in range(N) if expected(i) == "failed")
    result.assert_outcomes(passed=N - errors - failed, failed=failed, errors=errors)
    assert fake_server.pending_faults == 0

    # Errors are never cached: exactly one cache file per scored scenario, holding its reply.
    contents = cached_contents(pytester)
    assert sorted(contents) == sorted(
        "ok" if expected(i) == "passed" else "nope" for i in range(N) if expected(i) != "error"
    )

    # A replay (no network) errors on exactly the scenarios that errored before.
    calls_before = len(fake_server.requests)
    replay = pytester.path / "replay.json"
    run_subprocess(pytester, fake_server, "--llm-cache=replay", f"--llm-results={replay}", "-q")
    again = read_rows(replay)
    assert len(fake_server.requests) == calls_before
    assert {k: r["outcome"] for k, r in again.items()} == {k: r["outcome"] for k, r in rows.items()}
    for i in range(N):
        if expected(i) == "error":
            assert "replay" in again[f"s{i}"]["error"]
