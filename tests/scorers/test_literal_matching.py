"""Token-aware literal matching (``scorers/matching.py``): numbers never match inside numbers,
words in spaced scripts never inside words, CJK as characters, units only when asked."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_llmbench.scorers.matching import Needle
from pytest_llmbench.scoring.api import Message, ScorerContext
from pytest_llmbench.scoring.registry import ScorerRegistry

REGISTRY = ScorerRegistry()


def _run(name: str, args: Any, reply: str) -> bool:
    ctx = ScorerContext(
        messages=[Message("user", "q", turn=0), Message("assistant", reply, turn=0)], turn=0
    )
    return REGISTRY.build(name, args)(ctx).passed


@pytest.mark.parametrize(
    ("needle", "reply", "found"),
    [
        ("18", "It happened in 2018.", False),  # issue #20: a number inside a number
        ("18", "It is 18 °C in Paris.", True),
        ("18", "Paris: 18°C", True),
        ("18", "18.5 degrees", False),  # another number
        ("18", "We had 18,000 visitors", False),
        ("18", "about 18.", True),  # a full stop is not a decimal part
        ("18", "room A18", True),  # letters around a number do not make it another number
        (" bot", "at the bottom of the ocean", False),  # issue #20: fragments, not words
        (" bot", "I am a bot, arr", True),
        (" bot", "bot? Never.", True),  # the edge space only says "a word starts here"
        (" AI", "The salt air fills our sails", False),
        (" AI", "As an AI, I", True),
        ("AI", "作为AI语言模型", True),  # next to CJK a Latin word still stands alone
        ("世界", "你好世界", True),  # CJK: characters, no word edges
        ("会员", "会员们", True),
        ("Paris", "Parisian food", False),
        ("as an AI", "As an AI... sorry", False),  # case-sensitive by default
        ("e-mail", "send an e-mail now", True),
        ("?", "why?", True),  # punctuation-only needles stay plain substrings
    ],
)
def test_needle_found_in(needle: str, reply: str, found: bool) -> None:
    assert Needle(needle).found_in(reply) is found


@pytest.mark.parametrize(
    ("needle", "reply", "found"),
    [
        ("9 °C", "Oslo 9°C", True),  # issue #20: spacing and unit variants
        ("9 °C", "Oslo is about 9 degrees", True),
        ("9 °C", "Oslo 9 degrees Celsius", True),
        ("9 °C", "Oslo 9℃", True),
        ("9 °C", "Oslo 9 ° C", True),
        ("9 °C", "Oslo 9 °F", False),  # another unit
        ("9 °C", "Oslo 19 °C", False),
        ("50 %", "50 percent off", True),
        ("5 km", "5km away", True),
    ],
)
def test_units_normalised_when_asked(needle: str, reply: str, found: bool) -> None:
    assert Needle(needle, units=True).found_in(reply) is found
    if found and needle.replace(" ", "") not in reply.replace(" ", ""):
        assert not Needle(needle).found_in(reply)  # only when the argument says so


def test_generic_scorers_use_token_aware_matching() -> None:
    assert not _run("contains", "18", "Founded in 2018.")
    assert _run("contains", "18", "It is 18 degrees.")
    assert _run("not_contains", " bot", "at the bottom of the sea")
    assert not _run("not_contains", " bot", "I am a bot")
    assert _run("not_contains", "9 °C", "Oslo 9°C")  # no units: only the literal
    assert not _run("not_contains", {"text": "9 °C", "units": True}, "Oslo 9°C")
    assert not _run("not_contains", {"text": "9 °C", "units": True}, "Oslo is 9 degrees")
    assert _run("not_contains", {"text": "9 °C", "units": True}, "Oslo is 19 degrees")
    assert _run("contains", {"text": "9 °C", "units": True}, "Oslo 9 degrees")


def test_affixes_respect_token_edges() -> None:
    assert not _run("starts_with", "Hello", "Helloween is coming")
    assert _run("starts_with", "Hello", "Hello, world")
    assert not _run("ends_with", "ok", "Read the book")
    assert _run("ends_with", "ok", "That is ok")
    assert _run("ends_with", "!", "Great!")  # punctuation affixes stay plain
