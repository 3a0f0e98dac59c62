"""The SysBench program checkers: one builder per recurring pattern of the spec (§9.2).

A check is written ``{name: args}`` in a constraint's ``check`` mapping; several checks in one
mapping must all hold. ``build(name, args)`` validates the arguments once and returns a function
``reply -> (ok, reason)``. Literals are compared after NFKC normalisation, so full-width and
half-width punctuation agree (``！`` = ``!``); edge comparisons also ignore markdown emphasis and
quote marks around the reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from . import _sysbench_text as t
from ._match import check_count, quote, quote_all, quote_tail, word_count
from ._sysbench_args import BOUND_KEYS, Bounds, boolean, bounds, flag, keywords, text, texts
from ._sysbench_lang import LANGUAGE_CHECKS
from ._sysbench_layout import LAYOUT_CHECKS

CheckFn = Callable[[str], tuple[bool, str]]
Builder = Callable[[Any, str], CheckFn]

UNITS: dict[str, Callable[[str], int]] = {
    "chars": lambda s: len(t.nfkc(s).strip()),  # every character, inner spaces included
    "han": t.han_count,  # Chinese characters only (汉字)
    "words": word_count,  # whitespace words; each CJK character is one word
}


def _counted(got: int, b: Bounds, what: str) -> tuple[bool, str]:
    ok = b.ok(got)
    return ok, f"{'' if ok else 'expected '}{b.describe()} {what}, got {got}"


def length(args: Any, name: str) -> CheckFn:
    kw = keywords(args, name, "unit", {}, extra=BOUND_KEYS)
    unit = kw["unit"]
    if unit not in UNITS:
        raise ValueError(f"{name}.unit must be one of {', '.join(UNITS)}, got {unit!r}")
    b, count = bounds(args, name, extra=("unit",)), UNITS[unit]
    label = {"chars": "characters", "han": "Chinese characters"}.get(unit, unit)
    return lambda reply: _counted(count(reply), b, label)


def _affix(start: bool) -> Builder:
    def build(args: Any, name: str) -> CheckFn:
        kw = keywords(args, name, "text", {"case_sensitive": True, "ignore_punctuation": False})
        cs = boolean(kw["case_sensitive"], "case_sensitive")
        loose = boolean(kw["ignore_punctuation"], "ignore_punctuation")
        raw = text(kw["text"], f"{name}.text")
        want = t.fold(t.normalise(raw), cs)
        verb = "start" if start else "end"

        def trim(s: str) -> str:
            # "Ignore one final punctuation mark": 收到。 and 收到 agree when the rule allows it.
            if loose and not start and s and t.is_punct(s[-1]):
                s = s[:-1].rstrip(t.EDGE)
            return s

        def check(reply: str) -> tuple[bool, str]:
            got = trim(t.fold(t.normalise(reply), cs))
            ok = got.startswith(trim(want)) if start else got.endswith(trim(want))
            if ok:
                return True, f"{verb}s with {quote(raw)}"
            shown = quote(reply.strip()) if start else quote_tail(reply.strip())
            return False, f"expected to {verb} with {quote(raw)}, got {shown}"

        return check

    return build


def _needles(args: Any, name: str) -> tuple[tuple[str, ...], bool]:
    kw = keywords(args, name, "text", {"case_sensitive": True})
    return texts(kw["text"], f"{name}.text"), boolean(kw["case_sensitive"], "case_sensitive")


def _found(reply: str, needles: tuple[str, ...], cs: bool) -> list[str]:
    hay = t.fold(t.nfkc(reply), cs)
    return [n for n in needles if t.fold(t.nfkc(n), cs) in hay]


def contains(args: Any, name: str) -> CheckFn:
    needles, cs = _needles(args, name)

    def check(reply: str) -> tuple[bool, str]:
        missing = [n for n in needles if n not in _found(reply, needles, cs)]
        if not missing:
            return True, f"contains {quote_all(needles)}"
        return False, f"missing {quote_all(missing)}"

    return check


def contains_any(args: Any, name: str) -> CheckFn:
    needles, cs = _needles(args, name)

    def check(reply: str) -> tuple[bool, str]:
        found = _found(reply, needles, cs)
        if found:
            return True, f"contains {quote_all(found)}"
        return False, f"contains none of {quote_all(needles)}"

    return check


def not_contains(args: Any, name: str) -> CheckFn:
    needles, cs = _needles(args, name)

    def check(reply: str) -> tuple[bool, str]:
        found = _found(reply, needles, cs)
        if not found:
            return True, f"contains none of {quote_all(needles)}"
        return False, f"must not contain {quote_all(found)}"

    return check


def count(args: Any, name: str) -> CheckFn:
    """``{text: ❤, eq: 5}``: occurrences of a literal."""
    if not isinstance(args, Mapping):
        raise TypeError(f"{name} needs a mapping: {{text: ..., eq/min/max/lt/gt: N}}")
    kw = keywords(args, name, "text", {"case_sensitive": True}, extra=BOUND_KEYS)
    needle = text(kw["text"], f"{name}.text")
    cs = boolean(kw["case_sensitive"], "case_sensitive")
    b = bounds(args, name, extra=("text", "case_sensitive"))
    want = t.fold(t.nfkc(needle), cs)
    return lambda reply: _counted(t.fold(t.nfkc(reply), cs).count(want), b, f"× {quote(needle)}")


def emoji_count(args: Any, name: str) -> CheckFn:
    b = bounds(args, name)
    return lambda reply: _counted(len(t.emoji(reply)), b, "emoji")


def distinct_emoji(args: Any, name: str) -> CheckFn:
    b = bounds(args, name)
    return lambda reply: _counted(len(set(t.emoji(reply))), b, "different emoji")


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
        digits = re.findall(r"\d", reply)
        return (not digits, "no digits" if not digits else f"has digits {''.join(digits[:10])}")

    return check


def lowercase(args: Any, name: str) -> CheckFn:
    flag(args, name)

    def check(reply: str) -> tuple[bool, str]:
        upper = [c for c in reply if c.isupper()]
        return (not upper, "all lowercase" if not upper else f"has capitals {''.join(upper[:10])}")

    return check


def replaced_term(args: Any, name: str) -> CheckFn:
    kw = keywords(args, name, "old", {"new": None, "case_sensitive": True})
    old, new = text(kw["old"], f"{name}.old"), text(kw["new"], f"{name}.new")
    cs = boolean(kw["case_sensitive"], "case_sensitive")

    def check(reply: str) -> tuple[bool, str]:
        found = _found(reply, (old, new), cs)
        if old in found:
            return False, f"still says {quote(old)} (should be {quote(new)})"
        if new not in found:
            return False, f"does not use {quote(new)} for {quote(old)}"
        return True, f"says {quote(new)}, never {quote(old)}"

    return check


def followed_by(args: Any, name: str) -> CheckFn:
    kw = keywords(args, name, "term", {"by": None})
    term, by = text(kw["term"], f"{name}.term"), text(kw["by"], f"{name}.by")

    def check(reply: str) -> tuple[bool, str]:
        s = t.nfkc(reply)
        starts = [m.start() for m in re.finditer(re.escape(t.nfkc(term)), s)]
        if not starts:
            return False, f"never mentions {quote(term)}"
        after = len(t.nfkc(term))
        bad = [i for i in starts if not s[i + after :].startswith(t.nfkc(by))]
        if bad:
            return False, f"{len(bad)} of {len(starts)} {quote(term)} not followed by {quote(by)}"
        return True, f"every {quote(term)} is followed by {quote(by)}"

    return check


CHECKS: dict[str, Builder] = {
    "length": length,
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
