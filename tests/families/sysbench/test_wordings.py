"""The wording table (``data/wordings.yaml``, written for this project): every wording gets the
classification we expect, every program check gives the expected verdict on replies that must
pass and must fail, judge-only wordings stay with the judge, and the coverage figures hold."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from pytest_llmbench.families.sysbench.classify import JUDGE_ONLY, classify_wording
from pytest_llmbench.families.sysbench.patterns import FAMILY_NAMES
from pytest_llmbench.scoring.api import Message, Score, ScorerContext
from pytest_llmbench.scoring.registry import ScorerRegistry

from .test_llm_judge import ScriptedJudge
from .wordings import Wording, classified, figures, load, program_verdict, report

WORDINGS = load()
REGISTRY = ScorerRegistry()


def _id(w: Wording) -> str:
    return w.text[:40]


def test_the_table_is_large_and_every_wording_has_replies_that_pass_and_fail() -> None:
    assert len(WORDINGS) >= 200
    for w in WORDINGS:
        assert w.passes and w.fails, w.text
    chinese = [w for w in WORDINGS if re.search(r"[\u4e00-\u9fff]", w.text)]
    english = [w for w in WORDINGS if not re.search(r"[\u4e00-\u9fff]", w.text)]
    assert len(chinese) >= 150 and len(english) >= 60
    assert sum(w.method == "judge" for w in WORDINGS) >= 80


def test_every_family_of_the_table_and_every_judge_only_kind_occurs() -> None:
    matched = {f for w in WORDINGS for f in classify_wording(w.text).families}
    assert set(FAMILY_NAMES) <= matched, set(FAMILY_NAMES) - matched
    kinds = {w.family.split(":", 1)[1] for w in WORDINGS if w.family.startswith("judge:")}
    assert set(JUDGE_ONLY) - {"relevance", "quality"} <= kinds
    assert {"tone", "persona", "refusal", "explanation", "relevance", "quality"} <= kinds
    # the traps of the guide
    texts = {w.text for w in WORDINGS}
    assert {"回复字数为100字以内", "表情数量为3个以内", '以"let me see"开头'} <= texts
    quotes = "“”「」[]【】'\"『』"
    assert {q for t in texts for q in t if q in quotes} >= set("“「[【'\"")


@pytest.mark.parametrize("w", WORDINGS, ids=_id)
def test_classification(w: Wording) -> None:
    got = classify_wording(w.text)
    assert classified(got) == w.expected(), got.note


@pytest.mark.parametrize("w", [w for w in WORDINGS if w.method != "judge"], ids=_id)
def test_program_verdicts_on_replies_that_must_pass_and_fail(w: Wording) -> None:
    c = classify_wording(w.text)
    for reply in w.passes:
        assert program_verdict(c, w, reply) == "yes", f"should pass: {reply}"
    for reply in w.fails:
        assert program_verdict(c, w, reply) == "no", f"should fail: {reply}"


def _strict(w: Wording, reply: str, label: str) -> str:
    c = classify_wording(w.text)
    item = {"id": "1", "type": w.type, "text": w.text, "method": c.method}
    fn = REGISTRY.build("sysbench/checklist", {"criteria": [item]})
    judge = ScriptedJudge(f'{{"评判结果": {{"1": "{label}"}}}}')
    messages = (Message("user", "请回答。"), Message("assistant", reply))
    result: Any = fn(ScorerContext(messages=messages, turn=0, mode="strict", judge=judge))
    score = asyncio.run(result) if asyncio.iscoroutine(result) else result
    assert isinstance(score, Score)
    (row,) = score.metadata["sysbench"]["items"]
    assert row["program"] is None
    return str(row["strict"])


@pytest.mark.parametrize("w", [w for w in WORDINGS if w.method == "judge"], ids=_id)
def test_judge_only_wordings_are_decided_by_the_judge_alone(w: Wording) -> None:
    """No program verdict, even in strict mode: the judge's label is the item's."""
    for reply in w.passes:
        assert _strict(w, reply.text, "是") == "yes"
    for reply in w.fails:
        assert _strict(w, reply.text, "否") == "no"


def test_coverage_figures(capsys: pytest.CaptureFixture[str]) -> None:
    f = figures(WORDINGS)
    with capsys.disabled():
        print("\n" + "\n".join(report(f)))
    assert f.programmed >= 0.95 * f.decidable
    assert f.wrong_verdicts == []
    assert f.judge_with_check == []
