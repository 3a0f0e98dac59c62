"""The ``distractors/f1`` scorer: threshold, gold from arguments or metadata, both modes."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_llmbench.scoring.api import Message, Score, ScorerContext, ScoringMode
from pytest_llmbench.scoring.registry import BadScorerArguments, ScorerRegistry

REGISTRY = ScorerRegistry()


def run(
    args: Any, reply: str, metadata: dict[str, Any] | None = None, mode: ScoringMode = "official"
) -> Score:
    ctx = ScorerContext(
        messages=[Message("user", "q", turn=0), Message("assistant", reply, turn=0)],
        turn=0,
        mode=mode,
        metadata=metadata or {},
    )
    return REGISTRY.build("distractors/f1", args)(ctx)


@pytest.mark.parametrize(
    ("reply", "passed", "value"),
    [
        ("Final Answer: Bandthorpe", True, 1.0),
        ("Sub-question 1: ...\nFinal Answer: the Bandthorpe town", True, 2 / 3),
        ("Final Answer: Kestrelby", False, 0.0),  # a distractor chain's answer
        ("Final Answer: Kestrelby\nOn re-reading: Final Answer: Bandthorpe", True, 1.0),
        ("Final Answer:\nBandthorpe", False, 0.0),
    ],
)
def test_passes_when_f1_reaches_the_threshold(reply: str, passed: bool, value: float) -> None:
    s = run({"threshold": 0.5, "answer": "Bandthorpe"}, reply)
    assert s.passed is passed
    assert s.value == pytest.approx(value)
    assert s.name == "distractors/f1"


def test_threshold_is_inclusive() -> None:
    # "2002 to 2009" vs "from 1986 to 2013" has F1 2/7
    assert run({"threshold": 2 / 7, "answer": "from 1986 to 2013"}, "2002 to 2009").passed
    assert not run({"threshold": 0.3, "answer": "from 1986 to 2013"}, "2002 to 2009").passed


def test_gold_answer_comes_from_metadata() -> None:
    s = run({"threshold": 0.5}, "Final Answer: Paris", {"answer": "Paris"})
    assert s.passed
    missing = run({"threshold": 0.5}, "Final Answer: Paris")
    assert not missing.passed
    assert "no gold answer" in missing.reason


def test_metadata_records_both_modes() -> None:
    reply = "Final Answer: 24 January 76 - 10 July 138"
    meta = {"answer": "24 January 76 – 10 July 138"}
    official = run({"threshold": 1.0}, reply, meta)
    strict = run({"threshold": 1.0}, reply, meta, mode="strict")
    assert not official.passed and strict.passed
    for s in (official, strict):
        assert s.metadata["modes"] == {"official": False, "strict": True}
        assert s.metadata["by_mode"]["strict"]["em"] == 1.0
        assert s.metadata["extraction"] == "label"
        assert s.metadata["extracted"] == "24 January 76 - 10 July 138"
    assert official.metadata["em"] == 0.0 and official.metadata["mode"] == "official"
    assert set(official.metadata) >= {"em", "f1", "precision", "recall", "extracted"}


def test_reason_names_the_extraction_path() -> None:
    s = run({"threshold": 0.5, "answer": "Paris"}, "I think it is Lyon, honestly.")
    assert "no 'Final Answer:'" in s.reason
    assert "'Paris'" in s.reason


@pytest.mark.parametrize(
    "args",
    [
        None,  # threshold is required: the suite sets it
        {"threshold": 1.5},
        {"threshold": True},
        {"threshold": "0.5"},
        {"threshold": 0.5, "answer": ""},
        {"threshold": 0.5, "gold": "x"},
    ],
)
def test_bad_arguments_are_collection_errors(args: Any) -> None:
    with pytest.raises(BadScorerArguments):
        REGISTRY.build("distractors/f1", args)
