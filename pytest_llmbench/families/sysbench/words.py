"""SysBench program checkers for sentences, English words and where emoji stand.

Sentences are cut by ``reply_text.sentences`` (。！？!?…, a full stop before a space, a line
break; a list marker such as "1." stays with its sentence, a trailing emoji with the sentence
before it), so "1. 泡茶。2. 喝茶。" is two sentences that both start with a digit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import regex  # type: ignore[import-untyped,unused-ignore]

from pytest_llmbench.scorers.matching import quote, quote_all

from . import reply_text as t
from .check_args import bounds, counted, flag

CheckFn = Callable[[str], tuple[bool, str]]
# What may precede a sentence's first character: space, markdown emphasis, headings, quotes,
# bullets ("- ", "• ").
_LEAD = regex.compile(r"^(?:[\s*_#>`\"'“‘「『•·]|-\s)+")
_STARTS_WITH_DIGIT = regex.compile(r"\p{N}")


def sentence_count(args: Any, name: str) -> CheckFn:
    b = bounds(args, name)
    return lambda reply: counted(len(t.sentences(reply)), b, "sentences")


def sentences_start_with_digit(args: Any, name: str) -> CheckFn:
    """Every sentence starts with a digit (0-9, full-width, or ①-style numbers)."""
    flag(args, name)

    def check(reply: str) -> tuple[bool, str]:
        found = t.sentences(reply)
        if not found:
            return False, "no sentences"
        bad = [s for s in found if not _STARTS_WITH_DIGIT.match(_LEAD.sub("", s))]
        if not bad:
            return True, f"all {len(found)} sentences start with a digit"
        return False, f"{len(bad)} of {len(found)} sentences do not start with a digit: " + quote(
            bad[0]
        )

    return check


def english_word_count(args: Any, name: str) -> CheckFn:
    """Words in Latin letters ("don't" and "well-known" are one word each; digits are not)."""
    b = bounds(args, name)

    def check(reply: str) -> tuple[bool, str]:
        found = t.english_words(reply)
        ok, why = counted(len(found), b, "English words")
        return ok, why + (f" ({quote_all(found, 8)})" if found and not ok else "")

    return check


def last_word_english(args: Any, name: str) -> CheckFn:
    """The last word (after any final punctuation, emoji or markdown) is in Latin letters."""
    flag(args, name)

    def check(reply: str) -> tuple[bool, str]:
        tokens = t.word_tokens(reply)
        if not tokens:
            return False, "the reply has no words"
        last = tokens[-1]
        if t.english_words(last) == [last]:
            return True, f"last word {quote(last)} is an English word"
        return False, f"last word {quote(last)} is not an English word"

    return check


def emoji_not_adjacent(args: Any, name: str) -> CheckFn:
    """No two emoji stand next to each other (only whitespace between them counts as next to)."""
    flag(args, name)

    def check(reply: str) -> tuple[bool, str]:
        prev_emoji = False
        cs = [c for c in t.clusters(reply) if not c.isspace()]
        for i, c in enumerate(cs):
            now = t.is_emoji(c)
            if now and prev_emoji:
                return False, f"emoji side by side: {cs[i - 1]}{c}"
            prev_emoji = now
        return True, "no two emoji side by side"

    return check


WORD_CHECKS = {
    "sentence_count": sentence_count,
    "sentences_start_with_digit": sentences_start_with_digit,
    "english_word_count": english_word_count,
    "last_word_english": last_word_english,
    "emoji_not_adjacent": emoji_not_adjacent,
}
