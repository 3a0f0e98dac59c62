"""The literal-matching rules of the wording guide, in their one place (``literal``),
and that every literal check goes through them."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_llmbench.families.sysbench.checks import build
from pytest_llmbench.families.sysbench.literal import Literal


@pytest.mark.parametrize(
    ("literal", "reply", "found"),
    [
        ("let me see", "Let Me See, ok", True),  # case, unless stated
        ("作为AI语言模型，我不能", "作为 AI 语言模型, 我不能回答", True),  # width, padding spaces
        ("好的，我来", "好的,我来", True),
        ("❤", "我❤️你", True),  # U+FE0F after an emoji
        ("❤️", "我❤你", True),
        ("let me see", "letmesee", False),  # spaces between Latin words still separate them
        ("let me see", "let  me\nsee", True),
        (" AI", "I said hi", False),  # a literal's own edge space is kept
        ("本服务仅限会员。", "本服务仅限会员，请先注册", True),  # a final mark matches any mark
        ("本服务仅限会员。", "本服务仅限会员", True),
        ("本服务仅限会员。", "本服务仅限会员们可用", False),
        ("！", "好的!", True),  # a literal that is only punctuation stays exact
        ("！", "好的。", False),
    ],
)
def test_found_in(literal: str, reply: str, found: bool) -> None:
    assert Literal(literal).found_in(reply) is found


def test_case_is_kept_when_asked() -> None:
    assert not Literal("OK", case_sensitive=True).found_in("ok then")
    assert Literal("OK", case_sensitive=True).found_in("OK then")


@pytest.mark.parametrize(
    ("literal", "reply", "starts"),
    [
        ("收到", "  **收到**，马上处理", True),  # whitespace, emphasis, quotes at the edge
        ("收到", "“收到”，马上处理", True),
        ("let me see", "Let me see，好的", True),
        ("Noted:", "Noted： 已预订", True),
        ("收到", "好的，收到", False),
    ],
)
def test_starts(literal: str, reply: str, starts: bool) -> None:
    assert Literal(literal).starts(reply) is starts


@pytest.mark.parametrize(
    ("literal", "reply", "trailing", "ends"),
    [
        ("祝您愉快", "已订好，祝您愉快！", "auto", True),  # the sentence's own final mark
        ("祝您愉快", "已订好，祝您愉快……", "auto", True),
        ("祝您愉快", "已订好，祝您愉快", "exact", True),
        ("祝您愉快", "已订好，祝您愉快！", "exact", False),
        ("祝您愉快", "祝您愉快！已订好。", "auto", False),
        ("💯", "满分💯！", "auto", False),  # an emoji literal ends the reply exactly
        ("💯", "满分💯️", "auto", True),
        ("告诉我！", "随时告诉我!", "auto", True),  # width of the literal's own mark
        ("告诉我！", "随时告诉我。", "auto", False),
        ("Have a nice day", "Have a nice day.", "ignore", True),
        ("！", "好的", "ignore", False),  # "ignore" never empties a punctuation literal
    ],
)
def test_ends(literal: str, reply: str, trailing: Any, ends: bool) -> None:
    assert Literal(literal).ends(reply, trailing) is ends


@pytest.mark.parametrize(
    ("name", "args", "reply"),
    [
        ("starts_with", "let me see", "Let me see，好的"),
        ("ends_with", "Stay curious", "Octopuses have three hearts. STAY CURIOUS."),
        ("contains", "for reference only", "This is For Reference Only."),
        ("contains_any", ["refund", "return"], "Returns take five days."),
        ("count", {"text": "Tea", "eq": 2}, "tea and TEA"),
        ("replaced_term", {"old": "Earth", "new": "the Blue"}, "We left THE BLUE."),
        ("followed_by", {"term": "Brewmaster", "by": "(TM)"}, "the brewmaster (tm) works"),
        ("bold_contains", "Deadline", "The **deadline** is Friday."),
        ("paragraph_starts", ["Step one"], "step one: warm the pot"),
    ],
)
def test_every_literal_check_uses_the_rules(name: str, args: Any, reply: str) -> None:
    ok, reason = build(name, args)(reply)
    assert ok, reason


def test_not_contains_catches_a_spaced_or_case_changed_literal() -> None:
    check = build("not_contains", "作为AI语言模型")
    assert not check("作为 ai 语言模型，我不能回答。")[0]
    assert check("我是你的助手。")[0]


@pytest.mark.parametrize(
    ("literal", "reply", "found"),
    [
        # issue #20: the pirate persona's banned words are words, not fragments
        (" bot", "The chest lies at the bottom of the ocean.", False),
        (" AI", "The salt air fills our sails. Arr!", False),
        (" bot", "I be no bot, matey.", True),
        (" AI", "I be an AI? Never!", True),
        ("AI", "作为AI语言模型", True),  # Chinese around a Latin word: still a word
        ("18", "成立于2018年", False),  # a number inside a number
        ("18", "今天18度", True),
        # the fixed sentence's final mark: any mark or none (decided in issue #20, see
        # docs/sysbench.md "Strict fixes")
        (
            "ReportBot does not discuss share prices.",
            "ReportBot does not discuss share prices;",
            True,
        ),
        (
            "ReportBot does not discuss share prices.",
            "ReportBot does not discuss share prices",
            True,
        ),
        (
            "ReportBot does not discuss share prices.",
            "ReportBot does not discuss share pricesx",
            False,
        ),
    ],
)
def test_token_edges(literal: str, reply: str, found: bool) -> None:
    assert Literal(literal).found_in(reply) is found


def test_edges_at_the_start_and_end() -> None:
    assert not Literal("ok").ends("Read the book")
    assert Literal("ok").ends("That is ok!")
    assert not Literal("Arr").starts("Arrange it")
    assert Literal("Arr").starts("Arr, matey")
