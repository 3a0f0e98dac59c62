"""End-to-end runs of the plugin, in-process, against the local fake OpenAI-compatible server:
dispatch, conversation, tools, limits, retries, cache, -x, repeat. Every test runs twice: over
the direct OpenAI-compatible fast path (``--llm-transport=auto``) and through litellm, so both
wire paths must give the same verdicts, errors and retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import itertools
import json
import pkgutil
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.servers.openai_server import FakeOpenAIServer, Fault, last_user_text

ROUTES = ("hosted_vllm/fake", "openai/fake")
# transport id -> options: the fast path in the pytest process, and litellm.
TRANSPORTS = {
    "auto": ("--llm-transport=auto",),
    "litellm": ("--llm-transport=litellm",),
}
_transport = {"value": "auto"}


@pytest.fixture(autouse=True, params=list(TRANSPORTS))
def transport(request: pytest.FixtureRequest) -> str:
    _transport["value"] = request.param
    return str(request.param)


# Modules an inner run imports besides the plugin's own: results, report and scorer code, and
# what installed pytest plugins import at the end of every run (hypothesis: seconds).
_INNER_RUN_IMPORTS = (
    "jsonschema",
    "rich.console",
    "rich.progress",
    "rich.table",
    "tenacity",
    "hypothesis.internal.observability",
)


def _preload_plugin_modules() -> None:
    """pytester restores ``sys.modules`` after every in-process run, so whatever a run imports
    is imported afresh by the next one (with assertion rewriting, for plugin packages): on a
    busy machine that dominates each run. Modules loaded here, before any run, are kept."""
    names: list[str] = list(_INNER_RUN_IMPORTS)
    # The scorers package is mapped from another folder: walk it on its own.
    for root in ("pytest_llmbench", "pytest_llmbench.scorers"):
        with contextlib.suppress(Exception):
            package = importlib.import_module(root)
            names += [m.name for m in pkgutil.walk_packages(package.__path__, f"{root}.")]
    for name in names:
        if name.endswith("__main__"):
            continue
        with contextlib.suppress(Exception):  # a module being edited elsewhere is no concern here
            importlib.import_module(name)
    from pytest_llmbench.schema import validator

    validator("results")
    validator("suite")


@pytest.fixture(autouse=True, scope="module")
def _litellm_warm(litellm_imported: None) -> None:
    """Import litellm and make one real call per route, outside any measured run: the import
    and litellm's lazily loaded provider modules cost seconds and would otherwise be charged to
    whichever test comes first (timing assertions included)."""
    from pytest_llmbench.client.base import ChatRequest, ModelSpec
    from pytest_llmbench.client.litellm_client import LiteLLMClient

    _preload_plugin_modules()

    async def warm(base_url: str) -> None:
        client = LiteLLMClient()
        for route in ROUTES:
            request = ChatRequest(ModelSpec(route, base_url), [{"role": "user", "content": "hi"}])
            await client.complete(request, 10)
        await client.aclose()

    with FakeOpenAIServer() as server:
        asyncio.run(warm(server.base_url))


def run(
    pytester: pytest.Pytester,
    server: FakeOpenAIServer,
    *args: str,
    model: str = "hosted_vllm/fake",
) -> pytest.RunResult:
    """One in-process pytest run against the fake server; later ``args`` override defaults."""
    return pytester.runpytest_inprocess(
        f"--llm-model={model}",
        f"--llm-api-base={server.base_url}",
        f"--llm-cache-dir={pytester.path / 'cache'}",
        *TRANSPORTS[_transport["value"]],
        "--llm-retries=2",
        "--llm-timeout=5",
        "--llm-progress=off",
        *args,
    )


def session_seconds(result: pytest.RunResult) -> float:
    """The duration pytest reports for the inner session ("1 failed in 0.62s"): unlike the wall
    time of the whole in-process run it leaves out option parsing, plugin loading and teardown,
    which say nothing about the plugin's dispatch."""
    match = re.search(r" in (\d+(?:\.\d+)?)s", result.outlines[-1])
    assert match, result.outlines[-1]
    return float(match.group(1))


def scenarios_yaml(n: int, user: str = "question {i}", expect: str = "ok") -> str:
    lines = ["suite: demo", "scenarios:"]
    for i in range(n):
        lines += [
            f"  - id: s{i:02d}",
            f"    user: {user.format(i=i)}",
            "    expect:",
            f"      - contains: {expect}",
        ]
    return "\n".join(lines) + "\n"


def cache_files(pytester: pytest.Pytester) -> list[Path]:
    root = pytester.path / "cache"
    return sorted(root.rglob("*.json")) if root.exists() else []


def read_results(path: Path) -> dict[str, Any]:
    from pytest_llmbench.schema import validator

    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    validator("results").validate(doc)
    return doc


class Arrivals:
    """A script recording when it is called (time.monotonic). The server calls the script
    after its configured latency: with none, that is when the request arrived; with some,
    when the reply goes out. Faults injected with ``inject`` skip the script."""

    def __init__(self, reply: Callable[[dict[str, Any]], Any] | str = "ok") -> None:
        self.times: list[float] = []
        self._lock = threading.Lock()
        self._reply = reply

    def __call__(self, body: dict[str, Any]) -> Any:
        with self._lock:
            self.times.append(time.monotonic())
        return self._reply(body) if callable(self._reply) else self._reply

    def gaps(self) -> list[float]:
        ts = sorted(self.times)
        return [b - a for a, b in itertools.pairwise(ts)]


ONE_PASS_ONE_FAIL = """
    suite: demo
    scenarios:
      - id: capital
        user: What is the capital of France?
        expect:
          - contains: {text: Paris, case_sensitive: false}
          - max_words: 3
      - id: wrong
        user: What is the capital of Italy?
        expect:
          - contains: Rome
"""


# -- basics ----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ROUTES)
def test_pass_and_fail_against_scripted_replies(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any, model: str
) -> None:
    fake_server.reply_map({"France": "Paris.", "Italy": "Milan"})
    write_suite(ONE_PASS_ONE_FAIL)
    result = run(pytester, fake_server, model=model)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*expected reply to contain 'Rome'*", "*FAILED*wrong*"])
    reqs = fake_server.requests
    assert len(reqs) == 2
    assert {r["model"] for r in reqs} == {"fake"}
    assert sorted(last_user_text(r) for r in reqs) == [
        "What is the capital of France?",
        "What is the capital of Italy?",
    ]


def test_multi_turn_context_carries_the_previous_reply(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    def reply(body: dict[str, Any]) -> str:
        return "TURN-ONE-REPLY" if last_user_text(body) == "first" else "second answer"

    fake_server.script(reply)
    write_suite(
        """
        suite: demo
        scenarios:
          - id: chat
            system: Be brief.
            turns:
              - user: first
                expect: [{contains: TURN-ONE}]
              - user: second
                expect: [{contains: second}]
        """
    )
    run(pytester, fake_server).assert_outcomes(passed=1)
    reqs = fake_server.requests
    assert len(reqs) == 2
    assert reqs[0]["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "first"},
    ]
    second = reqs[1]["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[2]["content"] == "TURN-ONE-REPLY"
    assert second[3]["content"] == "second"


TOOL_SUITE = """
    suite: demo
    scenarios:
      - id: weather
        user: What is the weather in Paris?
        tools:
          - type: function
            function:
              name: get_weather
              description: Current weather of a city.
              parameters:
                type: object
                properties: {city: {type: string}}
                required: [city]
        tool_results:
          get_weather: {temp_c: 21, sky: sunny}
        expect:
          - tool_called: {name: get_weather, arguments: {city: Paris}}
          - contains: "21"
"""


def test_tool_call_loop_feeds_declared_result(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    def reply(body: dict[str, Any]) -> Any:
        if any(m.get("role") == "tool" for m in body["messages"]):
            return "It is 21 degrees and sunny."
        return {
            "content": None,
            "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}],
        }

    fake_server.script(reply)
    write_suite(TOOL_SUITE)
    result = run(pytester, fake_server, "--llm-results=out.json")
    result.assert_outcomes(passed=1)
    reqs = fake_server.requests
    assert len(reqs) == 2
    for r in reqs:
        assert [t["function"]["name"] for t in r["tools"]] == ["get_weather"]
        assert r["tools"][0]["type"] == "function"
        assert r["tools"][0]["function"]["parameters"]["required"] == ["city"]
    second = reqs[1]["messages"]
    assert [m["role"] for m in second] == ["user", "assistant", "tool"]
    call = second[1]["tool_calls"][0]
    assert call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "Paris"}
    tool_msg = second[2]
    assert tool_msg["tool_call_id"] == call["id"]
    assert json.loads(tool_msg["content"]) == {"temp_c": 21, "sky": "sunny"}
    (row,) = read_results(pytester.path / "out.json")["results"]
    scores = {s["name"]: s["passed"] for s in row["scores"]}
    assert scores == {"tool_called": True, "contains": True}
    assert row["calls"] == 2


def test_tool_called_scorer_fails_without_a_call(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.script(lambda body: "It is 21 degrees, I guess.")
    write_suite(TOOL_SUITE)
    result = run(pytester, fake_server)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*expected a call to get_weather*"])
    assert len(fake_server.requests) == 1


# -- generation parameters -------------------------------------------------------------------

PARAMS_SUITE = """
    suite: demo
    defaults:
      params: {temperature: 0.5, max_tokens: 11}
    scenarios:
      - id: p
        user: hello
        params: {seed: 9, top_p: 0.9}
        expect: [{contains: hello}]
"""


@pytest.mark.parametrize("model", ROUTES)
def test_cli_generation_params_reach_the_server(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any, model: str
) -> None:
    write_suite(PARAMS_SUITE)
    result = run(
        pytester,
        fake_server,
        "--llm-temperature=0",
        "--llm-max-tokens=7",
        "--llm-seed=3",
        model=model,
    )
    result.assert_outcomes(passed=1)
    (body,) = fake_server.requests
    assert body["temperature"] == 0
    assert body.get("max_tokens", body.get("max_completion_tokens")) == 7
    assert body["seed"] == 3
    assert body["top_p"] == 0.9  # a suite param without CLI override is kept


def test_suite_params_reach_the_server_without_cli_override(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    write_suite(PARAMS_SUITE)
    run(pytester, fake_server).assert_outcomes(passed=1)
    (body,) = fake_server.requests
    assert body["temperature"] == 0.5
    assert body.get("max_tokens", body.get("max_completion_tokens")) == 11
    assert body["seed"] == 9
    assert body["top_p"] == 0.9


# -- concurrency and rate limits -------------------------------------------------------------


def test_concurrency_limit_is_honoured(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.latency = 0.5  # long enough that four calls overlap even on a busy machine
    fake_server.script(lambda body: "ok")
    write_suite(scenarios_yaml(12))
    run(pytester, fake_server, "--llm-concurrency=4").assert_outcomes(passed=12)
    assert len(fake_server.requests) == 12
    assert fake_server.max_in_flight == 4


def test_high_concurrency_runs_calls_in_parallel(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.latency = 0.3
    replies = Arrivals()  # the script runs after the latency: it records when replies go out
    fake_server.script(replies)
    write_suite(scenarios_yaml(12))
    result = run(pytester, fake_server, "--llm-concurrency=12")
    result.assert_outcomes(passed=12)
    assert len(fake_server.requests) == 12
    assert fake_server.max_in_flight > 4
    # Wall time of the calls, first request to last reply. One after another they would take
    # 3.6 s. Measured at the server: the inner session's own duration is dominated by CPU
    # starvation when the machine is busy, which says nothing about parallelism.
    span = 0.3 + sum(replies.gaps())
    assert span < 12 * 0.3 / 2, f"12 calls of 0.3 s took {span:.2f} s: not parallel"
    assert session_seconds(result) < 12 * 0.3 * 3  # only catches gross serialisation


def test_rpm_spaces_requests(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    arrivals = Arrivals()
    fake_server.script(arrivals)
    write_suite(scenarios_yaml(4))
    run(pytester, fake_server, "--llm-rpm=120").assert_outcomes(passed=4)
    assert len(arrivals.times) == 4
    # 120 rpm: one request start every 0.5 s. The limiter spaces the *starts*; the first call
    # of a run also sets up litellm's HTTP client, so its arrival may lag by a fraction of a
    # second, and a busy machine adds jitter: hence the tolerances. Unlimited, all four
    # requests arrive within a few milliseconds.
    gaps = arrivals.gaps()
    assert min(gaps[1:]) >= 0.4, gaps
    assert sum(gaps[1:]) >= 0.9, gaps
    assert sum(gaps) >= 1.0, gaps


# -- retries and infrastructure errors -------------------------------------------------------


def test_5xx_is_retried_until_success(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.script(lambda body: "ok")
    fake_server.inject(Fault.status(500), Fault.status(503))
    write_suite(scenarios_yaml(1))
    run(pytester, fake_server, "--llm-retries=2").assert_outcomes(passed=1)
    assert len(fake_server.requests) == 3
    assert fake_server.pending_faults == 0


def test_429_honours_retry_after(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    # The script sees every request (the fault is returned by the script itself), so both
    # arrival times are known.
    arrivals = Arrivals(
        lambda body: Fault.status(429, retry_after=1) if len(arrivals.times) == 1 else "ok"
    )
    fake_server.script(arrivals)
    write_suite(scenarios_yaml(1))
    run(pytester, fake_server, "--llm-retries=1").assert_outcomes(passed=1)
    assert len(fake_server.requests) == 2
    assert len(arrivals.times) == 2
    (gap,) = arrivals.gaps()
    assert gap >= 0.9, f"Retry-After: 1 not honoured, retried after {gap:.2f} s"
    assert gap < 5, f"retried after {gap:.2f} s"


def test_rate_limits_pause_the_backend_narrow_the_window_and_recover(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    """Adaptive concurrency (issue 8): a 429 with Retry-After stops every new start on the
    backend until then, halves the calls in flight, and successes widen the window again —
    never past --llm-concurrency."""
    concurrency, n = 8, 120
    fake_server.latency = 0.05
    fake_server.script(lambda body: "ok")
    fake_server.inject(Fault.status(429, retry_after=1))
    write_suite(scenarios_yaml(n))
    result = run(pytester, fake_server, f"--llm-concurrency={concurrency}")
    result.assert_outcomes(passed=n)
    result.stdout.fnmatch_lines(
        ["*rate limited 1 time(s); calls in flight were narrowed to 4 (of 8)*"]
    )

    arrivals = fake_server.arrivals
    assert max(in_flight for _, in_flight, _ in arrivals) <= concurrency
    (limited_at,) = [t for t, _, fault in arrivals if fault is not None]
    replied = limited_at + 0.05  # the fault is sent after the server's latency
    during = [t for t, _, _ in arrivals if replied + 0.02 < t < replied + 0.95]
    assert not during, f"{len(during)} calls started while Retry-After: 1 was running"
    after = sorted((t, k) for t, k, _ in arrivals if t >= replied + 0.95)
    first_round = [k for t, k in after if t < after[0][0] + 0.04]
    assert first_round and max(first_round) <= concurrency // 2, first_round
    assert max(k for _, k in after) == concurrency, "the window never recovered"
    # Every request but the limited one was answered on its first try: n + 1 requests.
    assert len(arrivals) == n + 1


def test_dropped_connection_is_retried(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.script(lambda body: "ok")
    fake_server.inject(Fault.drop())
    write_suite(scenarios_yaml(1))
    run(pytester, fake_server, "--llm-retries=1").assert_outcomes(passed=1)
    assert len(fake_server.requests) == 2


@pytest.mark.parametrize("fault", [Fault.malformed(), Fault.bad_shape()], ids=lambda f: f.kind)
def test_garbled_reply_is_retried(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any, fault: Fault
) -> None:
    fake_server.script(lambda body: "ok")
    fake_server.inject(fault)
    write_suite(scenarios_yaml(1))
    run(pytester, fake_server, "--llm-retries=1").assert_outcomes(passed=1)
    assert len(fake_server.requests) == 2


@pytest.mark.parametrize(
    ("fault", "retries", "reason", "requests"),
    [
        # Garbled and 5xx replies are retried, then the item is an error with the reason.
        (Fault.malformed(), 1, "Expecting value", 2),
        (Fault.bad_shape(), 1, "choices", 2),
        (Fault.status(503, message="backend melted"), 1, "backend melted", 2),
        # An authentication failure cannot improve with retrying: one request only.
        (Fault.status(401, message="bad key"), 2, "bad key", 1),
    ],
    ids=["malformed", "bad_shape", "503", "401-not-retried"],
)
def test_unrecoverable_replies_are_errors_with_reason(
    pytester: pytest.Pytester,
    fake_server: FakeOpenAIServer,
    write_suite: Any,
    fault: Fault,
    retries: int,
    reason: str,
    requests: int,
) -> None:
    fake_server.script(lambda body: "ok")
    fake_server.inject(*[fault] * 3)
    write_suite(scenarios_yaml(1))
    result = run(pytester, fake_server, f"--llm-retries={retries}")
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "infrastructure error" in out
    assert reason in out
    if requests > 1:
        assert f"gave up after {requests} attempts" in out
    assert "FAILED" not in out
    assert len(fake_server.requests) == requests


def test_timeout_is_an_error_and_fast(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.script(lambda body: "ok")
    # The server holds the reply for 20 s (stop() at teardown wakes it): a run that waited for
    # it could not finish within the bound below.
    fake_server.inject(Fault.timeout(20))
    write_suite(scenarios_yaml(1))
    result = run(pytester, fake_server, "--llm-timeout=0.5", "--llm-retries=0")
    elapsed = session_seconds(result)
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "infrastructure error" in out
    assert "gave up after 1 attempt" in out
    assert "FAILED" not in out
    assert len(fake_server.requests) == 1
    # Idle, this session takes about a second; the bound leaves room for a busy machine.
    assert elapsed < 10, f"a 0.5 s timeout took {elapsed:.2f} s"


def test_results_file_records_errors(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.script(
        lambda body: (
            Fault.status(401, message="key revoked")
            if last_user_text(body) == "question 1"
            else "ok"
        )
    )
    write_suite(scenarios_yaml(2))
    result = run(pytester, fake_server, "--llm-results=out.json")
    result.assert_outcomes(passed=1, errors=1)
    doc = read_results(pytester.path / "out.json")
    rows = {r["scenario"]: r for r in doc["results"]}
    assert set(rows) == {"s00", "s01"}
    assert rows["s00"]["outcome"] == "passed"
    assert rows["s00"]["error"] is None
    bad = rows["s01"]
    assert bad["outcome"] == "error"
    assert "key revoked" in bad["error"]
    assert bad["cached"] is False
    (group,) = doc["summary"]
    assert (group["passed"], group["failed"], group["errors"]) == (1, 0, 1)


# -- the response cache ----------------------------------------------------------------------


def test_cache_resume_skips_finished_calls(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.script(lambda body: "ok")
    write_suite(scenarios_yaml(3))

    run(pytester, fake_server).assert_outcomes(passed=3)
    assert len(fake_server.requests) == 3
    assert len(cache_files(pytester)) == 3

    fake_server.reset()
    run(pytester, fake_server, "--llm-results=out.json").assert_outcomes(passed=3)
    assert fake_server.requests == []
    rows = read_results(pytester.path / "out.json")["results"]
    assert len(rows) == 3
    assert all(r["cached"] is True and r["outcome"] == "passed" for r in rows)

    # An output-affecting parameter is part of the key.
    fake_server.script(lambda body: "ok")
    run(pytester, fake_server, "--llm-temperature=0.7").assert_outcomes(passed=3)
    assert len(fake_server.requests) == 3
    assert len(cache_files(pytester)) == 6


def test_cache_off_always_calls(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.script(lambda body: "ok")
    write_suite(scenarios_yaml(3))
    for _ in range(2):
        run(pytester, fake_server, "--llm-cache=off").assert_outcomes(passed=3)
    assert len(fake_server.requests) == 6
    assert cache_files(pytester) == []


def test_replay_after_readwrite_run_uses_no_network(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.script(lambda body: "ok")
    write_suite(scenarios_yaml(3))
    run(pytester, fake_server).assert_outcomes(passed=3)
    assert len(fake_server.requests) == 3
    fake_server.reset()  # from here every request would get an echo, failing the scorers
    run(pytester, fake_server, "--llm-cache=replay").assert_outcomes(passed=3)
    assert fake_server.requests == []


def test_replay_on_empty_cache_is_an_error_per_item(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    write_suite(scenarios_yaml(3))
    result = run(pytester, fake_server, "--llm-cache=replay")
    result.assert_outcomes(errors=3)
    out = result.stdout.str()
    assert out.count("--llm-cache=replay: no cached response") >= 3
    assert "FAILED" not in out
    assert fake_server.requests == []


def test_resume_after_partial_run_with_k(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.script(lambda body: "ok")
    write_suite(scenarios_yaml(5))
    run(pytester, fake_server, "-k", "s01 or s03").assert_outcomes(passed=2)
    assert sorted(last_user_text(r) for r in fake_server.requests) == [
        "question 1",
        "question 3",
    ]
    fake_server.reset()
    fake_server.script(lambda body: "ok")
    run(pytester, fake_server).assert_outcomes(passed=5)
    assert sorted(last_user_text(r) for r in fake_server.requests) == [
        "question 0",
        "question 2",
        "question 4",
    ]


def test_resume_after_x_stop(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    # Scenario s01 fails; with one call in flight at a time, -x stops the run (a crash or
    # Ctrl-C) before the rest: only finished calls are stored.
    fake_server.latency = 0.4
    fake_server.script(lambda body: "nope" if last_user_text(body) == "question 1" else "ok")
    write_suite(scenarios_yaml(10))
    run(pytester, fake_server, "-x", "--llm-concurrency=1").assert_outcomes(passed=1, failed=1)
    first = len(fake_server.requests)
    assert first < 10
    cached = len(cache_files(pytester))
    assert 2 <= cached <= first

    fake_server.reset()
    fake_server.script(lambda body: "nope" if last_user_text(body) == "question 1" else "ok")
    run(pytester, fake_server).assert_outcomes(passed=9, failed=1)
    # Exactly the calls without a stored response reach the server, each once.
    asked = [last_user_text(r) for r in fake_server.requests]
    assert len(asked) == 10 - cached
    assert len(set(asked)) == len(asked)
    assert "question 0" not in asked
    assert "question 1" not in asked
    assert len(cache_files(pytester)) == 10


# -- -x and --llm-repeat ---------------------------------------------------------------------


def test_exitfirst_cancels_outstanding_calls(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.latency = 1.0
    fake_server.script(lambda body: "nope" if last_user_text(body) == "question 0" else "ok")
    write_suite(scenarios_yaml(30))
    result = run(pytester, fake_server, "-x", "--llm-concurrency=2")
    result.assert_outcomes(failed=1)
    seen = len(fake_server.requests)
    assert seen < 10, seen
    # All 30 calls, two at a time, would take 15 s; idle, this session takes about 1.5 s.
    elapsed = session_seconds(result)
    assert elapsed < 10, f"-x run took {elapsed:.2f} s"
    # Cancelled means cancelled: nothing keeps calling once the run is over.
    time.sleep(0.6)
    assert len(fake_server.requests) == seen


def test_repeat_samples_each_scenario(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    counter = iter(range(1000))
    lock = threading.Lock()

    def alternate(body: dict[str, Any]) -> str:
        with lock:
            n = next(counter)
        return "ok" if n % 2 == 0 else "nope"

    fake_server.script(alternate)
    write_suite(scenarios_yaml(1))
    result = run(pytester, fake_server, "--llm-repeat=3", "--llm-results=out.json")
    result.assert_outcomes(failed=1)
    assert len(fake_server.requests) == 3
    assert len(cache_files(pytester)) == 3  # the sample index is part of the key
    result.stdout.fnmatch_lines(["*pass@k*", "*@1:67% @3:100%*"])
    doc = read_results(pytester.path / "out.json")
    assert sorted(r["sample"] for r in doc["results"]) == [0, 1, 2]
    assert sorted(r["outcome"] for r in doc["results"]) == ["failed", "passed", "passed"]
    (group,) = doc["summary"]
    assert group["pass_at_k"]["1"] == pytest.approx(2 / 3)
    assert group["pass_at_k"]["3"] == pytest.approx(1.0)

    # All three samples are cached under distinct keys: a rerun makes no calls.
    fake_server.reset()
    run(pytester, fake_server, "--llm-repeat=3").assert_outcomes(failed=1)
    assert fake_server.requests == []


def test_repeat_all_passing_samples_pass(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    fake_server.script(lambda body: "ok")
    write_suite(scenarios_yaml(2))
    run(pytester, fake_server, "--llm-repeat=3").assert_outcomes(passed=2)
    assert len(fake_server.requests) == 6


# -- warnings --------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ROUTES)
def test_warnings_as_errors_do_not_break_a_run(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any, model: str
) -> None:
    fake_server.reply_map({"France": "Paris.", "Italy": "Milan"})
    write_suite(ONE_PASS_ONE_FAIL)
    result = run(pytester, fake_server, "-W", "error", model=model)
    result.assert_outcomes(passed=1, failed=1)
    assert "warnings summary" not in result.stdout.str()


@pytest.mark.slow
def test_warnings_as_errors_in_a_fresh_process(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any, transport: str
) -> None:
    """A fresh interpreter imports litellm and builds its response types during the run."""
    fake_server.reply_map({"France": "Paris.", "Italy": "Milan"})
    write_suite(ONE_PASS_ONE_FAIL)
    result = pytester.runpytest_subprocess(
        "-W",
        "error",
        "--llm-model=openai/fake",
        f"--llm-api-base={fake_server.base_url}",
        f"--llm-cache-dir={pytester.path / 'cache'}",
        *TRANSPORTS[transport],
        "--llm-retries=0",
        "--llm-timeout=10",
        timeout=120,
    )
    result.assert_outcomes(passed=1, failed=1)
    assert len(fake_server.requests) == 2
