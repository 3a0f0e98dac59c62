"""The scorer runner: results and exceptions pass through, a call past the limit is given up
on without waiting for it, and a stuck worker does not cost the calls after it."""

from __future__ import annotations

import asyncio
import threading

import pytest

from pytest_llmbench.scorer_limit import ScorerRunner, ScorerTimedOut


def test_results_and_exceptions_pass_through() -> None:
    runner = ScorerRunner(5.0)

    async def main() -> None:
        assert await runner.run(lambda x: x * 2, 21) == 42
        with pytest.raises(ZeroDivisionError):
            await runner.run(lambda x: 1 / x, 0)

    asyncio.run(main())
    runner.close()


def test_a_stuck_call_times_out_and_its_worker_is_replaced() -> None:
    runner = ScorerRunner(0.2, workers=1)
    release = threading.Event()

    async def main() -> None:
        with pytest.raises(ScorerTimedOut, match=r"0\.2 s"):
            await runner.run(lambda _: release.wait(), None)
        # The only worker is still stuck: the call after it gets a fresh one.
        assert await runner.run(lambda x: x + 1, 1) == 2

    try:
        asyncio.run(main())
    finally:
        release.set()
        runner.close()


def test_cancelling_a_waiting_call_leaves_the_runner_usable() -> None:
    runner = ScorerRunner(5.0, workers=1)
    release = threading.Event()

    async def main() -> None:
        task = asyncio.ensure_future(runner.run(lambda _: release.wait(), None))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await runner.run(lambda x: x, "ok") == "ok"

    try:
        asyncio.run(main())
    finally:
        release.set()
        runner.close()


def test_only_linear_time_generic_scorers_skip_the_worker() -> None:
    from pytest_llmbench.scoring.api import is_bounded
    from pytest_llmbench.scoring.registry import ScorerRegistry

    registry = ScorerRegistry()
    assert is_bounded(registry.build("contains", "ok"))
    assert is_bounded(registry.build("max_words", 3))
    assert is_bounded(registry.build("tool_called", "search"))
    # A suite's pattern or schema meets model text: these run under the time limit.
    assert not is_bounded(registry.build("regex", "a+"))
    assert not is_bounded(registry.build("json_schema", {"schema": {"type": "object"}}))
