"""Level 1-3 scores and conditions in both modes: the edge cases of spec §4 and §7."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_llmbench.families.toolbh.levels import condition, progress_rate, score, score_both
from tests.families.toolbh.conftest import row

UQ = "UnsolvableQuery"
R = row("single_step")  # gold unsolvable: WeatherForecast, UnsolvableQuery (EmailSender removed)


def both(r: dict[str, Any], level: str, variant: str, out: str) -> tuple[Any, ...]:
    res = score_both(r, level, variant, out)
    o, s = res["official"], res["strict"]
    return o.score, o.condition, s.score, s.condition


def test_progress_rate_counts_leading_matches_only() -> None:
    assert progress_rate(["A", "X", "C"], ["A", "B", "C"]) == 1 / 3
    assert progress_rate(["A", "B", "C", "D"], ["A", "B"]) == 1.0  # extra steps are free
    assert progress_rate([], ["A"]) == 0.0


def test_condition_classes() -> None:
    gold = ["A", UQ, "C"]
    assert condition(["A", UQ, "C", "Z"], gold, 1.0) == "wrong_tools"  # even with PR 1
    assert condition(["A", UQ, "C"], gold, 1.0) == "correct"
    assert condition([UQ, "A"], gold, 0.0) == "wrong_unsolvable_index"
    assert condition(["A", UQ, "A"], gold, 2 / 3) == "wrong_reasoning"
    assert condition(["A"], ["A", "B"], 0.5) == "data_error"  # no UnsolvableQuery: T12


@pytest.mark.parametrize(
    ("out", "official", "strict"),
    [
        ("<answer>unsolvable</answer>", 1.0, 1.0),
        ("<answer>UNSOLVABLE</answer>", 1.0, 1.0),
        ("<answer>solvable</answer>", 0.0, 0.0),
        ("<Answer>unsolvable</Answer>", 0.0, 1.0),
        ("<answer>\n  unsolvable\n</answer>", 0.0, 1.0),
        ("<answer>*unsolvable*.</answer>", 0.0, 1.0),
        ("", 0.0, 0.0),
    ],
)
def test_level_1_exact_match(out: str, official: float, strict: float) -> None:
    res = score_both(R, "level_1", "unsolvable", out)
    assert (res["official"].score, res["strict"].score) == (official, strict)


def test_level_1_solvable_gold() -> None:
    assert score(R, "level_1", "solvable", "<answer>solvable</answer>", "official").score == 1.0


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ("WeatherForecast\nUnsolvableQuery", (1.0, "correct", 1.0, "correct")),
        ("WeatherForecast\nUnsolvableQuery\nFinish", (1.0, "correct", 1.0, "correct")),
        # T3: formatting zeroes the official plan (an unknown "tool" name)
        ("WeatherForecast \nUnsolvableQuery", (0.0, "non_existent_tools", 1.0, "correct")),
        ("1. WeatherForecast\n2. UnsolvableQuery", (0.0, "non_existent_tools", 1.0, "correct")),
        ("- **WeatherForecast**\n- `UnsolvableQuery`", (0.0, "non_existent_tools", 1.0, "correct")),
        ("WeatherForecast\r\nUnsolvableQuery", (0.0, "non_existent_tools", 1.0, "correct")),
        (
            "```\nWeatherForecast\n\nUnsolvableQuery\n```",
            (0.0, "non_existent_tools", 1.0, "correct"),
        ),
        ("weatherforecast\nunsolvablequery", (0.0, "non_existent_tools", 1.0, "correct")),
        ("WeatherForecast, UnsolvableQuery", (0.0, "non_existent_tools", 1.0, "correct")),
        # T5: the L3 prompt's typo
        ("WeatherForecast\nUnsovlableQuery", (0.0, "non_existent_tools", 1.0, "correct")),
        # T1: the removed tool is "provided" officially, so only solvability_hallu catches it
        ("WeatherForecast\nEmailSender", (0.0, "solvability_hallu", 0.0, "non_existent_tools")),
        ("WeatherForecast", (0.0, "solvability_hallu", 0.0, "solvability_hallu")),
        # extra steps after a full match keep PR 1, but an off-gold tool is "wrong_tools"
        (
            "WeatherForecast\nUnsolvableQuery\nCalendarLookup",
            (1.0, "wrong_tools", 1.0, "wrong_tools"),
        ),
        (
            "UnsolvableQuery\nWeatherForecast",
            (
                0.0,
                "wrong_unsolvable_index",
            )
            * 2,
        ),
    ],
)
def test_level_2_unsolvable(plan: str, expected: tuple[Any, ...]) -> None:
    assert both(R, "level_2", "unsolvable", f"<answer>{plan}</answer>") == expected


def test_level_2_no_answer_block() -> None:
    # official: [""] is an unknown tool; strict: an empty plan lacks UnsolvableQuery
    assert both(R, "level_2", "unsolvable", "WeatherForecast") == (
        0.0,
        "non_existent_tools",
        0.0,
        "solvability_hallu",
    )


def test_level_2_wrong_reasoning_and_partial_progress() -> None:
    r = row("multi_step_wo_rep")  # gold: UQ, HotelSearch, UQ
    out = "<answer>UnsolvableQuery\nUnsolvableQuery\nUnsolvableQuery</answer>"
    assert both(r, "level_2", "unsolvable", out) == (1 / 3, "wrong_reasoning") * 2


def test_level_2_first_block_only_and_solvable_has_no_condition() -> None:
    out = "<answer>WeatherForecast\nEmailSender</answer> or <answer>UnsolvableQuery</answer>"
    res = score_both(R, "level_2", "solvable", out)
    assert [(r.score, r.condition) for r in res.values()] == [(1.0, None), (1.0, None)]
    assert res["official"].parsed == ["WeatherForecast", "EmailSender"]


def l3(*steps: str) -> str:
    body = "\n".join(f"Subgoal {k}: step {k} Planned tool: {t}" for k, t in enumerate(steps, 1))
    return f"<answer>{body}</answer>"


def test_level_3_correct_and_progress() -> None:
    assert both(R, "level_3", "unsolvable", l3("WeatherForecast", UQ)) == (1.0, "correct") * 2
    assert (
        both(R, "level_3", "unsolvable", l3(UQ, "WeatherForecast"))
        == (
            0.0,
            "wrong_unsolvable_index",
        )
        * 2
    )


def test_level_3_vanishing_step_shifts_positions_officially() -> None:
    out = (
        "<answer>Subgoal 1: weather Planned tool: WeatherForecast.\n"
        "Subgoal 2: email Planned tool: UnsolvableQuery</answer>"
    )
    assert both(R, "level_3", "unsolvable", out) == (
        0.0,
        "wrong_unsolvable_index",
        1.0,
        "correct",
    )


def test_level_3_glued_line_becomes_an_unknown_tool_officially() -> None:
    out = l3("WeatherForecast", UQ)[: -len("</answer>")] + "\nThen we are done</answer>"
    assert both(R, "level_3", "unsolvable", out) == (
        0.0,
        "solvability_hallu",
        1.0,
        "correct",
    )


def test_level_3_invented_tool_precedence_t6() -> None:
    # with UnsolvableQuery present: official keeps non_existent_tools, PR 0
    res = score_both(R, "level_3", "unsolvable", l3("WeatherForecast", UQ, "MailBot"))
    assert (res["official"].score, res["official"].condition) == (0.0, "non_existent_tools")
    assert (res["strict"].score, res["strict"].condition) == (0.0, "non_existent_tools")
    assert res["strict"].ms == [0.0]  # strict: MS zeroed too
    # without UnsolvableQuery: official lets solvability_hallu override, strict keeps L2's order
    assert both(R, "level_3", "unsolvable", l3("WeatherForecast", "MailBot")) == (
        0.0,
        "solvability_hallu",
        0.0,
        "non_existent_tools",
    )


def test_level_3_no_steps_is_solvability_hallu_with_zero_ms() -> None:
    res = score_both(row("multi_step_wo_rep"), "level_3", "unsolvable", "I would plan it.")
    for r in res.values():
        assert (r.score, r.condition, r.ms, r.ms_status) == (
            0.0,
            "solvability_hallu",
            [0.0, 0.0],
            "computed",
        )


def test_level_3_ms_not_computed_without_embedder() -> None:
    r = score(R, "level_3", "unsolvable", l3("WeatherForecast", UQ), "official")
    assert (r.ms, r.ms_status) == (None, "not computed")
    assert r.passed()  # the pass rule is PR = 1; MS is reported alongside


def test_level_3_solvable_has_no_ms() -> None:
    r = score(R, "level_3", "solvable", l3("WeatherForecast", "EmailSender"), "strict")
    assert (r.score, r.condition, r.ms_status) == (1.0, None, "not applicable")


def test_unsolvable_gold_without_unsolvable_query_is_a_data_error_t12() -> None:
    bad = dict(R, planning_tools_unsolvable=["WeatherForecast", "CalendarLookup"])
    res = score_both(bad, "level_3", "unsolvable", l3("WeatherForecast"))
    for r in res.values():
        assert r.ms_status == "data error"
        assert any("without UnsolvableQuery" in f for f in r.flags)
        assert r.condition == "data_error"  # the official code would crash here


def test_empty_gold_scores_zero_and_is_flagged() -> None:
    bad = dict(R, planning_tools_unsolvable=["Finish"])
    r = score(bad, "level_2", "unsolvable", "<answer>Finish</answer>", "official")
    assert r.score == 0.0
    assert r.flags == ["data_error: empty gold plan"]
