"""A scenario the cache answers in full runs in pytest's thread, without the loop (``inline.py``);
anything else goes to the loop from its start, and the results are those of the loop path."""

from __future__ import annotations

import asyncio
import gc
import json
import warnings

import pytest

from pytest_llmbench import inline

# -- the attempt itself ---------------------------------------------------------------------


def test_an_attempt_that_never_waits_gives_its_value() -> None:
    async def cached() -> int:
        return 7

    assert inline.attempt(cached()) == (True, 7)


def test_an_attempt_that_suspends_is_dropped_and_closed() -> None:
    finalised: list[str] = []

    async def waits() -> int:
        try:
            await asyncio.sleep(0)  # a bare yield to the loop
            return 1
        finally:
            finalised.append("closed")

    assert inline.attempt(waits()) == (False, None)
    assert finalised == ["closed"]


@pytest.mark.parametrize("raised", [inline.NeedsLoop, ValueError, RuntimeError])
def test_an_attempt_that_raises_needs_the_loop(raised: type[BaseException]) -> None:
    async def fails() -> int:
        raise raised()

    assert inline.attempt(fails()) == (False, None)


def test_ctrl_c_inside_an_attempt_is_not_swallowed() -> None:
    async def interrupted() -> int:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        inline.attempt(interrupted())


def test_the_attempt_marks_only_its_own_code_as_inline() -> None:
    seen: list[bool] = []

    async def probe() -> None:
        seen.append(inline.active())

    inline.attempt(probe())
    assert seen == [True]
    assert inline.active() is False


def test_gather_inside_an_attempt_closes_the_coroutines_it_did_not_reach() -> None:
    async def fine() -> int:
        return 1

    async def needs_loop() -> int:
        raise inline.NeedsLoop

    async def samples() -> list[int]:
        return await inline.gather([fine(), needs_loop(), fine(), fine()])

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine ... was never awaited" would be an error
        assert inline.attempt(samples()) == (False, None)
        gc.collect()


def test_gather_outside_an_attempt_is_asyncio_gather() -> None:
    async def slow(value: int) -> int:
        await asyncio.sleep(0.01 * value)
        return value

    assert asyncio.run(inline.gather([slow(3), slow(1), slow(2)])) == [3, 1, 2]


# -- whole runs -----------------------------------------------------------------------------

CONFTEST = """
import asyncio
import os

import pytest
from pytest_llmbench import Score, inline, scorer
from pytest_llmbench.client.base import ChatResponse


class PerRequestClient:
    # A reply that depends on the request, so that each cached entry differs.
    async def complete(self, request, timeout):
        last = request.messages[-1]["content"]
        text = f"ok {len(request.messages)} {last} sample {request.sample}"
        return ChatResponse(content=text, finish_reason="stop")

    async def aclose(self):
        pass


def pytest_llmbench_make_client(settings):
    return PerRequestClient() if os.environ.get("FILL") else None


@scorer("t/crash")
def crash():
    def score(ctx):
        raise RuntimeError("scorer bug")
    return score


@scorer("t/async")
def waits():
    async def score(ctx):
        await asyncio.sleep(0.01)  # a real wait: only the loop can do it
        return Score("ok" in ctx.reply, "waited")
    return score


def pytest_llmbench_add_scorers(registry):
    registry.add(crash, waits)


counts = {"done": 0}
real_attempt = inline.attempt
if os.environ.get("NO_INLINE"):
    inline.attempt = lambda coro: (coro.close(), (False, None))[1]
else:
    def counting(coro):
        done, value = real_attempt(coro)
        counts["done"] += done
        return done, value
    inline.attempt = counting


def pytest_unconfigure(config):
    print(f"INLINE-DONE: {counts['done']}")
"""

SUITE = """suite: inline
scenarios:
  - id: bounded
    user: say it
    expect: [{contains: ok}]
  - id: failing
    user: say nothing
    expect: [{contains: zebra}]
  - id: multi
    stop_on_failure: true
    turns:
      - user: first
        expect: [{contains: ok}]
      - user: second
        expect: [{contains: zebra}]
      - user: third
  - id: unbounded
    user: match it
    expect: [{regex: {pattern: 'o+k [0-9]'}}]
  - id: crash
    user: crash it
    expect: [t/crash]
  - id: waits
    user: wait for it
    expect: [t/async]
"""


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *env: str) -> dict:
    for name in ("FILL", "NO_INLINE"):
        monkeypatch.delenv(name, raising=False)
    for name in env:
        monkeypatch.setenv(name, "1")
    mode = "readwrite" if "FILL" in env else "replay"
    result = pytester.runpytest_subprocess(
        "--llm-model=hosted_vllm/fake",
        "--llm-api-base=http://127.0.0.1:9/v1",  # refuses connections: no call may leave
        "--llm-cache-dir=cache",
        f"--llm-cache={mode}",
        "--llm-repeat=2",
        "--llm-results=out.json",
        "--llm-progress=off",
        "-s",
    )
    doc = json.loads((pytester.path / "out.json").read_text())
    doc["inline_done"] = next(
        int(line.split(": ")[1]) for line in result.outlines if line.startswith("INLINE-DONE")
    )
    doc["outcomes"] = result.parseoutcomes()
    return doc


def _verdicts(doc: dict) -> list[dict]:
    keep = ("nodeid", "outcome", "scores", "transcript", "error", "calls", "cached", "sample")
    keep += ("stopped_at_turn",)
    return [{k: r.get(k) for k in keep} for r in doc["results"]]


def test_a_cached_run_gives_the_loop_paths_results_and_runs_inline_where_it_can(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest(CONFTEST)
    (pytester.path / "inline.llmbench.yaml").write_text(SUITE)
    filled = _run(pytester, monkeypatch, "FILL")
    assert filled["outcomes"] == {"passed": 3, "failed": 2, "errors": 1}
    inline_run = _run(pytester, monkeypatch)
    loop_run = _run(pytester, monkeypatch, "NO_INLINE")
    assert inline_run["outcomes"] == loop_run["outcomes"] == filled["outcomes"]
    assert _verdicts(inline_run) == _verdicts(loop_run)
    fresh = [{**r, "cached": True} for r in _verdicts(filled)]  # the one field that differs
    assert _verdicts(inline_run) == fresh
    # bounded, failing and multi end inline; the regex scorer's time limit, the crashing and
    # the waiting scorer need the loop, and the fill run had nothing cached yet.
    assert (inline_run["inline_done"], loop_run["inline_done"], filled["inline_done"]) == (3, 0, 0)
    assert all(r["cached"] for r in inline_run["results"])


def test_a_partly_cached_run_calls_the_model_for_the_rest_only(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest(CONFTEST)
    suite = pytester.path / "inline.llmbench.yaml"
    suite.write_text(SUITE.split("  - id: multi")[0])  # bounded and failing
    _run(pytester, monkeypatch, "FILL")
    suite.write_text(SUITE)
    doc = _run(pytester, monkeypatch, "FILL")
    assert doc["inline_done"] == 2
    by_id = {r["scenario"]: r for r in doc["results"]}
    assert by_id["bounded"]["cached"] and by_id["failing"]["cached"]
    assert not by_id["multi"]["cached"] and not by_id["waits"]["cached"]
    assert doc["outcomes"] == {"passed": 3, "failed": 2, "errors": 1}


def test_the_collected_items_are_frozen_for_the_run_and_thawed_after(
    pytester: pytest.Pytester,
) -> None:
    before = gc.get_freeze_count()
    pytester.makeconftest(
        "import gc\n"
        f"def pytest_runtest_call(item):\n"
        f"    assert gc.get_freeze_count() > {before}, 'the collected items are not frozen'\n"
    )
    (pytester.path / "s.llmbench.yaml").write_text(
        "suite: s\nscenarios:\n  - id: one\n    user: echo me\n    expect: [{contains: echo}]\n"
    )
    result = pytester.runpytest_inprocess("--llm-model=llmbench/echo")
    result.assert_outcomes(passed=1)
    assert gc.get_freeze_count() == before


def test_a_run_without_scenarios_leaves_the_collector_alone(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FROZEN_BEFORE", str(gc.get_freeze_count()))
    pytester.makepyfile(
        "import gc, os\n\n\ndef test_plain():\n"
        "    assert gc.get_freeze_count() == int(os.environ['FROZEN_BEFORE'])\n"
    )
    pytester.runpytest_inprocess().assert_outcomes(passed=1)


EXIT_PROBE = (
    "import atexit, gc, os\n"
    "# Registered before the plugin's handler, so it runs after it (atexit: last in, first out)\n"
    "atexit.register(lambda: open(os.environ['PROBE'], 'w').write(str(gc.get_freeze_count())))\n"
)


@pytest.mark.parametrize("scenarios", [True, False], ids=["scenarios", "plain-tests"])
def test_a_run_with_scenarios_skips_the_collections_at_exit(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, scenarios: bool
) -> None:
    probe = pytester.path / "probe.txt"
    monkeypatch.setenv("PROBE", str(probe))
    pytester.makeconftest(EXIT_PROBE)
    if scenarios:
        (pytester.path / "s.llmbench.yaml").write_text(
            "suite: s\nscenarios:\n  - id: one\n    user: echo me\n    expect: [{contains: echo}]\n"
        )
    else:
        pytester.makepyfile("def test_plain():\n    pass\n")
    result = pytester.runpytest_subprocess("--llm-model=llmbench/echo", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    frozen = int(probe.read_text())
    # With scenarios the heap is frozen when the interpreter's final passes begin; a session
    # without any is left exactly as pytest leaves it.
    assert (frozen > 0) is scenarios
