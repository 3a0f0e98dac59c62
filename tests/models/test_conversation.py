"""``run_sample``: turns in order, the tool loop, scoring per turn and per conversation,
``stop_on_failure``, errors; and the pass rules of ``ScenarioResult``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelSpec, Usage
from pytest_llmbench.conversation import BoundScorer, Plan, run_sample, tool_result
from pytest_llmbench.errors import CacheMiss, InfrastructureError
from pytest_llmbench.scenario import Scenario, ScorerRef, Turn
from pytest_llmbench.scenario_result import SampleResult, ScenarioResult
from pytest_llmbench.scoring.api import Score, ScoreFn, ScorerContext, ToolCall, scorer
from pytest_llmbench.scoring.registry import ScorerRegistry

REGISTRY = ScorerRegistry()
MODEL = ModelSpec("openai/test-model", "http://127.0.0.1:1/v1")


def tool(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}


def make_scenario(*users: str, **fields: Any) -> Scenario:
    return Scenario(
        id=fields.pop("id", "s1"),
        suite="demo",
        path=Path("demo.llmbench.yaml"),
        line=3,
        turns=tuple(Turn(u, (), 4 + i) for i, u in enumerate(users or ("hi",))),
        **fields,
    )


def bound(name: str, args: Any = None) -> BoundScorer:
    return (ScorerRef(name, args, 1), REGISTRY.build(name, args))


def make_plan(
    scenario: Scenario,
    turns: Sequence[Sequence[BoundScorer]] | None = None,
    each: Sequence[BoundScorer] = (),
    conversation: Sequence[BoundScorer] = (),
) -> Plan:
    per_turn = turns if turns is not None else [() for _ in scenario.turns]
    assert len(per_turn) == len(scenario.turns)
    return Plan(scenario, tuple(tuple(t) for t in per_turn), tuple(each), tuple(conversation))


class FakeModel:
    """A scripted ``call``: records each request, answers with the next scripted item."""

    def __init__(self, *replies: ChatResponse | str | BaseException) -> None:
        self.replies = list(replies)
        self.requests: list[ChatRequest] = []

    async def __call__(self, request: ChatRequest) -> ChatResponse:
        self.requests.append(request)
        reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        if isinstance(reply, BaseException):
            raise reply
        return ChatResponse(reply) if isinstance(reply, str) else reply


def calls(*tool_calls: tuple[str, str, str]) -> ChatResponse:
    return ChatResponse(None, tuple(ToolCall(*c) for c in tool_calls), finish_reason="tool_calls")


def run(
    plan: Plan,
    model: FakeModel,
    params: dict[str, Any] | None = None,
    sample: int = 0,
) -> SampleResult:
    return asyncio.run(run_sample(plan, MODEL, sample, model, "official", params or {}))


class Seen:
    """Records the context every scorer built from it was given."""

    def __init__(self) -> None:
        self.contexts: list[ScorerContext] = []

    def bound(self, name: str, passed: bool = True) -> BoundScorer:
        @scorer(name)
        def factory() -> ScoreFn:
            def score(ctx: ScorerContext) -> Score:
                self.contexts.append(ctx)
                return Score(passed, f"{name} saw turn {ctx.turn}")

            return score

        return (ScorerRef(name, None, 1), factory())


# --------------------------------------------------------------------------- turns


def test_each_request_carries_the_conversation_so_far() -> None:
    scenario = make_scenario("one", "two", "three", system="Be brief.")
    model = FakeModel("r1", "r2", "r3")
    result = run(
        make_plan(scenario, each=[bound("min_chars", 1)]),
        model,
        params={"temperature": 0.5},
        sample=2,
    )
    assert result.error is None
    assert [[(m["role"], m["content"]) for m in r.messages] for r in model.requests] == [
        [("system", "Be brief."), ("user", "one")],
        [("system", "Be brief."), ("user", "one"), ("assistant", "r1"), ("user", "two")],
        [
            ("system", "Be brief."),
            ("user", "one"),
            ("assistant", "r1"),
            ("user", "two"),
            ("assistant", "r2"),
            ("user", "three"),
        ],
    ]
    for r in model.requests:
        assert r.model == MODEL
        assert r.params == {"temperature": 0.5}
        assert r.sample == 2
        assert list(r.tools) == []
    assert [(m.role, m.content, m.turn) for m in result.messages] == [
        ("system", "Be brief.", None),
        ("user", "one", 0),
        ("assistant", "r1", 0),
        ("user", "two", 1),
        ("assistant", "r2", 1),
        ("user", "three", 2),
        ("assistant", "r3", 2),
    ]
    assert result.calls == 3
    assert result.passed and result.outcome == "passed"


def test_no_system_message_without_system() -> None:
    model = FakeModel("hello")
    run(make_plan(make_scenario("hi"), each=[bound("min_chars", 1)]), model)
    assert [m["role"] for m in model.requests[0].messages] == ["user"]


def test_scores_land_per_turn_and_per_conversation() -> None:
    seen = Seen()
    scenario = make_scenario("one", "two")
    plan = make_plan(
        scenario,
        turns=[[bound("contains", "alpha")], [bound("contains", "gamma")]],
        each=[seen.bound("each")],
        conversation=[seen.bound("whole"), bound("not_contains", "delta")],
    )
    result = run(plan, FakeModel("alpha beta", "beta delta"))

    assert [[(s.name, s.passed) for s in t] for t in result.turn_scores] == [
        [("contains", True), ("each", True)],
        [("contains", False), ("each", True)],
    ]
    assert [(s.name, s.passed) for s in result.conversation_scores] == [
        ("whole", True),
        ("not_contains", False),
    ]
    assert "gamma" in result.turn_scores[1][0].reason
    assert [s.name for s in result.scores] == [
        "contains",
        "each",
        "contains",
        "each",
        "whole",
        "not_contains",
    ]
    assert result.error is None
    assert not result.passed and result.outcome == "failed"

    turn0, turn1, whole = seen.contexts
    assert (turn0.level, turn0.turn, turn0.reply) == ("turn", 0, "alpha beta")
    assert [m.content for m in turn0.messages] == ["one", "alpha beta"]  # nothing from later
    assert (turn1.level, turn1.turn, turn1.reply) == ("turn", 1, "beta delta")
    assert (whole.level, whole.turn) == ("conversation", 1)
    assert whole.replies == ["alpha beta", "beta delta"]
    assert whole.scenario_id == "s1"

    rows = result.scores_json()
    assert [(r["name"], r["turn"]) for r in rows] == [
        ("contains", 0),
        ("each", 0),
        ("contains", 1),
        ("each", 1),
        ("whole", None),
        ("not_contains", None),
    ]


def test_scorer_context_carries_metadata_tools_and_mode() -> None:
    seen = Seen()
    scenario = make_scenario("hi", metadata={"k": 1}, tools=(tool("lookup"),))
    asyncio.run(
        run_sample(
            make_plan(scenario, each=[seen.bound("s")]), MODEL, 0, FakeModel("x"), "strict", {}
        )
    )
    (ctx,) = seen.contexts
    assert ctx.metadata == {"k": 1}
    assert [t["function"]["name"] for t in ctx.tools] == ["lookup"]
    assert ctx.mode == "strict"


# --------------------------------------------------------------------------- tool loop


def test_tool_calls_get_declared_results() -> None:
    scenario = make_scenario(
        "weather?",
        tools=(tool("get_weather"), tool("get_time")),
        tool_results={"get_weather": [{"temp": 21, "sky": "clear"}, "rain"], "get_time": "noon"},
    )
    model = FakeModel(
        calls(("c1", "get_weather", '{"city": "Paris"}'), ("c2", "get_time", "{}")),
        calls(("c3", "get_weather", '{"city": "Lyon"}')),
        calls(("c4", "get_weather", '{"city": "Nice"}')),
        "Clear, then rain.",
    )
    plan = make_plan(scenario, each=[bound("tool_called", {"name": "get_weather", "count": 3})])
    result = run(plan, model)
    assert result.error is None
    assert result.calls == 4
    assert [list(r.tools) for r in model.requests] == [list(scenario.tools)] * 4

    tool_msgs = [m for m in model.requests[-1].messages if m["role"] == "tool"]
    assert tool_msgs == [
        {
            "role": "tool",
            "content": json.dumps({"temp": 21, "sky": "clear"}),
            "tool_call_id": "c1",
            "name": "get_weather",
        },
        {"role": "tool", "content": "noon", "tool_call_id": "c2", "name": "get_time"},
        {"role": "tool", "content": "rain", "tool_call_id": "c3", "name": "get_weather"},
        # the last declared result repeats
        {"role": "tool", "content": "rain", "tool_call_id": "c4", "name": "get_weather"},
    ]
    # each tool message follows the assistant message that asked for it
    roles = [m["role"] for m in model.requests[1].messages]
    assert roles == ["user", "assistant", "tool", "tool"]
    assert model.requests[1].messages[1]["tool_calls"][0]["function"] == {
        "name": "get_weather",
        "arguments": '{"city": "Paris"}',
    }
    assert result.messages[-1].content == "Clear, then rain."
    assert result.passed


@pytest.mark.parametrize(
    ("name", "tool_results", "expected"),
    [
        ("nope", {"lookup": "x"}, {"error": "unknown tool 'nope'"}),
        ("lookup", {}, {"error": "tool 'lookup' is unavailable"}),
        ("lookup", {"lookup": {"hits": 2}}, {"hits": 2}),
        ("lookup", {"lookup": []}, ""),
    ],
)
def test_tool_result_errors_are_json(
    name: str, tool_results: dict[str, Any], expected: Any
) -> None:
    scenario = make_scenario("find it", tools=(tool("lookup"),), tool_results=tool_results)
    model = FakeModel(calls(("c1", name, "{}")), "done")
    result = run(make_plan(scenario, each=[bound("min_chars", 1)]), model)
    (msg,) = [m for m in model.requests[1].messages if m["role"] == "tool"]
    assert msg["tool_call_id"] == "c1"
    assert msg["name"] == name
    assert (json.loads(msg["content"]) if msg["content"] else "") == expected
    assert result.error is None


@pytest.mark.parametrize(
    ("value", "nth", "expected"),
    [
        ("plain", 0, "plain"),
        ("plain", 5, "plain"),
        (["a", "b", "c"], 0, "a"),
        (["a", "b", "c"], 2, "c"),
        (["a", "b", "c"], 9, "c"),
        ([{"x": 1}, {"x": 2}], 1, '{"x": 2}'),
        ({"città": "Torino"}, 0, '{"città": "Torino"}'),
        (42, 0, "42"),
        ([], 0, ""),
    ],
)
def test_tool_result_values(value: Any, nth: int, expected: str) -> None:
    scenario = make_scenario(tools=(tool("t"),), tool_results={"t": value})
    assert tool_result(scenario, "t", nth) == expected


def test_tool_results_are_counted_across_turns() -> None:
    scenario = make_scenario(
        "first", "second", tools=(tool("roll"),), tool_results={"roll": ["1", "2", "3"]}
    )
    model = FakeModel(calls(("a", "roll", "{}")), "one", calls(("b", "roll", "{}")), "two")
    result = run(make_plan(scenario, each=[bound("min_chars", 1)]), model)
    assert [m.content for m in result.messages if m.role == "tool"] == ["1", "2"]
    assert [m.turn for m in result.messages if m.role == "tool"] == [0, 1]


@pytest.mark.parametrize("rounds", [0, 1, 3])
def test_max_tool_rounds_bounds_the_loop(rounds: int) -> None:
    scenario = make_scenario(
        "loop", tools=(tool("again"),), tool_results={"again": "more"}, max_tool_rounds=rounds
    )
    model = FakeModel(calls(("c", "again", "{}")))  # calls the tool forever
    result = run(make_plan(scenario, each=[bound("tool_called", "again")]), model)
    assert result.calls == rounds + 1
    assert len(model.requests) == rounds + 1
    # Every call is answered, the last round's too, so the conversation stays well-formed.
    assert sum(1 for m in result.messages if m.role == "tool") == rounds + 1
    assert result.messages[-1].role == "tool"
    assert result.messages[-2].role == "assistant" and result.messages[-2].tool_calls
    assert result.error is None


# --------------------------------------------------------------------------- stop_on_failure


def test_stop_on_failure_stops_after_first_failing_turn() -> None:
    scenario = make_scenario("one", "two", "three", stop_on_failure=True)
    plan = make_plan(
        scenario,
        turns=[[bound("contains", "a")], [bound("contains", "b")], [bound("contains", "c")]],
        conversation=[bound("not_contains", "zzz")],
    )
    model = FakeModel("a", "x", "c")
    result = run(plan, model)
    assert result.calls == 2
    assert len(model.requests) == 2
    assert result.stopped_at_turn == 1
    assert len(result.turn_scores) == 2
    assert [s.name for s in result.conversation_scores] == ["not_contains"]
    assert result.messages[-1].content == "x"
    assert result.outcome == "failed"


def test_stop_on_failure_also_stops_on_conversation_scorer() -> None:
    scenario = make_scenario("one", "two", stop_on_failure=True)
    plan = make_plan(
        scenario, each=[bound("min_chars", 1)], conversation=[bound("not_contains", "bad")]
    )
    result = run(plan, FakeModel("bad idea", "fine"))
    assert result.calls == 1
    assert result.stopped_at_turn == 0
    assert [(s.name, s.passed) for s in result.conversation_scores] == [("not_contains", False)]
    assert not result.passed


def test_without_stop_on_failure_all_turns_run() -> None:
    scenario = make_scenario("one", "two", "three", stop_on_failure=False)
    plan = make_plan(
        scenario,
        turns=[[bound("contains", "a")], [bound("contains", "b")], [bound("contains", "c")]],
    )
    result = run(plan, FakeModel("a", "x", "c"))
    assert result.calls == 3
    assert result.stopped_at_turn is None
    assert [[s.passed for s in t] for t in result.turn_scores] == [[True], [False], [True]]
    assert result.outcome == "failed"


def test_stop_on_failure_runs_everything_when_all_pass() -> None:
    seen = Seen()
    scenario = make_scenario("one", "two", "three", stop_on_failure=True)
    plan = make_plan(scenario, each=[bound("min_chars", 1)], conversation=[seen.bound("whole")])
    result = run(plan, FakeModel("a", "b", "c"))
    assert result.calls == 3
    assert result.stopped_at_turn is None
    assert result.passed
    # checked after turns 0 and 1, then once more for the final verdict
    assert [(c.level, c.turn) for c in seen.contexts] == [
        ("conversation", 0),
        ("conversation", 1),
        ("conversation", 2),
    ]
    assert len(result.conversation_scores) == 1


def test_stop_on_failure_on_last_turn_is_not_a_stop() -> None:
    scenario = make_scenario("one", "two", stop_on_failure=True)
    plan = make_plan(scenario, turns=[[], [bound("contains", "z")]])
    result = run(plan, FakeModel("a", "b"))
    assert result.calls == 2
    assert result.stopped_at_turn is None
    assert not result.passed


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(InfrastructureError("server down (gave up after 5 attempts)"), id="infra"),
        pytest.param(CacheMiss("no cached response"), id="cache-miss"),
    ],
)
def test_infrastructure_error_keeps_partial_transcript(error: InfrastructureError) -> None:
    scenario = make_scenario("one", "two", "three", system="sys")
    plan = make_plan(scenario, each=[bound("min_chars", 1)], conversation=[bound("min_chars", 1)])
    model = FakeModel(ChatResponse("r1", usage=Usage(5, 2)), error)
    result = run(plan, model)
    assert result.error == str(error)
    assert result.outcome == "error"
    assert not result.passed
    assert len(model.requests) == 2
    assert result.calls == 1
    assert result.usage == Usage(5, 2)
    assert [(m.role, m.content) for m in result.messages] == [
        ("system", "sys"),
        ("user", "one"),
        ("assistant", "r1"),
        ("user", "two"),
    ]
    assert len(result.turn_scores) == 1
    assert result.conversation_scores == ()


def test_other_exceptions_from_call_propagate() -> None:
    plan = make_plan(make_scenario("one"), each=[bound("min_chars", 1)])
    with pytest.raises(RuntimeError, match="engine bug"):
        run(plan, FakeModel(RuntimeError("engine bug")))


@scorer("boom")
def boom(message: str = "kaput") -> ScoreFn:
    def score(ctx: ScorerContext) -> Score:
        raise ZeroDivisionError(message)

    return score


@scorer("not_a_score")
def not_a_score() -> ScoreFn:
    def score(ctx: ScorerContext) -> Score:
        return True  # type: ignore[return-value]

    return score


@pytest.mark.parametrize("level", ["turn", "conversation"])
def test_crashing_scorer_is_an_error_naming_it(level: str) -> None:
    ref = ScorerRef("boom", {"message": "kaput"}, 7)
    crash: BoundScorer = (ref, boom(message="kaput"))
    passing = bound("min_chars", 1)
    if level == "turn":
        plan = make_plan(make_scenario("q"), turns=[[passing, crash]])
    else:
        plan = make_plan(make_scenario("q"), turns=[[passing]], conversation=[crash])
    result = run(plan, FakeModel("answer"))
    assert result.error is not None
    assert 'boom({"message": "kaput"})' in result.error
    assert "crashed" in result.error
    assert "ZeroDivisionError: kaput" in result.error
    assert not result.passed
    assert result.outcome == "error"
    assert [m.content for m in result.messages] == ["q", "answer"]


def test_scorer_returning_non_score_is_an_error() -> None:
    def plain_fn(ctx: ScorerContext) -> Score:
        return "yes"  # type: ignore[return-value]

    crash: BoundScorer = (ScorerRef("plain_fn", None, 1), plain_fn)
    result = run(make_plan(make_scenario("q"), each=[crash]), FakeModel("answer"))
    assert result.error == "scorer plain_fn returned str, not Score"
    assert result.outcome == "error"


def test_decorated_scorer_returning_non_score_is_an_error() -> None:
    # the @scorer wrapper trips over the bad value first; still an error naming the scorer
    crash: BoundScorer = (ScorerRef("not_a_score", None, 1), not_a_score())
    result = run(make_plan(make_scenario("q"), each=[crash]), FakeModel("answer"))
    assert result.error is not None
    assert result.error.startswith("scorer not_a_score ")
    assert not result.passed


# --------------------------------------------------------------------------- accounting


def test_usage_cost_latency_and_cache_hits_are_summed() -> None:
    scenario = make_scenario("one", "two", tools=(tool("t"),), tool_results={"t": "ok"})
    model = FakeModel(
        ChatResponse(
            None,
            (ToolCall("c", "t", "{}"),),
            usage=Usage(10, 1),
            cost=0.5,
            latency_s=1.0,
            cached=True,
        ),
        ChatResponse("a", usage=Usage(20, 2), cost=None, latency_s=0.5, cached=False),
        ChatResponse("b", usage=Usage(30, 3), cost=0.25, latency_s=0.25, cached=True),
    )
    result = run(make_plan(scenario, each=[bound("min_chars", 1)]), model)
    assert result.calls == 3
    assert result.usage == Usage(60, 6)
    assert result.usage.total_tokens == 66
    assert result.cost == pytest.approx(0.75)
    assert result.latency_s == pytest.approx(1.75)
    assert result.cache_hits == 2
    assert not result.cached  # one call was not from the cache


def test_cost_stays_none_without_costs_and_all_cached() -> None:
    model = FakeModel(ChatResponse("a", cached=True))
    result = run(make_plan(make_scenario("one"), each=[bound("min_chars", 1)]), model)
    assert result.cost is None
    assert result.cached


# --------------------------------------------------------------------------- ScenarioResult


def sample(i: int, outcome: str) -> SampleResult:
    if outcome == "error":
        return SampleResult(sample=i, error="boom")
    return SampleResult(sample=i, turn_scores=((Score(outcome == "passed", name="x"),),))


@pytest.mark.parametrize(
    ("outcomes", "expect_failure", "passed"),
    [
        (["passed"], False, True),
        (["failed"], False, False),
        (["error"], False, False),
        (["passed", "passed", "passed"], False, True),
        (["passed", "failed", "passed"], False, False),
        (["passed", "error"], False, False),
        # llmbench/violate: the scenario "passes" (a fail-reference slipped through) if any did
        (["failed", "failed"], True, False),
        (["failed", "passed"], True, True),
        (["error", "failed"], True, False),
        (["passed"], True, True),
    ],
)
def test_scenario_result_passed(outcomes: list[str], expect_failure: bool, passed: bool) -> None:
    result = ScenarioResult(tuple(sample(i, o) for i, o in enumerate(outcomes)), expect_failure)
    assert result.passed is passed
    assert result.n_passed == outcomes.count("passed")
    assert result.error == ("boom" if "error" in outcomes else None)


def test_sample_without_scores_passes_unless_error() -> None:
    assert SampleResult(0).passed
    assert SampleResult(0).outcome == "passed"
    assert not SampleResult(0, error="x").passed
