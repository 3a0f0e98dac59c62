"""One conversation: user turns in order, the tool-call loop, scoring after each turn.

The model's reply to turn k is in the context of turn k+1. When the model calls tools, the
scenario's declared results are fed back and the model is asked again (at most
``max_tool_rounds`` times per turn). With ``stop_on_failure`` the conversation is scored after
every turn and generation stops at the first failure (RuLES semantics: it saves calls and gives
the same verdict, since later turns cannot undo a failure). A scorer may be ``async``: it is
awaited, and may ask the run's judge model (``ctx.judge``) through the same engine ``call``.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_llmbench import inline
from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelSpec, Usage
from pytest_llmbench.errors import InfrastructureError, ScorerCrashed
from pytest_llmbench.redact import scrub
from pytest_llmbench.scenario import Scenario, ScorerRef
from pytest_llmbench.scenario_result import SampleResult
from pytest_llmbench.scorer_limit import ScorerRunner, ScorerTimedOut
from pytest_llmbench.scoring.api import (
    Judge,
    JudgeReply,
    Level,
    Message,
    Score,
    ScoreFn,
    ScorerContext,
    ScoringMode,
    is_bounded,
)

Call = Callable[[ChatRequest], Awaitable[ChatResponse]]
BoundScorer = tuple[ScorerRef, ScoreFn]


@dataclass(frozen=True)
class Plan:
    """A scenario with its scorers already built (at collection, where errors can name lines)."""

    scenario: Scenario
    turn_scorers: tuple[tuple[BoundScorer, ...], ...]
    each_turn: tuple[BoundScorer, ...]
    conversation: tuple[BoundScorer, ...]


def tool_result(scenario: Scenario, name: str, nth: int) -> str:
    """Declared result of the ``nth`` call of tool ``name`` (a list gives successive results)."""
    declared = {t["function"]["name"] for t in scenario.tools}
    if name not in declared:
        return json.dumps({"error": f"unknown tool {name!r}"})
    if name not in scenario.tool_results:
        return json.dumps({"error": f"tool {name!r} is unavailable"})
    value: Any = scenario.tool_results[name]
    if isinstance(value, list):
        value = value[min(nth, len(value) - 1)] if value else ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@dataclass
class JudgeTally:
    """What one sample's judge calls cost, kept apart from the model under test's usage (the
    results row's ``judge`` record, the summary's ``judge_*`` sums)."""

    calls: int = 0
    cache_hits: int = 0
    usage: Usage = dataclasses.field(default_factory=Usage)
    cost: float | None = None

    def add(self, response: ChatResponse) -> None:
        self.calls += 1
        self.cache_hits += response.cached
        self.usage = self.usage + response.usage
        if response.cost is not None:
            self.cost = (self.cost or 0.0) + response.cost


@dataclass(frozen=True)
class EngineJudge:
    """``ctx.judge``: the judge model asked through the engine's ``call`` (cache, limits,
    retries), like the model under test; its calls are counted in ``tally``, apart from the
    sample's own usage."""

    spec: ModelSpec
    call: Call
    tally: JudgeTally | None = None

    @property
    def model(self) -> str:
        return self.spec.name

    async def reply(
        self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0, attempt: int = 0
    ) -> JudgeReply:
        # ``sample=attempt``: a deliberate re-ask is a distinct (cached) request.
        request = ChatRequest(
            model=self.spec,
            messages=list(messages),
            params={"temperature": temperature},
            sample=attempt,
        )
        response = await self.call(request)
        if self.tally is not None:
            self.tally.add(response)
        return JudgeReply(response.content or "", response.finish_reason)

    async def __call__(
        self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0, attempt: int = 0
    ) -> str:
        return (await self.reply(messages, temperature=temperature, attempt=attempt)).text


def opening_messages(scenario: Scenario) -> list[Message]:
    """The messages of the first request: system, prefilled history, the first user turn."""
    messages: list[Message] = []
    if scenario.system is not None:
        messages.append(Message("system", scenario.system))
    messages.extend(scenario.history)
    messages.append(Message("user", scenario.turns[0].user, turn=0))
    return messages


async def _score(
    scorers: Sequence[BoundScorer],
    messages: list[Message],
    turn: int,
    level: Level,
    mode: ScoringMode,
    scenario: Scenario,
    judge: Judge | None = None,
    judge_for: Callable[[str], Judge] | None = None,
    runner: ScorerRunner | None = None,
) -> list[Score]:
    ctx = ScorerContext(
        messages=tuple(messages),
        turn=turn,
        level=level,
        mode=mode,
        scenario_id=scenario.id,
        metadata=scenario.metadata,
        tools=scenario.tools,
        judge=judge,
        judge_for=judge_for,
        time_limit=runner.limit if runner is not None else None,
    )
    out = []
    for ref, fn in scorers:
        try:
            # Off the loop and time-limited (scorer_limit.py); an async scorer's coroutine is
            # then awaited on the loop: its time goes to judge calls with their own timeouts.
            # (A bounded scorer is linear in the reply: run directly, the hop would cost more.)
            if runner is None or is_bounded(fn):
                score: Any = fn(ctx)
            elif inline.active():
                raise inline.NeedsLoop  # the time limit needs the loop's worker threads
            else:
                score = await runner.run(fn, ctx)
            if inspect.isawaitable(score):
                score = await score
        except InfrastructureError:
            raise  # the judge could not be reached or gave no usable verdict: an error
        except (ScorerTimedOut, TimeoutError) as exc:
            # TimeoutError: a regex scorer's own match timeout fired first.
            limit = f" {runner.limit:g} s" if runner is not None else ""
            raise ScorerCrashed(
                f"scorer {ref.describe()} exceeded its{limit} time limit "
                f"(--llm-scorer-timeout): {exc}"
            ) from None
        except Exception as exc:  # a scorer bug must not pass for a model failure
            raise ScorerCrashed(
                f"scorer {ref.describe()} crashed: {type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(score, Score):
            raise ScorerCrashed(f"scorer {ref.name} returned {type(score).__name__}, not Score")
        # The arguments it was built with, as written in the suite: results show what ran.
        args = ref.plain_args()
        out.append(score if args is None else dataclasses.replace(score, args=args))
    return out


async def run_sample(
    plan: Plan,
    model: ModelSpec,
    sample: int,
    call: Call,
    mode: ScoringMode,
    params: Mapping[str, Any],
    judge: ModelSpec | None = None,
    judge_call: Call | None = None,
    judge_api_base: str | None = None,
    runner: ScorerRunner | None = None,
) -> SampleResult:
    """One sample: ``call`` answers the model under test (a scripted client for the built-in
    models), ``judge_call`` (default: ``call``) the judge model, and any judge model a scorer
    names itself (reached at ``judge_api_base``, the run's judge server); ``runner`` runs the
    scorers off the loop under its time limit (``None``: on the loop, unbounded)."""
    scenario = plan.scenario
    tally = JudgeTally()
    ask = judge_call or call
    asker = EngineJudge(judge, ask, tally) if judge is not None else None
    askers: dict[str, Judge] = {}

    def judge_for(name: str) -> Judge:
        if name not in askers:
            askers[name] = EngineJudge(ModelSpec(name, judge_api_base), ask, tally)
        return askers[name]

    messages = opening_messages(scenario)[:-1]
    tool_counts: dict[str, int] = {}
    turn_scores: list[tuple[Score, ...]] = []
    conversation_scores: list[Score] = []
    stopped_at: int | None = None
    error: str | None = None
    calls = cache_hits = 0
    repaired = False
    usage = Usage()
    latency = 0.0
    cost: float | None = None

    def score_conversation(last_turn: int) -> Awaitable[list[Score]]:
        return _score(
            plan.conversation,
            messages,
            last_turn,
            "conversation",
            mode,
            scenario,
            asker,
            judge_for,
            runner,
        )

    try:
        for k, turn in enumerate(scenario.turns):
            messages.append(Message("user", turn.user, turn=k))
            for round_ in range(scenario.max_tool_rounds + 1):
                request = ChatRequest(
                    model=model,
                    messages=[m.to_openai() for m in messages],
                    tools=scenario.tools,
                    params=params,
                    sample=sample,
                )
                response = await call(request)
                calls += 1
                cache_hits += response.cached
                repaired = repaired or response.repaired
                usage = usage + response.usage
                latency += response.latency_s
                if response.cost is not None:
                    cost = (cost or 0.0) + response.cost
                messages.append(response.message(k))
                # Every call gets its result, even on the last round: a conversation that goes
                # on with unanswered calls is rejected by strict OpenAI-style servers.
                for c in response.tool_calls:
                    n = tool_counts.get(c.name, 0)
                    tool_counts[c.name] = n + 1
                    messages.append(
                        Message(
                            "tool",
                            tool_result(scenario, c.name, n),
                            tool_call_id=c.id,
                            name=c.name,
                            turn=k,
                        )
                    )
                if not response.tool_calls or round_ == scenario.max_tool_rounds:
                    break
            scores = await _score(
                (*plan.turn_scorers[k], *plan.each_turn),
                messages,
                k,
                "turn",
                mode,
                scenario,
                asker,
                judge_for,
                runner,
            )
            turn_scores.append(tuple(scores))
            if scenario.stop_on_failure and k < len(scenario.turns) - 1:
                conv = await score_conversation(k)
                if not all(s.passed for s in [*scores, *conv]):
                    conversation_scores = conv
                    stopped_at = k
                    break
        else:
            conversation_scores = await score_conversation(len(scenario.turns) - 1)
    except (InfrastructureError, ScorerCrashed) as exc:
        if inline.active():
            raise inline.NeedsLoop from None  # the loop path decides errors
        error = scrub(str(exc))  # the one way errors enter results rows and reports
    return SampleResult(
        sample=sample,
        messages=tuple(messages),
        turn_scores=tuple(turn_scores),
        conversation_scores=tuple(conversation_scores),
        error=error,
        usage=usage,
        cost=cost,
        latency_s=latency,
        calls=calls,
        cache_hits=cache_hits,
        stopped_at_turn=stopped_at,
        judge_calls=tally.calls,
        judge_cache_hits=tally.cache_hits,
        judge_usage=tally.usage,
        judge_cost=tally.cost,
        text_repaired=repaired,
    )
