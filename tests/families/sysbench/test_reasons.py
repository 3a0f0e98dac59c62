"""Issue #20: failing reasons say what was expected and what was found, and list only the
failing sub-checks of a constraint."""

from __future__ import annotations

from pytest_llmbench.families.sysbench.checks import build

from .test_scorer import ctx, score


def test_only_failing_sub_checks_are_listed_under_the_cross() -> None:
    crit = [
        {
            "id": "roman",
            "type": "format",
            "text": "Two lines marked I., II.",
            "check": {"line_markers": ["I.", "II."], "line_count": 2},
        }
    ]
    s = score(crit, ctx("II. first\n\nI. second"))
    assert not s.passed
    assert "line_markers" in s.reason
    assert "exactly 2 lines, got 2" not in s.reason  # a passing sub-check is not a failure


def test_no_empty_got() -> None:
    ok, why = build("line_markers", ["I.", "II."])("no markers at all")
    assert not ok and not why.rstrip().endswith("got") and "got none" in why


def test_digits_are_shown_as_numbers() -> None:
    ok, why = build("no_digits", True)("Open 12:00 to 18:30.")
    assert not ok
    assert "12001830" not in why and "12:00" in why and "18:30" in why


def test_a_line_check_speaks_of_lines() -> None:
    ok, why = build("line_count", 3)("one\ntwo")
    assert not ok and why == "expected exactly 3 lines, got 2"
    assert build("line_count", 2)("one\n\ntwo")[0]  # blank lines are not lines
    assert build("line_count", {"min": 1})("just one")[0]


def test_a_table_with_short_alignment_rules_is_a_table() -> None:
    """Found by the paraphrased references of issue #20: GFM needs one dash per cell."""
    reply = "| Variety | Crates |\n| :-- | --: |\n| Gala | 80 |"
    assert build("markdown_table", True)(reply)[0]
    assert not build("markdown_table", True)("a | b\nc | d")[0]
