"""Text helpers and factory argument checks shared by the generic and the family scorers (public).

Everything here is pure and total: no helper raises on any reply text (empty, huge, odd unicode).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
