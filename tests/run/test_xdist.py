"""pytest-xdist: scenarios spread over workers, each dispatched once, results gathered on the
controller, and the per-item payload kept out of junitxml."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from tests.servers.openai_server import FakeOpenAIServer, last_user_text

pytest.importorskip("xdist")

N = 6


def suite_text() -> str:
    lines = ["suite: spread", "scenarios:"]
    for i in range(N):
        lines += [
            f"  - id: s{i}",
            f"    user: question {i}",
            "    expect:",
            "      - contains: SECRET-REPLY",
        ]
    return "\n".join(lines) + "\n"


def reply(body: dict[str, Any]) -> str:
    return f"SECRET-REPLY-{last_user_text(body).split()[-1]}"


@pytest.mark.slow
def test_xdist_dispatches_each_scenario_once_and_gathers_results(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.latency = 0.1
    fake_server.script(reply)
    write_suite(suite_text())
    # A subprocess: the controller gets a clean interpreter (in-process, the outer run's
    # filterwarnings=error turns pytest-benchmark's "disabled under xdist" warning into an
    # internal error). The workers reach the fake server in this process over HTTP.
    result = pytester.runpytest_subprocess(
        "-n",
        "2",
        "--llm-model=hosted_vllm/fake",
        f"--llm-api-base={fake_server.base_url}",
        f"--llm-cache-dir={pytester.path / 'cache'}",
        "--llm-retries=1",
        "--llm-timeout=10",
        "--llm-results=out.json",
        "--junitxml=junit.xml",
        timeout=180,
    )
    result.assert_outcomes(passed=N)
    assert "2 workers" in result.stdout.str()

    asked = Counter(last_user_text(r) for r in fake_server.requests)
    assert asked == Counter(f"question {i}" for i in range(N)), asked

    from pytest_llmbench.schema import validator

    doc = json.loads((pytester.path / "out.json").read_text(encoding="utf-8"))
    validator("results").validate(doc)
    rows = doc["results"]
    assert len(rows) == N
    assert sorted(r["scenario"] for r in rows) == [f"s{i}" for i in range(N)]
    assert all(r["outcome"] == "passed" for r in rows)
    assert all(r["transcript"][-1]["content"].startswith("SECRET-REPLY-") for r in rows)
    (group,) = doc["summary"]
    assert (group["scenarios"], group["passed"]) == (N, N)

    junit = (pytester.path / "junit.xml").read_text(encoding="utf-8")
    assert junit.count("<testcase ") == N
    assert "SECRET-REPLY" not in junit
    assert 'name="llmbench"' not in junit
    assert "transcript" not in junit


def test_junitxml_without_xdist_has_no_payload(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.script(reply)
    write_suite(suite_text())
    result = pytester.runpytest_inprocess(
        "--llm-model=hosted_vllm/fake",
        f"--llm-api-base={fake_server.base_url}",
        f"--llm-cache-dir={pytester.path / 'cache'}",
        "--llm-retries=1",
        "--llm-timeout=10",
        "--junitxml=junit.xml",
    )
    result.assert_outcomes(passed=N)
    junit = (pytester.path / "junit.xml").read_text(encoding="utf-8")
    assert junit.count("<testcase ") == N
    assert "SECRET-REPLY" not in junit
    assert 'name="llmbench"' not in junit
