"""The StatQA scorer: extraction, set comparison, both modes, and the documented edge cases."""

from __future__ import annotations

import json

import pytest

from pytest_llmbench.families.statqa import scorers as statqa
from pytest_llmbench.families.statqa.grading import extract_answer, grade, parse_gold
from pytest_llmbench.scoring.api import Message, ScorerContext, ScoringMode
from pytest_llmbench.scoring.registry import BadScorerArguments, ScorerRegistry

GOLD = json.dumps(
    {"columns": ["GRE Score", "LOR "], "methods": ["Mood Variance Test", "Levene Test"]}
)
RIGHT = '{"columns": ["GRE Score", "LOR "], "methods": ["Mood Variance Test", "Levene Test"]}'
APOSTROPHE_GOLD = json.dumps(
    {
        "columns": ["New Cardholders", "# of Attendees at Children's and Teen Programming"],
        "methods": ["Kendall Correlation Coefficient"],
    }
)


def ctx(reply: str, mode: ScoringMode = "official") -> ScorerContext:
    msgs = [Message("user", "q", turn=0), Message("assistant", reply, turn=0)]
    return ScorerContext(messages=msgs, turn=0, mode=mode)


def both(reply: str, gold: str = GOLD) -> tuple[int, int]:
    return grade(gold, reply, "official").score, grade(gold, reply, "strict").score


# --- extraction (spec §6.2) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        RIGHT,
        f"```json\n{RIGHT}\n```",
        f"Sure. The answer is:\n{RIGHT}\nHope this helps.",
        f"{RIGHT} and a second object {{}}",  # only the first object counts
        '{"methods": ["levene test", " MOOD VARIANCE TEST "], "columns": ["lor", "GRE Score"]}',
        '{"columns": ["GRE Score", "LOR ", "LOR"], "methods": ["Levene Test", "Mood Variance Test",'
        ' "Levene Test"], "reason": "extra keys are ignored"}',
    ],
    ids=["bare", "fenced", "prose", "two-objects", "order-case-space", "dupes-extra-key"],
)
def test_correct_answers_pass_in_both_modes(reply: str) -> None:
    assert both(reply) == (1, 1)


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "Mood Variance Test and Levene Test on GRE Score and LOR",
        '{"columns": ["GRE Score", "LOR "], "methods": ["Mood Variance Test", "Levene Test"]',
        "I use {braces} first. " + RIGHT,  # a {…} in prose before the answer
        '{"columns": {"a": "GRE Score"}, "methods": []}',  # nested object: cut at the first }
        "{'columns': ['GRE Score', 'LOR '], 'methods': ['Mood Variance Test', 'Levene Test']}",
        '{"columns": ["GRE Score", "LOR "], "methods": ["Mood Variance Test", "Levene Test",]}',
        "{“columns”: [“GRE Score”, “LOR ”], “methods”: [“Mood Variance Test”, “Levene Test”]}",
        '{"columns": ["GRE Score", "LOR "], // the columns\n "methods": ["Levene Test"]}',
    ],
    ids=[
        "empty",
        "no-json",
        "unclosed",
        "braces-in-prose",
        "nested",
        "single-quotes",
        "trailing-comma",
        "typographic-quotes",
        "comment",
    ],
)
def test_invalid_answers_score_zero_everywhere(reply: str) -> None:
    for mode in ("official", "strict"):
        v = grade(GOLD, reply, mode)
        assert (v.score, v.columns_score, v.methods_score) == (0, 0, 0)


def test_absurdly_deep_nesting_is_invalid_not_a_crash() -> None:
    reply = '{"columns": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert both(reply) == (0, 0)


def test_extraction_takes_first_brace_to_first_closing_brace() -> None:
    assert extract_answer('x {"a": 1} y {"b": 2}') == ({"a": 1}, "")
    assert extract_answer("}{")[0] is None
    assert "no '{'" in extract_answer("none")[1]


# --- comparison (spec §6.3) -------------------------------------------------------------------


def test_each_key_is_scored_separately_without_partial_credit() -> None:
    v = grade(GOLD, '{"columns": ["GRE Score", "LOR "], "methods": ["Levene Test"]}', "official")
    assert (v.score, v.columns_score, v.methods_score) == (0, 1, 0)
    assert v.methods.missed == ("mood variance test",)
    v = grade(
        GOLD,
        '{"columns": ["GRE Score"], "methods": ["Mood Variance Test", "Levene Test"]}',
        "official",
    )
    assert (v.score, v.columns_score, v.methods_score) == (0, 0, 1)
    v = grade(
        GOLD,
        '{"columns": ["GRE Score", "LOR "], "methods": ["Mood Variance Test", "Levene Test", '
        '"Bartlett Test"]}',
        "official",
    )
    assert (v.methods_score, v.methods.correct, v.methods.wrong) == (0, 2, ("bartlett test",))


@pytest.mark.parametrize(
    "methods",
    [
        '["Mood  Variance Test", "Levene Test"]',  # inner whitespace matters
        '["Mood Variance Test", "Levene-Test"]',
        '["Mood Variance Test", "Levene’s Test"]',
        '["Mood Variance Test", "Levene"]',  # abbreviation
    ],
)
def test_names_must_match_the_list_up_to_case_and_outer_whitespace(methods: str) -> None:
    assert both(f'{{"columns": ["GRE Score", "LOR "], "methods": {methods}}}') == (0, 0)


def test_synonyms_and_dash_variants_do_not_match() -> None:
    gold = json.dumps({"columns": ["a", "b"], "methods": ["Chi-square Independence Test"]})
    assert both('{"columns": ["a", "b"], "methods": ["Chi-squared Independence Test"]}', gold) == (
        0,
        0,
    )
    assert both('{"columns": ["a", "b"], "methods": ["Chi–square Independence Test"]}', gold) == (
        0,
        0,
    )
    assert both('{"columns": ["a", "b"], "methods": ["chi-square independence test"]}', gold) == (
        1,
        1,
    )


def test_missing_or_miscased_key_is_an_empty_list() -> None:
    for reply in (
        '{"methods": ["Mood Variance Test", "Levene Test"]}',
        '{"Columns": ["GRE Score", "LOR "], "methods": ["Mood Variance Test", "Levene Test"]}',
    ):
        v = grade(GOLD, reply, "official")
        assert (v.columns_score, v.methods_score) == (0, 1)
    v = grade(GOLD, '{"columns": [], "methods": []}', "strict")
    assert (v.columns_score, v.methods_score) == (0, 0)


@pytest.mark.parametrize("value", ["null", "[1, 2]", '["Mood Variance Test", null]', "3", "true"])
def test_non_string_elements_and_nulls_score_zero(value: str) -> None:
    v = grade(GOLD, f'{{"columns": ["GRE Score", "LOR "], "methods": {value}}}', "official")
    assert (v.columns_score, v.methods_score) == (1, 0)
    assert v.methods.error


def test_bare_string_is_iterated_by_character_officially_and_scored_zero_strictly() -> None:
    gold = json.dumps({"columns": ["x"], "methods": ["Mean"]})
    # Official: "x" iterated by character is {"x"}: the single-letter column matches.
    assert grade(gold, '{"columns": "x", "methods": ["Mean"]}', "official").score == 1
    assert grade(gold, '{"columns": "x", "methods": ["Mean"]}', "strict").score == 0
    # A method name as a bare string becomes a set of letters: never a match, in either mode.
    assert both('{"columns": ["x"], "methods": "Mean"}', gold) == (0, 0)


def test_any_nested_object_invalidates_the_answer() -> None:
    # The cut at the first "}" means a value can never be an object: even an empty one after a
    # correct answer leaves unbalanced JSON.
    assert both(
        '{"columns": ["GRE Score", "LOR "], "methods": ["Mood Variance Test", '
        '"Levene Test"], "meta": {}}'
    ) == (0, 0)


# --- the apostrophe quirk (spec §7, §8.1) -----------------------------------------------------


def test_gold_with_an_apostrophe_never_passes_officially_but_does_strictly() -> None:
    reply = APOSTROPHE_GOLD
    assert parse_gold(APOSTROPHE_GOLD, "official") is None
    assert parse_gold(APOSTROPHE_GOLD, "strict") is not None
    assert both(reply, APOSTROPHE_GOLD) == (0, 1)
    s = statqa.score_reply(APOSTROPHE_GOLD, reply, "official")
    assert not s.passed and "apostrophe" in s.reason and "strict mode would pass" in s.reason
    assert s.metadata["modes"] == {"official": False, "strict": True}
    assert s.metadata["error_category"] == "unparseable gold"


def test_official_gold_parsing_swaps_single_quotes() -> None:
    # Upstream's swap lets a Python-repr style gold parse in official mode only.
    gold = "{'columns': ['a'], 'methods': ['Mean']}"
    assert both('{"columns": ["a"], "methods": ["Mean"]}', gold) == (1, 0)


# --- the registered scorer --------------------------------------------------------------------


def test_scorer_records_both_modes_and_key_scores() -> None:
    fn = ScorerRegistry().build("statqa/answer", {"ground_truth": GOLD})
    s = fn(ctx('{"columns": ["GRE Score", "LOR "], "methods": ["Levene Test"]}'))
    assert not s.passed and s.value == 0.0 and s.name == "statqa/answer"
    assert s.metadata["modes"] == {"official": False, "strict": False}
    assert (s.metadata["columns_score"], s.metadata["methods_score"]) == (1, 0)
    assert s.metadata["error_category"] == "applicability error"
    assert s.metadata["methods_jaccard"] == 0.5
    assert "missing 'mood variance test'" in s.reason
    ok = fn(ctx(RIGHT, "strict"))
    assert ok.passed and ok.value == 1.0 and ok.reason == "columns ok, methods ok"


def test_ctx_mode_decides_passed() -> None:
    fn = statqa.answer(ground_truth=APOSTROPHE_GOLD)
    assert not fn(ctx(APOSTROPHE_GOLD, "official")).passed
    assert fn(ctx(APOSTROPHE_GOLD, "strict")).passed


def test_lists_form_equals_ground_truth_form() -> None:
    fn = statqa.answer(columns=["GRE Score", "LOR "], methods=["Mood Variance Test", "Levene Test"])
    assert fn(ctx(RIGHT)).passed
    assert not fn(ctx('{"columns": ["GRE Score"], "methods": ["Levene Test"]}')).passed


@pytest.mark.parametrize(
    ("reply", "category"),
    [
        ("no json at all", "invalid answer"),
        ('{"columns": ["GRE Score", "LOR "], "methods": ["t-test"]}', "invalid answer"),
        (
            '{"columns": ["GRE"], "methods": ["Mood Variance Test", "Levene Test"]}',
            "column selection error",
        ),
        (
            '{"columns": ["GRE Score", "LOR "], "methods": ["Bartlett Test"]}',
            "statistical task confusion",
        ),
        ('{"columns": ["GRE Score", "LOR "], "methods": ["Levene Test"]}', "applicability error"),
        ('{"columns": ["GRE"], "methods": ["Levene Test"]}', "mixed error"),
        (RIGHT, None),
    ],
)
def test_error_categories(reply: str, category: str | None) -> None:
    assert statqa.score_reply(GOLD, reply, "official").metadata["error_category"] == category


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({}, "give ground_truth"),
        ({"ground_truth": GOLD, "columns": ["a"]}, "not both"),
        ({"ground_truth": "not json"}, "JSON object string"),
        ({"ground_truth": '{"columns": "a", "methods": ["Mean"]}'}, "JSON object string"),
        ({"columns": ["a"], "methods": ["Meen"]}, "not StatQA methods"),
        ({"columns": [], "methods": ["Mean"]}, "non-empty list"),
        ({"columns": ["a"]}, "give ground_truth"),
    ],
)
def test_bad_arguments_are_collection_errors(args: dict[str, object], message: str) -> None:
    with pytest.raises(BadScorerArguments, match=message):
        ScorerRegistry().build("statqa/answer", args)
