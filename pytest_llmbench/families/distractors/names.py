"""Invented names for generated items: people, places and things no model has read about.

Names are built from random syllables, so a question about them cannot be answered from memory;
every word is used at most once per generator run, so the gold answer, the bridge entity and the
distractor answers never share a token (a shared token would give a wrong answer partial F1).
"""

from __future__ import annotations

import random
import re

from .prompt import DEMO_NAMES

_ONSETS = (
    "b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "r", "s",
    "st", "t", "tr", "v", "w", "z", "th", "sh",
)  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ou")
_CODAS = ("", "", "", "n", "r", "l", "s", "m", "nd", "rn", "lt")
_PLACE_ENDS = ("mere", "by", "holt", "wick", "stead", "ford", "den", "moor", "thorpe", "vale")
_GIVEN_ENDS = ("a", "en", "o", "is", "ric", "ina", "el", "")
_FAMILY_ENDS = ("", "ley", "ard", "ov", "ini", "sen", "wright", "ecki")
# Pronounceable: no run of three consonants ("Thomtrerr") or vowels ("Cihaiini"), no tripled
# letter ("Nolllel").
_HARSH = re.compile(r"[^aeiouy]{3}|[aeiou]{3}|ii|uu|(.)\1\1")
# Tokens that would change meaning under HotpotQA normalisation or read as English words.
_AVOID = frozenset({"a", "an", "the", "yes", "no", "noanswer"}) | DEMO_NAMES


class NameMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.years: set[int] = set()

    def _syllable(self) -> str:
        r = self.rng
        return r.choice(_ONSETS) + r.choice(_VOWELS) + r.choice(_CODAS)

    def _word(self, ends: tuple[str, ...], syllables: int = 2) -> str:
        for _ in range(1000):
            stem = "".join(self._syllable() for _ in range(syllables))
            word = (stem + self.rng.choice(ends)).capitalize()
            key = word.lower()
            fresh = key not in self.used and key not in _AVOID
            if fresh and 4 <= len(word) <= 11 and not _HARSH.search(key):
                self.used.add(key)
                return word
        raise RuntimeError("ran out of invented names")  # pragma: no cover - 10^6 candidates

    def word(self) -> str:
        """A bare invented word (a river, a ship, the stem of a club name)."""
        return self._word(("",))

    def place(self) -> str:
        return self._word(_PLACE_ENDS, syllables=1 + self.rng.randrange(2))

    def person(self) -> str:
        return f"{self._word(_GIVEN_ENDS, 1 + self.rng.randrange(2))} {self._word(_FAMILY_ENDS)}"

    def year(self, lo: int, hi: int) -> int:
        """A year not used before in this item (different years never share a token)."""
        for _ in range(1000):
            y = self.rng.randint(lo, hi)
            if y not in self.years:
                self.years.add(y)
                return y
        raise RuntimeError(f"no unused year left in {lo}-{hi}")  # pragma: no cover

    def new_item(self) -> None:
        """Years are only kept distinct within an item; names stay unique for the whole run."""
        self.years.clear()
