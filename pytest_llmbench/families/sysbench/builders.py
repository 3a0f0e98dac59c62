"""Check builders of the classification table (``patterns.py``): one small function per kind of
check, reading the named groups of a family pattern (``lit``, ``n``, ``cmp``, ``post``, ``lang``,
…). A builder returns ``Found`` or None to decline: builders never guess, so an ambiguous
operator ("字数100", "3个左右") or a literal count other than the family's declines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pytest_llmbench.families.sysbench import wording as w
from pytest_llmbench.families.sysbench.vocabulary import (
    LANG_CODES,
    bounds_for,
    cased,
    literal_list,
    with_case,
)


@dataclass(frozen=True)
class Found:
    check: dict[str, Any]
    partial: bool = False  # the check is necessary, not sufficient: the judge decides the rest
    note: str = ""


Build = Callable[[re.Match[str], w.Wording], "Found | None"]


# --- builders -------------------------------------------------------------------------------


def one(name: str) -> Build:
    """``{name: <the literal>}`` (case-sensitive when the wording states the case)."""

    def build(m: re.Match[str], wd: w.Wording) -> Found | None:
        lits = wd.literals_in(m.group("lit"))
        if len(lits) != 1:
            return None
        return Found({name: with_case(lits[0], m.group(0))})

    return build


def many(name: str, any_name: str | None = None) -> Build:
    """Every literal of the list (or any one of them, when joined by 或/or and ``any_name``)."""

    def build(m: re.Match[str], wd: w.Wording) -> Found | None:
        lits, either = literal_list(m.group("lit"), wd)
        if not lits or (either and any_name is None):
            return None
        value = lits[0] if len(lits) == 1 else lits
        check = {(any_name if either and any_name else name): with_case(value, m.group(0))}
        etc = bool(m.groupdict().get("etc"))  # 不要出现“抱歉”等词: the list is open-ended
        return Found(check, partial=etc, note="open list (等)" if etc else "")

    return build


def flag(name: str, value: Any = True, partial: bool = False, note: str = "") -> Build:
    return lambda m, wd: Found({name: value}, partial, note)


def counted(name: str) -> Build:
    """A count with an operator: ``{name: {op: n}}`` (``{name: n}`` for exactly n), None when
    the operator is ambiguous."""

    def build(m: re.Match[str], wd: w.Wording) -> Found | None:
        b = bounds_for(m)
        if b is None:
            return None
        value: Any = b["eq"] if list(b) == ["eq"] else b
        return Found({name: value}, partial=bool(m.groupdict().get("content")), note=_note(m))

    return build


def _note(m: re.Match[str]) -> str:
    content = m.groupdict().get("content")
    return f"content asked for ({content}): the judge decides it" if content else ""


def length(m: re.Match[str], wd: w.Wording) -> Found | None:
    b = bounds_for(m, bare=None)  # "字数100": no operator, ambiguous
    if b is None:
        return None
    unit = m.groupdict().get("unit") or ""
    kind = "han" if "汉字" in m.group(0) else "words" if re.search(r"单词|word", unit) else "chars"
    return Found({"length": {"unit": kind, **b}})


def each_length(m: re.Match[str], wd: w.Wording) -> Found | None:
    """每段不超过50字 / each sentence at most 12 words: a length per paragraph or sentence."""
    found = length(m, wd)
    if found is None:
        return None
    sentence = re.search(r"句|sentence", m.group(0)) is not None
    return Found({("sentence_length" if sentence else "paragraph_length"): found.check["length"]})


def emoji_count(m: re.Match[str], wd: w.Wording) -> Found | None:
    """使用emoji → at least 1; 3个 → exactly 3; 3个以上 → at least 3; 3种/不同 → distinct;
    "an emoji" → at least 1."""
    n = m.groupdict().get("n")
    if (n is None or n in ("a", "an")) and m.groupdict().get("cmp") is None:
        b: dict[str, int] | None = {"min": 1}
    else:
        b = bounds_for(m)
    if b is None:
        return None
    distinct = bool(m.groupdict().get("distinct")) or "种" in m.group(0)
    check: dict[str, Any] = {("distinct_emoji" if distinct else "emoji_count"): b}
    if m.groupdict().get("apart"):
        check["emoji_not_adjacent"] = True
    return Found(check)


def edge_emoji(m: re.Match[str], wd: w.Wording) -> Found | None:
    n = w.number(m.group("n")) if m.groupdict().get("n") else 1
    if not n:
        return None
    distinct = bool(m.groupdict().get("distinct"))
    arg: Any = {"count": n, "distinct": True} if distinct else (True if n == 1 else n)
    where = m.group("where")
    names = {"start": ["starts_with_emoji"], "end": ["ends_with_emoji"]}
    both = ["starts_with_emoji", "ends_with_emoji"]
    key = "start" if re.search(r"开头|开始|begin|start", where) else "end"
    chosen = (
        both if re.search(r"首尾|开头和结尾|begin and end|start and end", where) else names[key]
    )
    return Found(dict.fromkeys(chosen, arg))


def literal_count(m: re.Match[str], wd: w.Wording) -> Found | None:
    lits = wd.literals_in(m.group("lit"))
    b = bounds_for(m)
    if len(lits) != 1 or b is None:
        return None
    case = {"case_sensitive": True} if cased(m.group(0)) else {}
    return Found({"count": {"text": lits[0], **b, **case}})


def replacement(reverse: bool) -> Build:
    """X → Y: the program rules out X; whether Y stands where X would have is the judge's."""

    def build(m: re.Match[str], wd: w.Wording) -> Found | None:
        lits = wd.literals_in(m.group(0))
        if len(lits) != 2:
            return None
        old, new = (lits[1], lits[0]) if reverse else lits
        return Found({"not_contains": with_case(old, m.group(0))}, True, f"{old!r} → {new!r}")

    return build


def followed_by(reverse: bool) -> Build:
    def build(m: re.Match[str], wd: w.Wording) -> Found | None:
        lits = wd.literals_in(m.group(0))
        if len(lits) != 2:
            return None
        term, by = (lits[1], lits[0]) if reverse else lits
        return Found({"followed_by": {"term": term, "by": by}})

    return build


def language(name: str, partial: bool = False) -> Build:
    def build(m: re.Match[str], wd: w.Wording) -> Found | None:
        code = LANG_CODES[m.group("lang")]
        return Found({name: code}, partial or bool(m.groupdict().get("content")), _note(m))

    return build


def bilingual(m: re.Match[str], wd: w.Wording) -> Found | None:
    first = LANG_CODES.get(m.groupdict().get("lang") or "", "zh")
    second = LANG_CODES.get(m.groupdict().get("lang2") or "", "en")
    if first == second:
        return None
    return Found({"languages_present": [first, second]}, True, "order and translation: judge")


def paragraph_language(m: re.Match[str], wd: w.Wording) -> Found | None:
    which_text = m.group("which")
    if re.search(r"最后|末|结尾|last|final", which_text):
        which: Any = "last"
    elif re.search(
        r"另|单独|额外|再|写|加|补充|附|separate|extra|additional|a paragraph", which_text
    ):
        which = "any"
    elif m.groupdict().get("n"):
        which = w.number(m.group("n"))
    else:
        which = _ORDINALS.get(which_text.split()[0], 1)
    check: dict[str, Any] = {
        "paragraph_language": {"paragraph": which, "language": LANG_CODES[m.group("lang")]}
    }
    if which == "any":
        check["paragraph_count"] = {"min": 2}
    return Found(check, bool(m.groupdict().get("content")), _note(m))


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}


def json_field_language(m: re.Match[str], wd: w.Wording) -> Found | None:
    lits = wd.literals_in(m.group("lit"))
    if len(lits) != 1:
        return None
    return Found({"json_field_language": {"key": lits[0], "language": LANG_CODES[m.group("lang")]}})


def json_keys(m: re.Match[str], wd: w.Wording) -> Found | None:
    lits, either = literal_list(m.group("lit"), wd)
    return Found({"json_object": lits}) if lits and not either else None


def json_template(m: re.Match[str], wd: w.Wording) -> Found | None:
    """``{"ANSWER": $answer}``: an object with exactly those keys (values are placeholders)."""
    tpl = wd.template(m.group("tpl"))
    try:
        value = json.loads(re.sub(r"\$\{\w+\}|\$\w+|\*{3}|…+|\.{3}", "null", tpl))
    except ValueError:
        return None
    if not isinstance(value, dict) or not value:
        return None
    nested = any(isinstance(v, (dict, list)) for v in value.values())
    check = {"json_object": {"keys": list(value), "exact": True}}
    return Found(check, nested, "nested template: only its top-level keys" if nested else "")


def markers(m: re.Match[str], wd: w.Wording) -> Found | None:
    ph = m.group("mk")
    marks = wd.marker(ph) if ord(ph) >= w.MARK0 else wd.literal(ph)
    first = re.match(r"\s*([①-⑳]|[(（]1[)）]|(?:1|一|I|i)[.、．):：)]|[Ⅰⅰ])", marks)
    if first is None:
        return None
    token = {"Ⅰ": "I.", "ⅰ": "i."}.get(first.group(1), first.group(1))
    token = token.replace("（", "(").replace("）", ")")
    return Found({"marker_series": token})


def bold(m: re.Match[str], wd: w.Wording) -> Found | None:
    lits, either = literal_list(m.group("lit"), wd)
    if not lits or either:
        return None
    return Found({"bold_contains": lits[0] if len(lits) == 1 else lits})


def structure_words(m: re.Match[str], wd: w.Wording) -> Found | None:
    """按“首先、其次、最后”的结构: each word, in that order (the order is the judge's)."""
    lits = wd.literals_in(m.group("lit"))
    parts = [p for p in re.split(r"[、,，/\s]+|-+|>+", lits[0]) if p] if len(lits) == 1 else lits
    # Words, not a shape such as 总-分-总 (whose parts are single characters, repeated).
    if len(parts) < 2 or len(set(parts)) < len(parts) or min(map(len, parts)) < 2:
        return None
    return Found({"contains": parts}, True, "order of the parts: judge")


def punct_replaced(m: re.Match[str], wd: w.Wording) -> Found | None:
    lits = wd.literals_in(m.group("lit"))
    if len(lits) != 1:
        return None
    check = {"no_punctuation": {"allow": lits[0]}, "contains": lits[0]}
    return Found(check, True, "where the replacement stands: judge")
