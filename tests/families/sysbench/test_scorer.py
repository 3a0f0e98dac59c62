"""``sysbench/checklist``: program and judge verdicts, official and strict modes, metadata, and
how the conversation runner awaits it and routes the judge through the engine call."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelSpec
from pytest_llmbench.conversation import Plan, run_sample
from pytest_llmbench.errors import InfrastructureError
from pytest_llmbench.scenario import Scenario, ScorerRef, Turn
from pytest_llmbench.scoring.api import Message, Score, ScorerContext, ScoringMode
from pytest_llmbench.scoring.registry import BadScorerArguments, ScorerRegistry

from .test_llm_judge import ScriptedJudge

REGISTRY = ScorerRegistry()
CRITERIA = [
    {
        "id": 1,
        "type": "format",
        "text": "Begins with Received",
        "check": {"starts_with": "Received"},
    },
    {"id": 2, "type": "风格约束", "text": "Gentle tone"},
]
PROGRAM_ONLY = [
    CRITERIA[0],
    {
        "id": "2",
        "type": "style",
        "text": "Under 5 words",
        "check": {"length": {"unit": "words", "lt": 5}},
    },
]

# "starts with Received, and says something kind": the program's "no" settles it.
PARTIAL_NO = {
    "id": 1, "type": "format", "text": "Begins with Received and is kind", "method": "partial",
    "check": {"starts_with": "Received"}, "decides": "no",
}  # fmt: skip
# "if the user is rude, begin with Received": the program's "yes" settles it.
PARTIAL_YES = {**PARTIAL_NO, "text": "If the user is rude, begin with Received", "decides": "yes"}


def ctx(reply: str, mode: ScoringMode = "official", judge: Any = None) -> ScorerContext:
    messages = (
        Message("system", "Begin with Received."),
        Message("user", "hi"),
        Message("assistant", reply),
    )
    return ScorerContext(messages=messages, turn=0, mode=mode, judge=judge)


def score(criteria: list[dict[str, Any]], c: ScorerContext, **kw: Any) -> Score:
    fn = REGISTRY.build("sysbench/checklist", {"criteria": criteria, **kw})
    result: Any = fn(c)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    assert isinstance(result, Score)
    return result


def items(s: Score) -> list[dict[str, Any]]:
    return list(s.metadata["sysbench"]["items"])


def test_program_only_checklist_needs_no_judge() -> None:
    good = score(PROGRAM_ONLY, ctx("Received, hello."))
    assert good.passed and good.value == 1.0 and good.name == "sysbench/checklist"
    assert good.metadata["modes"] == {"official": True, "strict": True}
    assert good.metadata["sysbench"]["round"] == 1
    assert [i["program"] for i in items(good)] == ["yes", "yes"]
    bad = score(PROGRAM_ONLY, ctx("Hello there, how are you today?"), alignment="misalign")
    assert not bad.passed and bad.value == 0.0
    assert "round 1 (misalign): 0/2 constraints satisfied" in bad.reason
    assert "[1] format" in bad.reason and "expected to start with 'Received'" in bad.reason
    assert "judge" not in bad.metadata


def test_judge_item_without_a_judge_is_an_infrastructure_error() -> None:
    with pytest.raises(InfrastructureError, match="need an LLM judge; pass --llm-judge-model"):
        score(CRITERIA, ctx("Received."))


def test_official_uses_the_judge_for_every_item_strict_prefers_programs() -> None:
    # The program says item 1 fails (it does not start with "Received"); the lenient judge
    # says it passes.
    judge = ScriptedJudge('{"评判理由": "fine", "评判结果": {"1": "是", "2": "是"}}')
    official = score(CRITERIA, ctx("Okay, received.", judge=judge))
    strict = score(CRITERIA, ctx("Okay, received.", mode="strict", judge=judge))
    assert official.passed and not strict.passed
    assert (
        official.metadata["modes"]
        == strict.metadata["modes"]
        == {"official": True, "strict": False}
    )
    first = items(official)[0]
    assert (first["program"], first["judge"], first["official"], first["strict"]) == (
        "no",
        "yes",
        "yes",
        "no",
    )
    assert items(official)[1]["method"] == "judge" and items(official)[1]["program"] is None
    meta = official.metadata["judge"]
    assert meta["model"] == "openai/judge" and meta["attempts"] == 1
    assert meta["answers"] == ['{"评判理由": "fine", "评判结果": {"1": "是", "2": "是"}}']
    assert meta["reasoning"] == "fine"


def test_other_labels_do_not_fail_official_turns_but_fail_strict_ones() -> None:
    judge = ScriptedJudge('{"评判结果": {"1": "是", "2": "不适用"}}')
    official = score(CRITERIA, ctx("Received.", judge=judge))
    strict = score(CRITERIA, ctx("Received.", mode="strict", judge=judge))
    assert official.passed and official.value == 0.5  # not satisfied for CSR, turn still passes
    assert not strict.passed
    assert "judge: 不适用" in strict.reason


def test_judge_no_fails_the_turn_and_names_the_item() -> None:
    judge = ScriptedJudge('{"评判结果": {"1": "是", "2": "否"}}')
    s = score(CRITERIA, ctx("Received. Go away.", judge=judge))
    assert not s.passed and "[2] style 'Gentle tone': judge: no" in s.reason


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"criteria": "x"}, "must be a list"),
        ({"criteria": [{"type": "format"}]}, "needs 'type' and a non-empty 'text'"),
        ({"criteria": [{"type": "mood", "text": "t"}]}, "unknown constraint type"),
        ({"criteria": [{"type": "format", "text": "t", "method": "program"}]}, "needs a 'check'"),
        (
            {
                "criteria": [
                    {"type": "format", "text": "t", "method": "judge", "check": {"no_digits": True}}
                ]
            },
            "must not have",
        ),
        ({"criteria": [{"type": "format", "text": "t", "colour": 1}]}, "unknown key"),
        (
            {
                "criteria": [
                    {"id": 1, "type": "format", "text": "a"},
                    {"id": "1", "type": "role", "text": "b"},
                ]
            },
            "unique",
        ),
        ({"criteria": [{"type": "format", "text": "t", "method": "partial"}]}, "needs a 'check'"),
        (
            {"criteria": [{**PARTIAL_NO, "decides": "maybe"}]},
            "decides must be 'yes' or 'no'",
        ),
        ({"criteria": [{**CRITERIA[0], "decides": "no"}]}, "'decides' belongs to method 'partial'"),
        (
            {"criteria": [{**CRITERIA[1], "when": {"user_language": "en"}}]},
            "'when' needs a 'check'",
        ),
        ({"criteria": [{**CRITERIA[0], "when": {"user_mood": "happy"}}]}, "'when' must be"),
        ({"criteria": [{**CRITERIA[0], "when": {"user_language": "xx"}}]}, "unknown language"),
        ({"criteria": [], "alignment": "sideways"}, "alignment must be"),
        ({"criteria": [], "judge_tries": 0}, "at least 1"),
        (
            {
                "criteria": [
                    {
                        "type": "format",
                        "text": "t",
                        "check": {"length": {"unit": "lines", "max": 1}},
                    }
                ]
            },
            "unit must be",
        ),
    ],
)
def test_bad_checklists_are_collection_errors(args: dict[str, Any], message: str) -> None:
    with pytest.raises(BadScorerArguments, match=message):
        REGISTRY.build("sysbench/checklist", args)


# --- partial items, mechanical conditions, the declared need for a judge ----------------------


@pytest.mark.parametrize(
    ("item", "reply", "judge_says", "strict"),
    [
        (PARTIAL_NO, "Hello there.", "是", "no"),  # the necessary condition fails: final
        (PARTIAL_NO, "Received, dear friend.", "否", "no"),  # it holds: the judge decides
        (PARTIAL_NO, "Received, dear friend.", "是", "yes"),
        (PARTIAL_YES, "Received, dear friend.", "否", "yes"),  # the consequent holds: final
        (PARTIAL_YES, "Hello there.", "是", "yes"),  # it does not: the judge decides
        (PARTIAL_YES, "Hello there.", "否", "no"),
    ],
)
def test_a_partial_item_is_settled_by_its_program_verdict_only_when_that_verdict_decides(
    item: dict[str, Any], reply: str, judge_says: str, strict: str
) -> None:
    judge = ScriptedJudge(f'{{"评判结果": {{"1": "{judge_says}"}}}}')
    (row,) = items(score([item], ctx(reply, mode="strict", judge=judge)))
    assert (row["method"], row["decides"], row["strict"]) == ("partial", item["decides"], strict)
    assert row["official"] == ("yes" if judge_says == "是" else "no")  # official: the judge's


def test_a_mechanical_condition_makes_the_item_yes_when_it_does_not_hold() -> None:
    item = {
        "id": 1, "type": "style", "text": "If the user writes English, reply in Chinese",
        "check": {"language": "zh"}, "when": {"user_language": "en"},
    }  # fmt: skip

    def verdict(user: str, reply: str) -> tuple[str, list[str]]:
        messages = (Message("user", user), Message("assistant", reply))
        (row,) = items(score([item], ScorerContext(messages=messages, turn=0)))
        return row["program"], row["detail"]

    assert verdict("Which tea helps me sleep?", "推荐洋甘菊茶。")[0] == "yes"
    assert verdict("Which tea helps me sleep?", "Chamomile tea, I think.")[0] == "no"
    got, why = verdict("哪种茶助眠？", "Chamomile tea, I think.")
    assert got == "yes" and "does not apply" in why[0]


def test_a_checklist_declares_at_build_time_whether_it_needs_the_judge() -> None:
    from pytest_llmbench.scoring.api import judge_need

    assert judge_need(REGISTRY.build("sysbench/checklist", {"criteria": PROGRAM_ONLY})) is None
    both = [*CRITERIA, {**PARTIAL_NO, "id": 3}]
    need = judge_need(REGISTRY.build("sysbench/checklist", {"criteria": both}))
    assert need is not None and need.without_judge is not None
    assert "constraint(s) 2 ('Gentle tone')" in need.what
    only = need.without_judge(ctx("Received, hello."))
    assert only.name == "sysbench/checklist" and only.passed and only.value == 1.0
    assert only.metadata["modes"] == {"program_only": True}
    rows = only.metadata["sysbench"]["items"]
    assert [(r["id"], r["official"], r["strict"]) for r in rows] == [
        ("1", "yes", "yes"),
        ("2", "not scored", "not scored"),
        ("3", "not scored", "not scored"),  # partial: not decided without the judge either
    ]
    bad = need.without_judge(ctx("Hello."))
    assert (
        not bad.passed and "0/1 program-checked constraints satisfied, 2 not scored" in bad.reason
    )


# --- through the conversation runner -----------------------------------------------------------


def plan(criteria: list[dict[str, Any]], turns: int = 2, **kw: Any) -> Plan:
    scenario = Scenario(
        id="d1",
        suite="demo",
        path=Path("demo.llmbench.yaml"),
        line=1,
        system="Begin with Received.",
        turns=tuple(Turn(f"question {k}", (), k) for k in range(turns)),
        metadata={"benchmark": "sysbench"},
    )
    ref = ScorerRef("sysbench/checklist", {"criteria": criteria, **kw}, 1)
    bound = (ref, REGISTRY.build(ref.name, ref.args))
    return Plan(scenario, tuple((bound,) for _ in range(turns)), (), ())


class FakeEngine:
    """Answers the model under test with 'Received, ...' and the judge with scripted text."""

    def __init__(self, *judge_answers: str) -> None:
        self.judge_answers = list(judge_answers)
        self.requests: list[ChatRequest] = []

    async def call(self, request: ChatRequest) -> ChatResponse:
        self.requests.append(request)
        if request.model.name == "openai/judge":
            return ChatResponse(self.judge_answers.pop(0))
        return ChatResponse(f"Received, answer {len(self.requests)}.")


def test_runner_awaits_the_scorer_and_asks_the_judge_through_the_engine_call() -> None:
    verdict = json.dumps({"评判结果": {"1": "是", "2": "是"}})
    engine = FakeEngine("oops", verdict, verdict)
    judge = ModelSpec("openai/judge", "http://127.0.0.1:9/v1")
    model = ModelSpec("openai/m", "http://127.0.0.1:9/v1")
    result = asyncio.run(
        run_sample(plan(CRITERIA), model, 0, engine.call, "official", {}, judge=judge)
    )
    assert result.error is None and result.passed
    judged = [r for r in engine.requests if r.model == judge]
    assert [(r.sample, dict(r.params)) for r in judged] == [
        (0, {"temperature": 0.0}),
        (1, {"temperature": 0.0}),  # the re-ask is a distinct cache entry
        (0, {"temperature": 0.0}),
    ]
    assert result.calls == 2  # judge calls are not the model's usage
    first_turn = result.turn_scores[0][0]
    assert first_turn.metadata["judge"]["answers"] == ["oops", verdict]


def test_runner_turns_a_failed_judge_into_an_error_not_a_failure() -> None:
    engine = FakeEngine(*["garbage"] * 3)
    judged_only = plan([{**CRITERIA[1], "id": 1}], turns=1, judge_tries=3)
    result = asyncio.run(
        run_sample(
            judged_only, ModelSpec("openai/m"), 0, engine.call, "official", {},
            judge=ModelSpec("openai/judge"),
        )
    )  # fmt: skip
    assert result.outcome == "error"
    assert result.error is not None and "no usable verdict in 3 tries" in result.error
