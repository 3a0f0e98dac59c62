"""Toolset parsing and answer extraction in both modes (spec §4.1, T2, T3, T13)."""

from __future__ import annotations

import pytest

from pytest_llmbench.families.toolbh.parse import (
    UQ,
    canonical,
    finish_removed,
    l1_answer,
    l2_plan,
    l3_steps,
    parse_toolset,
    provided_names,
    tool_descriptions,
)
from tests.families.toolbh.conftest import row

TOOLS = "1. Alpha: does a\n2.  Beta Tool ：does b \n3. Gamma does c\n4. Delta: does d"


def test_official_toolset_parse_is_unanchored_untrimmed_and_merges_colonless_lines() -> None:
    pairs = parse_toolset(TOOLS, "official")
    assert pairs[0] == ("Alpha", "does a")
    assert pairs[1] == ("Beta Tool ", "does b ")  # name keeps its trailing space
    # "3. Gamma does c" has no colon: its name runs into the next line (T13)
    assert pairs[2] == ("Gamma does c\n4. Delta", "does d")
    assert len(pairs) == 3


def test_strict_toolset_parse_is_line_anchored_and_trimmed() -> None:
    assert parse_toolset(TOOLS, "strict") == [
        ("Alpha", "does a"),
        ("Beta Tool", "does b"),
        ("Delta", "does d"),
    ]


def test_descriptions_start_with_unsolvable_query_and_later_duplicates_win() -> None:
    d = tool_descriptions("1. A: first\n2. A: second", "official")
    assert list(d) == [UQ, "A"]
    assert d["A"] == "second"


def test_provided_names_official_use_the_solvable_toolset_even_for_unsolvable() -> None:
    r = row("single_step")
    assert "EmailSender" in provided_names(r, "unsolvable", "official")  # quirk T1
    assert "EmailSender" not in provided_names(r, "unsolvable", "strict")
    assert "EmailSender" in provided_names(r, "solvable", "strict")


def test_finish_removed_only_drops_a_last_finish_in_any_case() -> None:
    assert finish_removed(["A", "FINISH"]) == ["A"]
    assert finish_removed(["Finish", "A"]) == ["Finish", "A"]
    assert finish_removed([]) == []


@pytest.mark.parametrize(
    ("output", "official", "strict"),
    [
        ("<answer>unsolvable</answer>", "unsolvable", "unsolvable"),
        ("<answer> Unsolvable </answer>", "unsolvable", "unsolvable"),
        ("<ANSWER>unsolvable</ANSWER>", "", "unsolvable"),
        ("<answer>\nunsolvable\n</answer>", "", "unsolvable"),
        ("<answer>**unsolvable**.</answer>", "**unsolvable**.", "unsolvable"),
        ("<answer>`'unsolvable'`</answer>", "`'unsolvable'`", "unsolvable"),
        ("<answer>solvable</answer><answer>unsolvable</answer>", "solvable", "solvable"),
        # official: the first block whose content is on one line
        ("<answer>\nsolvable</answer> <answer>unsolvable</answer>", "unsolvable", "solvable"),
        ("no tags at all", "", ""),
    ],
)
def test_l1_answer(output: str, official: str, strict: str) -> None:
    assert l1_answer(output, "official") == official
    assert l1_answer(output, "strict") == strict


def test_canonical_maps_case_and_the_prompt_typo() -> None:
    names = ["WeatherForecast", "weatherforecast2", UQ]
    assert canonical("weatherFORECAST", names) == "WeatherForecast"
    assert canonical("UnsovlableQuery", names) == UQ  # T5
    assert canonical("Unknown", names) == "Unknown"
    assert canonical("tool", ["Tool", "TOOL"]) == "tool"  # ambiguous: unchanged


def test_l2_official_lines_are_kept_raw_and_no_block_gives_one_empty_name() -> None:
    provided = ["A", "B"]
    assert l2_plan("<answer>A \r\nB\nFinish</answer>", "official", provided) == ["A \r", "B"]
    assert l2_plan("A\nB", "official", provided) == [""]


def test_l2_strict_cleans_lines() -> None:
    provided = ["WeatherForecast", "EmailSender", UQ]
    out = (
        "<Answer>\n```\n1. **weatherforecast**\n\n"
        "- `EmailSender`, UnsovlableQuery\nFinish\n```</Answer>"
    )
    assert l2_plan(out, "strict", provided) == ["WeatherForecast", "EmailSender", UQ]
    assert l2_plan("nothing", "strict", provided) == []


def test_l3_official_extraction_quirks() -> None:
    out = (
        "<answer>Subgoal 1: get it Planned tool: A.\n"  # followed by "." -> vanishes
        "Subgoal 2: x Planned Tool: B\n"  # capital T -> vanishes
        "**Subgoal 3:** bold label Planned tool: C\n"  # bold around the label is fine
        "Subgoal 4: y Planned tool: **D**\n"  # bold around the tool -> vanishes
        "Subgoal 5: z Planned tool: E\n"
        "then glued text</answer>"
    )
    steps = l3_steps(out, "official", [])
    assert [s.tool for s in steps] == ["C", "E\nthen glued text"]
    assert steps[0].text == "Subgoal 3:** bold label"
    assert steps[0].description == "** bold label"


def test_l3_official_label_on_next_line_vanishes_tool_on_next_line_parses() -> None:
    label_next = "<answer>Subgoal 1: get it\nPlanned tool: A</answer>"
    assert l3_steps(label_next, "official", []) == []
    tool_next = "<answer>Subgoal 1: get it Planned tool:\nA\nSubgoal 2: b Planned tool: B</answer>"
    assert [s.tool for s in l3_steps(tool_next, "official", [])] == ["A", "B"]


def test_l3_crlf_works_in_official_mode() -> None:
    out = "<answer>Subgoal 1: a Planned tool: A\r\nSubgoal 2: b Planned tool: B</answer>"
    assert [s.tool for s in l3_steps(out, "official", [])] == ["A", "B"]


def test_l3_strict_steps() -> None:
    out = (
        "<answer>**Subgoal 1:** get the weather **Planned Tool:** `weatherforecast`.\n"
        "Subgoal 2: send the mail\nPlanned tool: UnsovlableQuery (missing email tool)\n"
        "Subgoal 3: wrap up Planned tool:\nFinish</answer>"
    )
    steps = l3_steps(out, "strict", ["WeatherForecast", UQ])
    assert [s.tool for s in steps] == ["WeatherForecast", UQ]  # trailing Finish step dropped
    assert [s.description for s in steps] == ["get the weather", "send the mail"]
