"""The SysBench judge: prompt structure, robust JSON parsing (never eval), the retry loop."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from pytest_llmbench.errors import InfrastructureError
from pytest_llmbench.families.sysbench.llm_judge import (
    ChecklistLine,
    JudgeFailed,
    JudgeParseError,
    ask,
    build_messages,
    label,
    parse_verdicts,
)
from pytest_llmbench.scoring.api import JudgeReply, Message

CHECKLIST = [
    ChecklistLine("1", "以“收到”开头", "格式约束"),
    ChecklistLine("2", "语气温和", "风格约束"),
]
CONVERSATION = [
    Message("system", "你是茶艺师。每次回复以“收到”开头。"),
    Message("user", "你好"),
    Message("assistant", "收到，你好！"),
    Message("user", "绿茶怎么泡？"),
    Message("assistant", "收到，用八十度的水。"),
]


def test_prompt_has_system_rounds_current_reply_and_checklist_in_order() -> None:
    request = build_messages(CONVERSATION, CHECKLIST)
    assert [m["role"] for m in request] == ["system", "user"]
    assert "expert grader" in request[0]["content"]
    body = request[1]["content"]
    order = [
        "[System message]",
        "你是茶艺师",
        "[Round 1]",
        "user: 你好",
        "assistant: 收到，你好！",
        "[Round 2: current user message]",
        "绿茶怎么泡？",
        "[Current reply to grade]",
        "收到，用八十度的水。",
        "[Checklist]",
        "1. 以“收到”开头 | 格式约束",
        "2. 语气温和 | 风格约束",
        '"评判理由"',
        '"评判结果"',
    ]
    positions = [body.index(part) for part in order]
    assert positions == sorted(positions)


GOOD = {"评判理由": "开头正确，语气温和。", "评判结果": {"1": "是", "2": "否"}}


@pytest.mark.parametrize(
    "answer",
    [
        json.dumps(GOOD, ensure_ascii=False),
        "```json\n" + json.dumps(GOOD, ensure_ascii=False) + "\n```",
        "'''json\n" + json.dumps(GOOD, ensure_ascii=False) + "\n'''",  # upstream's own fence
        "Here is my verdict:\n" + json.dumps(GOOD, ensure_ascii=False) + "\nThanks.",
        '{"reasoning": "ok", "verdicts": {"1": "yes", "2": "no"}}',
        '{"评判理由": "x", "评判结果": {"1.": true, " 2 ": false}}',
        '{"1": "是", "2": "否"}',
        '{"评判理由": "x", "评判结果": {"1": "是", "2": "否"}} {"评判结果": {"9": "是"}}',
    ],
)
def test_parse_accepts_json_in_its_usual_wrappings(answer: str) -> None:
    verdicts, _ = parse_verdicts(answer, ["1", "2"])
    assert verdicts == {"1": "yes", "2": "no"}


def test_parse_keeps_other_labels_and_compares_ids_as_strings() -> None:
    verdicts, reason = parse_verdicts(
        '{"评判理由": "r", "评判结果": {"1": "不适用", "2": "无法判断"}}', [1, 2]
    )  # type: ignore[list-item]
    assert verdicts == {"1": "不适用", "2": "无法判断"}
    assert reason == "r"


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("", "no JSON object"),
        ("是，否", "no JSON object"),
        ('{"评判结果": {"1": "是"}}', "missing ['2']"),
        ('{"评判结果": {"1": "是", "2": "否", "3": "是"}}', "unexpected ['3']"),
        ('{"评判理由": "x"}', "no '评判结果' object"),
        ('{"评判结果": ["是", "否"]}', "no '评判结果' object"),
        ('{"评判结果": {"1": "是", "2": ""}}', "empty verdict"),
        ('{"评判结果": {"1": "是", "2": {"x": 1}}}', "not a label"),
        ("{'评判结果': {'1': '是', '2': '否'}}", "no JSON object"),  # Python literal: not JSON
        ('{"评判结果": {"1": "是", "2": "否"', "no JSON object"),  # truncated
    ],
)
def test_parse_rejects_unusable_answers(answer: str, problem: str) -> None:
    with pytest.raises(JudgeParseError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        parse_verdicts(answer, ["1", "2"])


def test_parse_never_evaluates_code() -> None:
    evil = "__import__('os').system('echo pwned')"
    with pytest.raises(JudgeParseError):
        parse_verdicts(evil, ["1"])


@pytest.mark.parametrize(
    ("raw", "want"), [("是", "yes"), ("Yes.", "yes"), ("否", "no"), (False, "no"), ("N/A", "N/A")]
)
def test_labels(raw: Any, want: str) -> None:
    assert label(raw) == want


class ScriptedJudge:
    """Answers in order (the last one repeats); a plain text finishes with ``stop``."""

    def __init__(self, *answers: str | JudgeReply | BaseException) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[float, int]] = []
        self.requests: list[Sequence[Mapping[str, Any]]] = []

    @property
    def model(self) -> str:
        return "openai/judge"

    async def reply(
        self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0, attempt: int = 0
    ) -> JudgeReply:
        self.calls.append((temperature, attempt))
        self.requests.append(messages)
        answer = self.answers[min(len(self.calls) - 1, len(self.answers) - 1)]
        if isinstance(answer, BaseException):
            raise answer
        return answer if isinstance(answer, JudgeReply) else JudgeReply(answer, "stop")

    async def __call__(
        self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0, attempt: int = 0
    ) -> str:
        return (await self.reply(messages, temperature=temperature, attempt=attempt)).text


def test_ask_retries_unusable_answers_then_returns_all_raw_answers() -> None:
    good = json.dumps(GOOD, ensure_ascii=False)
    judge = ScriptedJudge("not json", '{"评判结果": {"1": "是"}}', good)
    outcome = asyncio.run(ask(judge, CONVERSATION, CHECKLIST))
    assert outcome.verdicts == {"1": "yes", "2": "no"}
    assert outcome.answers == ["not json", '{"评判结果": {"1": "是"}}', good]
    assert len(outcome.problems) == 2
    assert judge.calls == [(0.0, 0), (0.0, 1), (0.0, 2)]
    assert judge.requests[0] == judge.requests[2]  # the same request, a new attempt number


def test_ask_gives_up_after_ten_tries_with_upstream_temperatures() -> None:
    judge = ScriptedJudge("garbage")
    with pytest.raises(JudgeFailed, match="no usable verdict in 10 tries") as info:
        asyncio.run(ask(judge, CONVERSATION, CHECKLIST))
    assert isinstance(info.value, InfrastructureError)  # so the dialogue is a pytest error
    assert [t for t, _ in judge.calls] == [0.0] * 5 + [0.5] * 5
    assert [a for _, a in judge.calls] == list(range(10))


def test_ask_lets_infrastructure_errors_through() -> None:
    judge = ScriptedJudge(InfrastructureError("judge unreachable"))
    with pytest.raises(InfrastructureError, match="unreachable"):
        asyncio.run(ask(judge, CONVERSATION, CHECKLIST, tries=3))
    assert len(judge.calls) == 1


def test_an_answer_cut_short_is_re_asked_never_parsed() -> None:
    good = json.dumps(GOOD, ensure_ascii=False)
    # A cut answer may even hold a parsable object: it must not be read.
    cut = JudgeReply('{"评判理由": "x", "评判结果": {"1": "是", "2": "是"}}', "length")
    judge = ScriptedJudge(cut, JudgeReply("", "content_filter"), good)
    outcome = asyncio.run(ask(judge, CONVERSATION, CHECKLIST))
    assert outcome.verdicts == {"1": "yes", "2": "no"}
    assert judge.calls == [(0.0, 0), (0.0, 1), (0.0, 2)]  # same temperature, new attempts
    assert outcome.problems == [
        "finish_reason 'length': re-asked, not parsed",
        "finish_reason 'content_filter': re-asked, not parsed",
    ]
    # Our own wording trusts a backend that reports no finish reason.
    quiet = ScriptedJudge(JudgeReply(good, None))
    assert asyncio.run(ask(quiet, CONVERSATION, CHECKLIST)).verdicts == {"1": "yes", "2": "no"}


def test_a_judge_that_never_finishes_is_an_error() -> None:
    judge = ScriptedJudge(JudgeReply("{", "length"))
    with pytest.raises(JudgeFailed, match="10 answers in a row did not finish with 'stop'"):
        asyncio.run(ask(judge, CONVERSATION, CHECKLIST))
    assert len(judge.calls) == 10 and {t for t, _ in judge.calls} == {0.0}
