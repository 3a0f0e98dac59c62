"""Text helpers and factory argument checks shared by the generic and the family scorers (public).

Everything here is pure and total: no helper raises on any reply text (empty, huge, odd unicode).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import regex  # type: ignore[import-untyped,unused-ignore]

QUOTE_LIMIT = 80

# Han ideographs (with extensions and compatibility forms) and Japanese kana: scripts written
# without spaces, so each character counts as one word.  Hangul is written with spaces between
# words, so Korean is counted like English.
_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
_TOKEN = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")


# --- text -------------------------------------------------------------------------------------


def fold(s: str, case_sensitive: bool) -> str:
    """``s`` unchanged, or case-folded for case-insensitive comparison."""
    return s if case_sensitive else s.casefold()


def prepare(s: str, *, case_sensitive: bool, strip: bool = False) -> str:
    """``s`` optionally stripped of surrounding whitespace and case-folded."""
    return fold(s.strip() if strip else s, case_sensitive)


def normalize_ws(s: str) -> str:
    """Runs of whitespace collapsed to one space, ends stripped."""
    return " ".join(s.split())


def words(s: str) -> list[str]:
    """The words of ``s``: whitespace-separated tokens, except each CJK character is one word.

    Tokens without any letter or digit (stray punctuation such as ``-`` or ``，``) are not words.
    """
    return [t for t in _TOKEN.findall(s) if any(ch.isalnum() for ch in t)]


def word_count(s: str) -> int:
    return len(words(s))


def char_count(s: str) -> int:
    """Every character counts, whitespace included (``len`` of the string)."""
    return len(s)


def truncate(s: str, limit: int = QUOTE_LIMIT) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"


def quote(s: str, limit: int = QUOTE_LIMIT) -> str:
    """A one-line quotation of at most ``limit`` characters of ``s`` (for reasons)."""
    return repr(truncate(s, limit))


def quote_tail(s: str, limit: int = QUOTE_LIMIT) -> str:
    """Like ``quote`` but keeps the end of ``s``."""
    return repr(s if len(s) <= limit else "…" + s[-(limit - 1) :])


def quote_all(texts: Iterable[str], most: int = 5) -> str:
    """Up to ``most`` quoted items (each at most 40 characters), then how many were left out."""
    items = list(texts)
    shown = ", ".join(quote(t, 40) for t in items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def case_note(case_sensitive: bool) -> str:
    return "" if case_sensitive else " (ignoring case)"


# --- literal matching -------------------------------------------------------------------------
#
# A literal in a scenario ("18", " bot", "as an AI", "会员") means a token of the reply, not any
# run of characters: a number never matches inside another number ("18" is not in "2018" nor in
# "18.5" or "18,000"), a word of a script written with spaces (Latin, Cyrillic, Greek, Hangul)
# never inside another word ("bot" is not in "bottom", "AI" not in "air"; a plural ending is
# allowed: "bot" is in "bots"), while Chinese and Japanese, written without spaces, match
# character by character ("会员" is in "会员们").  Space at a literal's edge next to a letter or
# digit only says "a word starts here", so " bot" also matches "bot?" at the start of a reply.
# Literals made only of punctuation stay plain substrings.  The SysBench literal rules
# (families/sysbench/literal.py) use the same edges.

_SPACED = r"\p{Latin}\p{Cyrillic}\p{Greek}\p{Hangul}"
_SPACED_LETTER = regex.compile(f"[{_SPACED}]")
_DIGIT = regex.compile(r"\p{Nd}")


def edge_before(ch: str) -> str:
    """A lookbehind keeping a literal that starts with ``ch`` from starting inside a token."""
    if _DIGIT.match(ch):
        return r"(?<!\p{Nd}|\p{Nd}[.,])"
    if _SPACED_LETTER.match(ch):
        return f"(?<![{_SPACED}\\p{{Nd}}])"
    return ""


def edge_after(ch: str) -> str:
    """A lookahead keeping a literal that ends with ``ch`` from ending inside a token; a word
    may carry a plural ending ("return" is in "Returns", "bot" in "bots", not in "bottom")."""
    if _DIGIT.match(ch):
        return r"(?!\p{Nd}|[.,]\p{Nd})"
    if _SPACED_LETTER.match(ch):
        return f"(?:e?s)?(?![{_SPACED}\\p{{Nd}}])"
    return ""


def is_word_char(ch: str) -> bool:
    """A letter of a spaced script or a digit: the characters whose neighbours make a token."""
    return bool(_DIGIT.match(ch) or _SPACED_LETTER.match(ch))


_CLITIC = regex.compile(r"n['’]t", regex.IGNORECASE)


def is_clitic(text: str) -> bool:
    """``n't`` is a word ending written as a literal (a "no contractions" rule): it may follow a
    letter, so it gets no start edge."""
    return _CLITIC.match(text) is not None


def strip_word_edges(text: str) -> str:
    """``text`` without the whitespace at an edge next to a word character (see above)."""
    core = text.strip()
    if not core:
        return text
    out = text.lstrip() if is_word_char(core[0]) else text
    return out.rstrip() if is_word_char(core[-1]) else out


# Unit spellings folded to one form when a scorer argument asks for it (``units: true``):
# "9 °C", "9°C", "9 ° C", "9℃", "9 degrees", "9 degrees Celsius" are all "9°C" or "9°", and a
# bare degree sign matches either unit; "50 %" and "50 percent" are "50%"; "5 km" is "5km".
_DEGREES = regex.compile(
    r"(\p{Nd})\s*(?:°|º|˚|\bdeg(?:rees?)?\b\.?)\s*"
    r"(celsius|centigrade|fahrenheit|c|f)?(?![\p{L}])",
    regex.IGNORECASE,
)
_PERCENT = regex.compile(r"(\p{Nd})\s*(?:%|\bper\s?cent\b)", regex.IGNORECASE)
_UNIT = regex.compile(
    r"(\p{Nd})\s+(km/h|km|kg|cm|mm|mg|ml|mph|kb|mb|gb|tb|m|g|l|h|min|s|ms)(?![\p{L}])",
    regex.IGNORECASE,
)


def _degree(m: Any) -> str:
    unit = (m.group(2) or "")[:1].upper()
    return f"{m.group(1)}°{'C' if unit == 'C' else 'F' if unit == 'F' else ''}"


def canon_units(text: str) -> str:
    """``text`` with unit spellings folded (NFKC first: ℃ is °C)."""
    out: str = _DEGREES.sub(_degree, unicodedata.normalize("NFKC", text))
    out = _PERCENT.sub(r"\1%", out)
    out = _UNIT.sub(lambda m: m.group(1) + m.group(2).lower(), out)
    return out


def literal_regex(text: str, case_sensitive: bool = True, units: bool = False) -> str:
    """The pattern (for ``regex``) matching ``text`` as a token-aware literal in a reply folded
    the same way (``fold``, then ``canon_units`` if ``units``)."""
    raw = canon_units(text) if units else text
    body = fold(strip_word_edges(raw), case_sensitive)
    if not body:
        return r"(?!)"
    before = "" if is_clitic(body) else edge_before(body[0])
    parts = []
    for chunk in regex.split(r"(\s+)", body):
        if not chunk:
            continue
        parts.append(r"\s+" if chunk.isspace() else regex.escape(chunk))
    core = "".join(parts)
    if units:  # a bare degree sign in the reply stands for either unit
        core = core.replace("°c", "°c?").replace("°f", "°f?").replace("°C", "°C?")
        core = core.replace("°F", "°F?")
    return before + core + edge_after(body[-1])


@dataclass(frozen=True)
class Needle:
    """A scenario literal compiled once for token-aware search (see the rules above)."""

    text: str
    case_sensitive: bool = True
    units: bool = False
    _rx: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rx = regex.compile(literal_regex(self.text, self.case_sensitive, self.units))
        object.__setattr__(self, "_rx", rx)

    def _hay(self, reply: str) -> str:
        return fold(canon_units(reply) if self.units else reply, self.case_sensitive)

    def found_in(self, reply: str) -> bool:
        return self._rx.search(self._hay(reply)) is not None

    def count(self, reply: str) -> int:
        return sum(1 for _ in self._rx.finditer(self._hay(reply)))

    def starts(self, reply: str) -> list[int]:
        """Where the matches start (positions in ``reply`` when ``units`` is off; case folding
        keeps positions except for rare expanding letters such as ß)."""
        return [m.start() for m in self._rx.finditer(self._hay(reply))]


def unit_note(units: bool) -> str:
    return " (unit spellings folded)" if units else ""


# --- factory argument checks ------------------------------------------------------------------


def check_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be true or false, got {value!r}")
    return value


def check_str(value: object, name: str, *, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__} {value!r}")
    if not allow_empty and not value:
        raise ValueError(f"{name} must not be empty")
    return value


def check_str_list(value: object, name: str, *, allow_empty: bool = True) -> tuple[str, ...]:
    """A non-empty list of strings (each non-empty unless ``allow_empty``)."""
    if not isinstance(value, (list, tuple)) or not value:
        raise TypeError(f"{name} must be a non-empty list of strings, got {value!r}")
    return tuple(check_str(v, f"each item of {name}", allow_empty=allow_empty) for v in value)


def check_texts(value: object, name: str) -> tuple[str, ...]:
    """A non-empty string or a non-empty list of non-empty strings."""
    if isinstance(value, str):
        return (check_str(value, name, allow_empty=False),)
    if isinstance(value, (list, tuple)):
        return check_str_list(value, name, allow_empty=False)
    raise TypeError(f"{name} must be a string or a list of strings, got {value!r}")


def check_count(value: object, name: str) -> int:
    """A non-negative int (``bool`` is rejected although it is an ``int`` subclass)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a non-negative integer, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value}")
    return value
