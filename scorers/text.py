"""Generic text scorers: substrings, regular expressions, exact answers and lengths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

# The regex package, not the stdlib re: a suite's pattern meets model text, and re holds the
# GIL while it backtracks (a catastrophic pattern froze the whole run, Ctrl-C included);
# regex takes a match timeout and releases the GIL while matching.
import regex as rx_lib  # type: ignore[import-untyped,unused-ignore]

from pytest_llmbench.scoring.api import Score, ScoreFn, ScorerContext, bounded, scorer

from .matching import (
    Needle,
    case_note,
    char_count,
    check_bool,
    check_count,
    check_str,
    check_str_list,
    check_texts,
    edge_after,
    edge_before,
    fold,
    prepare,
    quote,
    quote_all,
    quote_tail,
    truncate,
    unit_note,
    word_count,
)

_REGEX_FLAGS = {
    "i": rx_lib.IGNORECASE,
    "m": rx_lib.MULTILINE,
    "s": rx_lib.DOTALL,
    "x": rx_lib.VERBOSE,
}


@scorer("contains")
def contains(
    text: str | list[str], case_sensitive: bool = True, all: bool = True, units: bool = False
) -> ScoreFn:
    """The reply contains ``text`` (every item of a list if ``all``, at least one otherwise),
    token-aware (``matching.Needle``: "18" is not in "2018", "bot" not in "bottom"); ``units``
    folds unit spellings ("9 °C" = "9°C" = "9 degrees")."""
    needles = check_texts(text, "text")
    cs = check_bool(case_sensitive, "case_sensitive")
    need_all = check_bool(all, "all")
    un = check_bool(units, "units")
    compiled = {n: Needle(n, cs, un) for n in needles}
    what = ("all of " if need_all else "any of ") if len(needles) > 1 else ""
    expected = f"{what}{quote_all(needles)}{case_note(cs)}{unit_note(un)}"

    def score(ctx: ScorerContext) -> Score:
        found = [n for n in needles if compiled[n].found_in(ctx.reply)]
        missing = [n for n in needles if n not in found]
        passed = not missing if need_all else bool(found)
        value = len(found) / len(needles)
        if passed:
            return Score(True, f"reply contains {expected}", value)
        gap = f"missing {quote_all(missing)}" if found else "found none"
        reason = f"expected reply to contain {expected}; {gap} in reply {quote(ctx.reply)}"
        return Score(False, reason, value)

    return bounded(score)


@scorer("not_contains")
def not_contains(
    text: str | list[str], case_sensitive: bool = True, units: bool = False
) -> ScoreFn:
    """The reply contains none of ``text`` (token-aware, as ``contains``)."""
    needles = check_texts(text, "text")
    cs = check_bool(case_sensitive, "case_sensitive")
    un = check_bool(units, "units")
    compiled = {n: Needle(n, cs, un) for n in needles}
    expected = f"none of {quote_all(needles)}{case_note(cs)}{unit_note(un)}"

    def score(ctx: ScorerContext) -> Score:
        found = [n for n in needles if compiled[n].found_in(ctx.reply)]
        if not found:
            return Score(True, f"reply contains {expected}")
        reason = f"expected reply to contain {expected}; found {quote_all(found)}"
        return Score(False, f"{reason} in reply {quote(ctx.reply)}")

    return bounded(score)


def _compile(pattern: str, flags: str) -> Any:
    bits = 0
    for letter in flags:
        if letter not in _REGEX_FLAGS:
            raise ValueError(
                f"unknown regex flag {letter!r} in {flags!r} (use letters from 'imsx')"
            )
        bits |= _REGEX_FLAGS[letter]
    try:
        return rx_lib.compile(pattern, bits)
    except (rx_lib.error, OverflowError, RecursionError) as exc:
        raise ValueError(f"invalid regex {pattern!r}: {exc}") from None


@scorer("regex")
def regex(
    pattern: str,
    flags: str = "",
    match: Literal["search", "fullmatch"] = "search",
    negate: bool = False,
) -> ScoreFn:
    """The reply matches ``pattern`` (anywhere, or as a whole with ``fullmatch``); ``negate``
    inverts the verdict. ``flags`` are letters from ``imsx``."""
    check_str(pattern, "pattern")
    check_str(flags, "flags")
    if match not in ("search", "fullmatch"):
        raise ValueError(f"match must be 'search' or 'fullmatch', got {match!r}")
    neg = check_bool(negate, "negate")
    rx = _compile(pattern, flags)
    find: Callable[..., Any] = rx.search if match == "search" else rx.fullmatch
    how = f"{'fully ' if match == 'fullmatch' else ''}match /{truncate(pattern, 60)}/{flags}"

    def score(ctx: ScorerContext) -> Score:
        # Past the time limit regex raises TimeoutError: the sample is an error, not a verdict.
        m = find(ctx.reply, timeout=ctx.time_limit, concurrent=True)
        found = "no match" if m is None else f"matched {quote(m.group(0))}"
        if (m is None) == neg:
            verb = f"does not {how}" if neg else how.replace("match", "matches", 1)
            return Score(True, f"reply {verb}: {found}")
        expected = f"expected reply {'not ' if neg else ''}to {how}"
        return Score(False, f"{expected}; {found} in reply {quote(ctx.reply)}")

    return score


@scorer("exact")
def exact(text: str, case_sensitive: bool = True, strip: bool = True) -> ScoreFn:
    """The reply equals ``text`` (both stripped of surrounding whitespace if ``strip``)."""
    check_str(text, "text")
    cs, st = check_bool(case_sensitive, "case_sensitive"), check_bool(strip, "strip")
    want = prepare(text, case_sensitive=cs, strip=st)

    def score(ctx: ScorerContext) -> Score:
        if prepare(ctx.reply, case_sensitive=cs, strip=st) == want:
            return Score(True, f"reply equals {quote(text)}{case_note(cs)}")
        return Score(False, f"expected {quote(text)}{case_note(cs)}, got {quote(ctx.reply)}")

    return bounded(score)


@scorer("equals_one_of")
def equals_one_of(options: list[str], case_sensitive: bool = False, strip: bool = True) -> ScoreFn:
    """The reply equals one of ``options`` (case-insensitive by default)."""
    opts = check_str_list(options, "options")
    cs, st = check_bool(case_sensitive, "case_sensitive"), check_bool(strip, "strip")
    wanted = {prepare(o, case_sensitive=cs, strip=st): o for o in opts}

    def score(ctx: ScorerContext) -> Score:
        hit = wanted.get(prepare(ctx.reply, case_sensitive=cs, strip=st))
        if hit is not None:
            return Score(True, f"reply equals option {quote(hit)}{case_note(cs)}")
        return Score(
            False, f"expected one of {quote_all(opts)}{case_note(cs)}, got {quote(ctx.reply)}"
        )

    return bounded(score)


def _length_scorer(n: int, unit: str, count: Callable[[str], int], at_most: bool) -> ScoreFn:
    limit = check_count(n, "n")
    bound = "at most" if at_most else "at least"

    def score(ctx: ScorerContext) -> Score:
        got = count(ctx.reply)
        passed = got <= limit if at_most else got >= limit
        reason = f"expected {bound} {limit} {unit}, got {got}"
        if not passed:
            reason += f": {quote(ctx.reply)}"
        return Score(passed, reason, float(got))

    return bounded(score)


@scorer("max_words")
def max_words(n: int) -> ScoreFn:
    """At most ``n`` words (each CJK character is a word)."""
    return _length_scorer(n, "words", word_count, at_most=True)


@scorer("min_words")
def min_words(n: int) -> ScoreFn:
    """At least ``n`` words (each CJK character is a word)."""
    return _length_scorer(n, "words", word_count, at_most=False)


@scorer("max_chars")
def max_chars(n: int) -> ScoreFn:
    """At most ``n`` characters, whitespace included."""
    return _length_scorer(n, "characters", char_count, at_most=True)


@scorer("min_chars")
def min_chars(n: int) -> ScoreFn:
    """At least ``n`` characters, whitespace included."""
    return _length_scorer(n, "characters", char_count, at_most=False)


def _affix_scorer(text: str, case_sensitive: bool, strip: bool, start: bool) -> ScoreFn:
    affix = check_str(text, "text", allow_empty=False)
    cs, st = check_bool(case_sensitive, "case_sensitive"), check_bool(strip, "strip")
    want = fold(affix, cs)
    verb = "start" if start else "end"
    # Token edges as in ``contains``: "Hello" does not start "Helloween", "ok" does not end "book".
    edge = (
        rx_lib.compile(rx_lib.escape(want) + edge_after(want[-1]))
        if start
        else rx_lib.compile(edge_before(want[0]) + rx_lib.escape(want) + r"\Z")
    )

    def score(ctx: ScorerContext) -> Score:
        reply = prepare(ctx.reply, case_sensitive=cs, strip=st)
        if (edge.match(reply) if start else edge.search(reply)) is not None:
            return Score(True, f"reply {verb}s with {quote(affix)}{case_note(cs)}")
        got = ctx.reply.strip() if st else ctx.reply
        shown = quote(got) if start else quote_tail(got)
        expected = f"expected reply to {verb} with {quote(affix)}{case_note(cs)}"
        return Score(False, f"{expected}, got {shown}")

    return bounded(score)


@scorer("starts_with")
def starts_with(text: str, case_sensitive: bool = True, strip: bool = True) -> ScoreFn:
    """The reply (stripped of surrounding whitespace if ``strip``) starts with ``text``."""
    return _affix_scorer(text, case_sensitive, strip, start=True)


@scorer("ends_with")
def ends_with(text: str, case_sensitive: bool = True, strip: bool = True) -> ScoreFn:
    """The reply (stripped of surrounding whitespace if ``strip``) ends with ``text``."""
    return _affix_scorer(text, case_sensitive, strip, start=False)
