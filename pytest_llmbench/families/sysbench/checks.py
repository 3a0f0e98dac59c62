"""The SysBench program checkers: one builder per recurring pattern of the spec (§9.2).

A check is written ``{name: args}`` in a constraint's ``check`` mapping; several checks in one
mapping must all hold. ``build(name, args)`` validates the arguments once and returns a function
``reply -> (ok, reason)``. Every literal is matched by ``literal`` (case, width,
variation selectors, whitespace: the wording guide's rules, in one place).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pytest_llmbench.scorers.matching import (
    check_count,
    quote,
    quote_all,
    quote_tail,
    word_count,
)

from . import reply_text as t
from .check_args import (
    BOUND_KEYS,
    Bounds,
    boolean,
    bounds,
    counted,
    flag,
    keywords,
    text,
    texts,
)
from .check_language import LANGUAGE_CHECKS
from .check_layout import LAYOUT_CHECKS
from .literal import Literal, Trailing, canon, literals
from .words import WORD_CHECKS

CheckFn = Callable[[str], tuple[bool, str]]
Builder = Callable[[Any, str], CheckFn]

UNITS: dict[str, Callable[[str], int]] = {
    "chars": lambda s: len(t.nfkc(s).strip()),  # every character, inner spaces included
    "han": t.han_count,  # Chinese characters only (汉字)
    "words": word_count,  # whitespace words; each CJK character is one word
}


def _length_parts(args: Any, name: str) -> tuple[Callable[[str], int], Bounds, str]:
    kw = keywords(args, name, "unit", {}, extra=BOUND_KEYS)
    unit = kw["unit"]
    if unit not in UNITS:
        raise ValueError(f"{name}.unit must be one of {', '.join(UNITS)}, got {unit!r}")
    label = {"chars": "characters", "han": "Chinese characters"}.get(unit, unit)
    return UNITS[unit], bounds(args, name, extra=("unit",)), label


def length(args: Any, name: str) -> CheckFn:
    count, b, label = _length_parts(args, name)
    return lambda reply: counted(count(reply), b, label)


def _each_length(split: Callable[[str], list[str]], part: str) -> Builder:
    """每段不超过50字: every paragraph (or sentence) within the bounds."""

    def build(args: Any, name: str) -> CheckFn:
        count, b, label = _length_parts(args, name)

        def check(reply: str) -> tuple[bool, str]:
            parts = split(reply)
            bad = [(i, count(p)) for i, p in enumerate(parts, 1) if not b.ok(count(p))]
            if parts and not bad:
                return True, f"every {part} has {b.describe()} {label}"
            if not parts:
                return False, f"no {part}s"
            i, got = bad[0]
            return False, f"{part} {i} has {got} {label}, expected {b.describe()}"

        return check

    return build


def _affix(start: bool) -> Builder:
    def build(args: Any, name: str) -> CheckFn:
        kw = keywords(args, name, "text", {"case_sensitive": False, "ignore_punctuation": None})
        cs = boolean(kw["case_sensitive"], "case_sensitive")
        loose = kw["ignore_punctuation"]
        trailing: Trailing = (
            "auto" if loose is None else "ignore" if boolean(loose, name) else "exact"
        )
        raw = text(kw["text"], f"{name}.text")
        lit = Literal(raw, cs)
        verb = "start" if start else "end"

        def check(reply: str) -> tuple[bool, str]:
            ok = lit.starts(reply) if start else lit.ends(reply, trailing)
            if ok:
                return True, f"{verb}s with {quote(raw)}"
            shown = quote(reply.strip()) if start else quote_tail(reply.strip())
            return False, f"expected to {verb} with {quote(raw)}, got {shown}"

        return check

    return build


def _needles(args: Any, name: str) -> tuple[Literal, ...]:
    kw = keywords(args, name, "text", {"case_sensitive": False})
    return literals(
        texts(kw["text"], f"{name}.text"), boolean(kw["case_sensitive"], "case_sensitive")
    )


def _found(reply: str, needles: tuple[Literal, ...]) -> list[str]:
    return [n.text for n in needles if n.found_in(reply)]


def contains(args: Any, name: str) -> CheckFn:
    needles = _needles(args, name)

    def check(reply: str) -> tuple[bool, str]:
        found = _found(reply, needles)
        missing = [n.text for n in needles if n.text not in found]
        if not missing:
            return True, f"contains {quote_all(found)}"
        return False, f"expected {quote_all(n.text for n in needles)}; missing {quote_all(missing)}"

    return check


def contains_any(args: Any, name: str) -> CheckFn:
    needles = _needles(args, name)

    def check(reply: str) -> tuple[bool, str]:
        found = _found(reply, needles)
        if found:
            return True, f"contains {quote_all(found)}"
        return False, f"expected any of {quote_all(n.text for n in needles)}; found none"

    return check


def not_contains(args: Any, name: str) -> CheckFn:
    needles = _needles(args, name)

    def check(reply: str) -> tuple[bool, str]:
        found = _found(reply, needles)
        if not found:
            return True, f"contains none of {quote_all(n.text for n in needles)}"
        return (
            False,
            f"expected none of {quote_all(n.text for n in needles)}; found {quote_all(found)}",
        )

    return check


def count(args: Any, name: str) -> CheckFn:
    """``{text: ❤, eq: 5}``: occurrences of a literal; a list of such mappings must all hold
    (“的”出现一次，“失败”出现3次)."""
    if isinstance(args, list) and args:
        checks = [count(a, f"{name}[{i}]") for i, a in enumerate(args)]

        def all_of(reply: str) -> tuple[bool, str]:
            results = [c(reply) for c in checks]
            ok = all(good for good, _ in results)
            # A failing verdict lists only the counts that fail.
            return ok, "; ".join(why for good, why in results if ok or not good)

        return all_of
    if not isinstance(args, Mapping):
        raise TypeError(f"{name} needs a mapping: {{text: ..., eq/min/max/lt/gt: N}}")
    kw = keywords(args, name, "text", {"case_sensitive": False}, extra=BOUND_KEYS)
    needle = text(kw["text"], f"{name}.text")
    lit = Literal(needle, boolean(kw["case_sensitive"], "case_sensitive"))
    b = bounds(args, name, extra=("text", "case_sensitive"))
    return lambda reply: counted(lit.count(reply), b, f"× {quote(needle)}")


def emoji_count(args: Any, name: str) -> CheckFn:
    b = bounds(args, name)
    return lambda reply: counted(len(t.emoji(reply)), b, "emoji")


def distinct_emoji(args: Any, name: str) -> CheckFn:
    b = bounds(args, name)
    return lambda reply: counted(len(set(t.emoji(reply))), b, "different emoji")


def _edge_emoji(end: bool) -> Builder:
    def build(args: Any, name: str) -> CheckFn:
        if args is True:
            args = 1
        kw = keywords(args, name, "count", {"distinct": False})
        n = check_count(kw["count"], f"{name}.count")
        if n < 1:
            raise ValueError(f"{name}.count must be at least 1")
        distinct = boolean(kw["distinct"], "distinct")
        where = "end" if end else "start"

        def check(reply: str) -> tuple[bool, str]:
            edge = t.edge_clusters(reply, n, end)
            ok = len(edge) == n and all(t.is_emoji(c) for c in edge)
            if ok and distinct:
                ok = len({c.replace("\ufe0f", "") for c in edge}) == n
            what = f"{n} {'different ' if distinct else ''}emoji"
            if ok:
                return True, f"{where}s with {what}: {''.join(edge)}"
            return False, f"expected to {where} with {what}, got {quote(''.join(edge))}"

        return check

    return build


def no_trailing_punctuation(args: Any, name: str) -> CheckFn:
    flag(args, name)

    def check(reply: str) -> tuple[bool, str]:
        last = t.trailing_char(reply)
        if last and t.is_punct(last):
            return False, f"ends with punctuation {last!r}"
        return True, "no punctuation at the end"

    return check


def no_punctuation(args: Any, name: str) -> CheckFn:
    allow = "" if args is True else keywords(args, name, "allow", {})["allow"]
    if args is not True:
        allow = text(allow, f"{name}.allow")

    def check(reply: str) -> tuple[bool, str]:
        marks = [p for p in t.punctuation(reply) if p not in allow]
        if not marks:
            return True, "no punctuation"
        return False, f"has punctuation {quote(''.join(dict.fromkeys(marks)))}"

    return check


def no_digits(args: Any, name: str) -> CheckFn:
    flag(args, name)

    def check(reply: str) -> tuple[bool, str]:
        # Whole numbers ("12:00", "18:30"), not their digits run together.
        numbers = re.findall(r"\d+(?:[:.,]\d+)*", reply)
        if not numbers:
            return True, "no digits"
        return False, f"expected no digits, found {quote_all(numbers)}"

    return check


def lowercase(args: Any, name: str) -> CheckFn:
    flag(args, name)

    def check(reply: str) -> tuple[bool, str]:
        upper = [c for c in reply if c.isupper()]
        return (not upper, "all lowercase" if not upper else f"has capitals {''.join(upper[:10])}")

    return check


def replaced_term(args: Any, name: str) -> CheckFn:
    kw = keywords(args, name, "old", {"new": None, "case_sensitive": False})
    old, new = text(kw["old"], f"{name}.old"), text(kw["new"], f"{name}.new")
    cs = boolean(kw["case_sensitive"], "case_sensitive")
    old_lit, new_lit = Literal(old, cs), Literal(new, cs)

    def check(reply: str) -> tuple[bool, str]:
        if old_lit.found_in(reply):
            return False, f"still says {quote(old)} (should be {quote(new)})"
        if not new_lit.found_in(reply):
            return False, f"does not use {quote(new)} for {quote(old)}"
        return True, f"says {quote(new)}, never {quote(old)}"

    return check


def followed_by(args: Any, name: str) -> CheckFn:
    kw = keywords(args, name, "term", {"by": None, "case_sensitive": False})
    term, by = text(kw["term"], f"{name}.term"), text(kw["by"], f"{name}.by")
    cs = boolean(kw["case_sensitive"], "case_sensitive")
    term_lit, by_lit = Literal(term, cs), Literal(by, cs)

    def check(reply: str) -> tuple[bool, str]:
        hay = canon(reply, cs)
        spans = term_lit.spans(reply)
        if not spans:
            return False, f"never mentions {quote(term)}"
        # A space between the term and its follower is optional (unless ``by`` starts with one).
        skip = not by[:1].isspace()
        bad = [e for _, e in spans if not by_lit.match_at(hay, _skip_space(hay, e) if skip else e)]
        if bad:
            return False, f"{len(bad)} of {len(spans)} {quote(term)} not followed by {quote(by)}"
        return True, f"every {quote(term)} is followed by {quote(by)}"

    return check


def _skip_space(hay: str, pos: int) -> int:
    while pos < len(hay) and hay[pos].isspace():
        pos += 1
    return pos


CHECKS: dict[str, Builder] = {
    "length": length,
    "paragraph_length": _each_length(t.paragraphs, "paragraph"),
    "sentence_length": _each_length(t.sentences, "sentence"),
    "starts_with": _affix(start=True),
    "ends_with": _affix(start=False),
    "contains": contains,
    "contains_any": contains_any,
    "not_contains": not_contains,
    "count": count,
    "emoji_count": emoji_count,
    "distinct_emoji": distinct_emoji,
    "starts_with_emoji": _edge_emoji(end=False),
    "ends_with_emoji": _edge_emoji(end=True),
    **LANGUAGE_CHECKS,
    "no_trailing_punctuation": no_trailing_punctuation,
    "no_punctuation": no_punctuation,
    "no_digits": no_digits,
    "lowercase": lowercase,
    "replaced_term": replaced_term,
    "followed_by": followed_by,
    **LAYOUT_CHECKS,
    **WORD_CHECKS,
}


def build(name: str, args: Any) -> CheckFn:
    if name not in CHECKS:
        raise ValueError(f"unknown check {name!r}; known: {', '.join(sorted(CHECKS))}")
    return CHECKS[name](args, name)


def build_all(spec: Mapping[str, Any], where: str) -> tuple[tuple[str, CheckFn], ...]:
    """A constraint's ``check`` mapping → its checks (all must hold)."""
    if not isinstance(spec, Mapping) or not spec:
        raise TypeError(f"{where}: 'check' must be a non-empty mapping of check name to arguments")
    return tuple((n, build(n, a)) for n, a in spec.items())
