"""The ``toolbh/level`` scorer: both modes recorded, the pass rule, metadata for aggregates."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_llmbench.scoring.api import Message, Score, ScorerContext, ScoringMode
from pytest_llmbench.scoring.registry import ScorerRegistry
from tests.families.toolbh.conftest import BagOfWords, row, rows

REGISTRY = ScorerRegistry()
R = row("single_step")
POOL = [r["tools"] for r in rows() if r["subtask"] == "single_step"]


def judge(
    reply: str,
    level: str,
    variant: str = "unsolvable",
    mode: ScoringMode = "official",
    args: dict[str, Any] | None = None,
    item: dict[str, Any] = R,
) -> Score:
    fn = REGISTRY.build(
        "toolbh/level", {"subtask": "single_step", "pool_tools": POOL, **(args or {})}
    )
    meta = {"item": item, "level": level, "variant": variant, "position": 0, "language": "en"}
    msgs = [Message("user", "prompt", turn=0), Message("assistant", reply, turn=0)]
    return fn(ScorerContext(messages=msgs, turn=0, mode=mode, metadata=meta))


def plan(description: str) -> str:
    return (
        "<answer>Subgoal 1: a Planned tool: WeatherForecast\n"
        f"Subgoal 2: {description} Planned tool: UnsolvableQuery</answer>"
    )


def test_modes_disagree_and_both_are_recorded(no_embedder: None) -> None:
    reply = "<answer>1. WeatherForecast\n2. UnsolvableQuery</answer>"
    official = judge(reply, "level_2")
    strict = judge(reply, "level_2", mode="strict")
    assert official.metadata["modes"] == {"official": False, "strict": True}
    assert (official.passed, official.value) == (False, 0.0)
    assert (strict.passed, strict.value) == (True, 1.0)
    assert official.name == "toolbh/level"
    assert "L2 unsolvable (official): PR 0.00, non_existent_tools" in official.reason
    meta = official.metadata
    assert meta["raw_output"] == reply
    assert meta["official"]["parsed"] == ["1. WeatherForecast", "2. UnsolvableQuery"]
    assert meta["strict"]["parsed"] == ["WeatherForecast", "UnsolvableQuery"]
    assert (meta["level"], meta["variant"], meta["subtask"], meta["position"]) == (
        "level_2",
        "unsolvable",
        "single_step",
        0,
    )


def test_level_1_reason(no_embedder: None) -> None:
    s = judge("<answer>solvable</answer>", "level_1")
    assert not s.passed
    assert s.reason == "L1 unsolvable (official): answer 'solvable', expected 'unsolvable'"


def test_level_3_reports_ms_not_computed_without_the_extra(no_embedder: None) -> None:
    s = judge(plan("b"), "level_3")
    assert s.passed
    assert s.metadata["official"]["ms_status"] == "not computed"
    assert "MS not computed" in s.reason


def test_level_3_ms_and_threshold(bag: BagOfWords) -> None:
    email = "Send an email with a subject and a body to one address."
    good, vague = plan(email), plan("zzz")
    s = judge(good, "level_3", args={"ms_threshold": 0.5})
    assert s.passed and s.metadata["official"]["ms"] == [1.0]
    assert "MS 1.000" in s.reason
    low = judge(vague, "level_3", args={"ms_threshold": 0.5})
    assert not low.passed and low.value == 1.0  # PR 1, but MS below the threshold
    assert judge(vague, "level_3").passed  # no threshold: PR alone decides


def test_bad_metadata_is_a_scorer_error() -> None:
    with pytest.raises(ValueError, match=r"metadata\.level"):
        judge("x", "level_9")
    with pytest.raises(ValueError, match="lacks field"):
        judge("x", "level_1", item={"subtask": "os"})
