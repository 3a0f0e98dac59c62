"""Official aggregation (spec §5): rows weighted equally (scenarios 3:2:2), errors (T9), MS
"not computed", data errors (T12); from results-file rows and the terminal text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from pytest_llmbench.families.toolbh.aggregate import (
    Record,
    aggregate,
    render,
    render_summary,
    summarize,
)

SUBTASKS = {
    "MNT": ["single_step", "multi_step_wo_rep", "multi_step_w_rep"],
    "PT": ["os", "web"],
    "LFT": ["iter", "best"],
}
# GPT-4o's published unsolvable scores (x100): MNT, PT, LFT x (L1, L2, L3-PR, L3-MS)
GPT4O = {
    "MNT": (53.3, 69.9, 24.8, 24.8),
    "PT": (47.0, 62.0, 27.9, 33.2),
    "LFT": (56.0, 21.9, 6.8, 4.4),
}


def published(values: Mapping[str, tuple[float, ...]], per_subtask: int = 50) -> list[Record]:
    out = []
    for group, (l1, l2, pr, ms) in values.items():
        for subtask in SUBTASKS[group]:
            for _ in range(per_subtask):
                out.append(Record("en", subtask, "level_1", "unsolvable", l1 / 100))
                out.append(Record("en", subtask, "level_2", "unsolvable", l2 / 100))
                out.append(
                    Record("en", subtask, "level_3", "unsolvable", pr / 100, ms / 100, "computed")
                )
    return out


def test_overall_weights_rows_equally_and_reproduces_the_leaderboard() -> None:
    s = summarize(published(GPT4O), "official")
    assert s["overall"] == pytest.approx(0.3703, abs=5e-4)  # published: 37.0
    assert s["n"] == 350
    assert s["groups"]["MNT"]["L1"] == pytest.approx(0.533)
    assert s["groups"]["PT"]["n"] == 100
    unweighted = sum(sum(v) / 4 for v in GPT4O.values()) / 3 / 100
    assert abs(unweighted - s["overall"]) > 0.005  # the scenario mean would be wrong


def test_api_errors_count_zero_officially_and_are_excluded_in_strict() -> None:
    recs = [
        Record("en", "os", "level_1", "unsolvable", 1.0),
        Record("en", "os", "level_1", "unsolvable", None, error=True),
        Record("en", "os", "level_3", "unsolvable", None, error=True),
    ]
    official, strict = summarize(recs, "official"), summarize(recs, "strict")
    assert official["subtasks"]["os"]["L1"] == 0.5
    assert official["subtasks"]["os"]["L3_MS"] == 0.0
    assert official["conditions"]["level_3"] == {"solvability_hallu": 1}
    assert (official["errors"], official["excluded"]) == (2, 0)
    assert strict["subtasks"]["os"]["L1"] == 1.0
    assert (strict["errors"], strict["excluded"]) == (2, 2)


def test_ms_not_computed_and_data_errors() -> None:
    base = [
        Record("en", "iter", "level_1", "unsolvable", 1.0),
        Record("en", "iter", "level_2", "unsolvable", 1.0),
    ]
    missing = [*base, Record("en", "iter", "level_3", "unsolvable", 1.0, None, "not computed")]
    s = summarize(missing, "official")
    assert (s["overall"], s["ms"], s["groups"]["LFT"]["L3_MS"]) == (None, "not computed", None)
    assert s["groups"]["LFT"]["L3_PR"] == 1.0
    broken = [*base, Record("en", "iter", "level_3", "unsolvable", 1.0, None, "data error")]
    assert summarize(broken, "official")["overall"] is None  # NaN upstream
    strict = summarize(broken, "strict")
    assert strict["overall"] == 1.0 and strict["data_errors"] == 1


def test_solvable_scores_are_reported_apart_and_conditions_counted() -> None:
    recs = [
        Record("en", "web", "level_2", "solvable", 0.5),
        Record("en", "web", "level_2", "unsolvable", 0.0, condition="non_existent_tools"),
        Record("en", "web", "level_2", "unsolvable", 1.0, condition="correct"),
    ]
    s = summarize(recs, "official")
    assert s["solvable"] == {"L2": 0.5}
    assert s["subtasks"]["web"]["L2"] == 0.5
    assert s["conditions"]["level_2"] == {"non_existent_tools": 1, "correct": 1}
    text = "\n".join(render_summary("en", s))
    assert "solvable versions (reported apart): L2 50.0" in text
    assert "level_2 conditions: non_existent_tools 1, correct 1" in text


def result_row(
    level: str, official: float | None, strict: float | None, **kw: Any
) -> dict[str, Any]:
    meta = {
        "benchmark": "toolbh",
        "protocol": "official",
        "language": "en",
        "subtask": "os",
        "level": level,
        "variant": "unsolvable",
        "position": 0,
    }
    detail = {
        mode: {
            "score": v,
            "ms_mean": kw.get("ms"),
            "ms_status": kw.get("status", "not applicable"),
            "condition": kw.get("condition"),
        }
        for mode, v in (("official", official), ("strict", strict))
    }
    scores = (
        [] if official is None else [{"name": "toolbh/level", "passed": True, "metadata": detail}]
    )
    return {
        "metadata": meta,
        "outcome": kw.get("outcome", "passed"),
        "scores": scores,
        "provenance": {"comparable": kw.get("comparable", True)},
    }


def test_aggregate_from_results_rows() -> None:
    rows = [
        result_row("level_1", 1.0, 1.0),
        result_row("level_2", 0.0, 1.0, condition="non_existent_tools"),
        result_row("level_3", 1.0, 1.0, ms=0.5, status="computed", condition="correct"),
        result_row("level_1", None, None, outcome="error"),
        result_row("level_1", None, None, outcome="skipped"),
        {"metadata": {"benchmark": "rules"}, "outcome": "passed", "scores": []},
        {
            "metadata": {
                "benchmark": "toolbh",
                "protocol": "native",
                "group": "PT",
                "variant": "unsolvable",
            },
            "outcome": "failed",
            "scores": [{"name": "toolbh/no_unknown_tool", "passed": False}],
        },
    ]
    agg = aggregate(rows)
    assert agg is not None
    official = agg["protocol"]["en"]["official"]
    assert official["subtasks"]["os"]["L1"] == 0.5  # the error row counts 0
    assert official["overall"] == pytest.approx((1 + 0 + 0 + 1 + 0.5) / 5)
    assert agg["protocol"]["en"]["strict"]["overall"] == pytest.approx((1 + 1 + 1 + 0.5) / 4)
    assert agg["native"] == {
        "pass_rate": {"PT/unsolvable": 0.0},
        "n": {"PT/unsolvable": 1},
        "failed_checks": {"toolbh/no_unknown_tool": 1},
    }
    lines = render(agg)
    assert lines[0].startswith("ToolBH en (official, comparable with the paper): overall 50.0")
    # One row of a suite with our own wording (or own data, own decoding): none is comparable.
    mixed = aggregate([*rows, result_row("level_1", 1.0, 1.0, comparable=False)])
    assert mixed is not None and not mixed["protocol"]["en"]["official"]["comparable"]
    assert render(mixed)[0].startswith("ToolBH en (official, not comparable with the paper)")
    assert any(x.startswith("ToolBH en (strict, not comparable") for x in lines)
    assert "ToolBH native tool-call scenarios: pass rate PT/unsolvable 0.0% of 1 samples" in lines
    assert aggregate([{"metadata": {}, "outcome": "passed"}]) is None
