"""HotpotQA normalisation, EM/F1 and the project's answer extraction (spec §5)."""

from __future__ import annotations

import pytest

from pytest_llmbench.families.distractors.metrics import (
    extract_answer,
    normalize_answer,
    score_answer,
    score_reply,
)

# --- normalisation (§5.2) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "official"),
    [
        ("The Eiffel Tower", "eiffel tower"),  # case, leading article
        ("a man, an apple and the end", "man apple and end"),  # every whole-word article
        ("Theatre another", "theatre another"),  # articles only as whole words
        ("3,677", "3677"),  # punctuation is deleted, not replaced by a space
        ("1986-2013", "19862013"),
        ("  many \t spaces\n here ", "many spaces here"),
        ('"Quoted!" (yes)', "quoted yes"),
        ("24 January 76 – 10 July 138", "24 january 76 – 10 july 138"),  # en dash kept
        ("“Curly”", "“curly”"),  # curly quotes are not ASCII punctuation
        ("**Paris**", "paris"),
        ("", ""),
    ],
)
def test_official_normalisation(text: str, official: str) -> None:
    assert normalize_answer(text) == official


def test_articles_are_removed_after_punctuation() -> None:
    # "the-end" loses its hyphen first and becomes one token, which is not an article
    assert normalize_answer("the-end") == "theend"
    assert normalize_answer("The. End") == "end"


def test_strict_normalisation_removes_unicode_punctuation() -> None:
    assert normalize_answer("24 January 76 – 10 July 138", "strict") == "24 january 76 10 july 138"
    assert normalize_answer("“Curly” ‘quotes’", "strict") == "curly quotes"
    assert normalize_answer("ﬁve", "strict") == "five"  # NFKC folds the ligature
    assert normalize_answer("ﬁve") == "ﬁve"


def test_unknown_mode_is_an_error() -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        normalize_answer("x", "lenient")


# --- EM and F1 (§5.3) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pred", "gold", "em", "f1"),
    [
        ("Paris", "paris", 1.0, 1.0),
        ("the Paris", "Paris", 1.0, 1.0),
        ("3677", "3,677", 1.0, 1.0),
        ("October 7, 1978", "7 October 1978", 0.0, 1.0),  # order matters for EM only
        ("2002 to 2009", "from 1986 to 2013", 0.0, 2 / 7),  # spec: 0.286
        ("85 countries", "more than 70 countries", 0.0, 1 / 3),  # spec: 0.333
        ("Lyon", "Paris", 0.0, 0.0),
        ("Paris Paris", "Paris", 0.0, 2 / 3),  # multiset intersection: one common token
        ("", "Paris", 0.0, 0.0),
    ],
)
def test_em_and_f1(pred: str, gold: str, em: float, f1: float) -> None:
    s = score_answer(pred, gold)
    assert s.em == em
    assert s.f1 == pytest.approx(f1)


def test_precision_and_recall() -> None:
    s = score_answer("2002 to 2009", "from 1986 to 2013")
    assert (s.precision, s.recall) == pytest.approx((1 / 3, 1 / 4))


@pytest.mark.parametrize(
    ("pred", "gold", "em", "f1"),
    [
        ("yes", "yes", 1.0, 1.0),
        ("Yes.", "yes", 1.0, 1.0),
        ("no", "yes", 0.0, 0.0),
        ("yes it is", "yes", 0.0, 0.0),  # gold is special and differs: no partial credit
        ("yes", "yes it is", 0.0, 0.0),  # prediction is special and differs
        ("noanswer", "no answer", 0.0, 0.0),
        ("no answer", "no answer", 1.0, 1.0),  # "no answer" itself is not special
    ],
)
def test_yes_no_rule(pred: str, gold: str, em: float, f1: float) -> None:
    s = score_answer(pred, gold)
    assert (s.em, s.f1) == (em, pytest.approx(f1))
    if f1 == 0:
        assert (s.precision, s.recall) == (0.0, 0.0)


def test_both_empty_differs_between_modes() -> None:
    official, strict = score_answer("the", "..."), score_answer("the", "...", "strict")
    assert (official.em, official.f1) == (1.0, 0.0)  # HotpotQA: equal strings, no tokens
    assert (strict.em, strict.f1) == (0.0, 0.0)


def test_strict_mode_matches_through_unicode_punctuation() -> None:
    gold = "24 January 76 – 10 July 138"
    assert score_answer("24 January 76 - 10 July 138", gold).em == 0.0
    assert score_answer("24 January 76 - 10 July 138", gold, "strict").em == 1.0


# --- answer extraction (§5.1) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "extracted", "label"),
    [
        ("Final Answer: Paris", "Paris", True),
        ("Sub-question 1: ...\nAnswer 1: x.\nFinal Answer: Paris\n", "Paris", True),
        ("final answer:   Paris  \nThanks!", "Paris", True),  # case-insensitive, to end of line
        ("Final Answer: Lyon\nNo wait.\nFINAL ANSWER: Paris", "Paris", True),  # the last label
        ("**Final answer:** Paris", "** Paris", True),
        ("**Final Answer**: Paris", "**Final Answer**: Paris", False),  # label not matched
        ("Final Answer:\nParis", "", True),  # label then line break: empty answer
        ("  Paris  ", "Paris", False),
        ("", "", False),
    ],
)
def test_extraction(reply: str, extracted: str, label: bool) -> None:
    ex = extract_answer(reply)
    assert (ex.text, ex.label_found) == (extracted, label)


def test_markdown_label_scores_after_normalisation() -> None:
    assert score_reply("**Final answer:** Paris", "Paris")["em"] == 1.0
    fallback = score_reply("**Final Answer**: Paris", "Paris")
    assert fallback["extraction"] == "fallback"
    assert fallback["f1"] == pytest.approx(0.5)  # "final answer paris" vs "paris": P 1/3, R 1


def test_label_followed_by_line_break_scores_zero() -> None:
    s = score_reply("Final Answer:\nParis", "Paris")
    assert (s["em"], s["f1"], s["extracted"]) == (0.0, 0.0, "")


def test_long_reply_without_label_has_low_precision() -> None:
    reply = "Having read every paragraph carefully, I believe the town is Paris in the end."
    s = score_reply(reply, "Paris")
    assert s["recall"] == 1.0
    assert s["precision"] < 0.2
    assert s["f1"] < 0.5
