"""SysBench program checkers for layout: paragraphs, lists, markdown, JSON and templates."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import _sysbench_text as t
from ._match import quote, quote_all
from ._sysbench_args import Bounds, boolean, bounds, flag, keywords, text, texts
from .structured import parse_json

CheckFn = Callable[[str], tuple[bool, str]]
_REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}


def _counted(got: int, b: Bounds, what: str) -> tuple[bool, str]:
    ok = b.ok(got)
    return ok, f"{'' if ok else 'expected '}{b.describe()} {what}, got {got}"


def paragraph_count(args: Any, name: str) -> CheckFn:
    b = bounds(args, name)
    return lambda reply: _counted(len(t.paragraphs(reply)), b, "paragraphs")


def paragraph_starts(args: Any, name: str) -> CheckFn:
    """Paragraph i starts with item i (a template of required openers, in order)."""
    openers = texts(args, name)

    def check(reply: str) -> tuple[bool, str]:
        paras = t.paragraphs(reply)
        if len(paras) < len(openers):
            return False, f"expected {len(openers)} paragraphs with openers, got {len(paras)}"
        for i, (para, opener) in enumerate(zip(paras, openers, strict=False), 1):
            if not t.normalise(para).startswith(t.normalise(opener)):
                return False, f"paragraph {i} should start with {quote(opener)}: {quote(para)}"
        return True, f"paragraphs start with {quote_all(openers)}"

    return check


def list_items(args: Any, name: str) -> CheckFn:
    b = bounds(args, name)
    return lambda reply: _counted(len(t.list_items(reply)), b, "list items")


def markdown_table(args: Any, name: str) -> CheckFn:
    """``true``: the reply has a markdown table; ``false``: it has none."""
    want = boolean(args, name)

    def check(reply: str) -> tuple[bool, str]:
        has = t.has_table(reply)
        if has == want:
            return True, "has a markdown table" if has else "no markdown table"
        return False, "expected a markdown table" if want else "must not contain a table"

    return check


def no_markdown(args: Any, name: str) -> CheckFn:
    flag(args, name)

    def check(reply: str) -> tuple[bool, str]:
        marks = t.markdown_marks(reply)
        if t.has_table(reply):
            marks.append("table")
        if not marks:
            return True, "no markdown"
        return False, f"uses markdown {quote_all(dict.fromkeys(marks))}"

    return check


def no_bold(args: Any, name: str) -> CheckFn:
    flag(args, name)

    def check(reply: str) -> tuple[bool, str]:
        spans = t.bold_spans(reply)
        return (not spans, "no bold text" if not spans else f"bold {quote_all(spans)}")

    return check


def bold_contains(args: Any, name: str) -> CheckFn:
    term = text(args, name)

    def check(reply: str) -> tuple[bool, str]:
        if any(t.nfkc(term) in t.nfkc(span) for span in t.bold_spans(reply)):
            return True, f"{quote(term)} is bold"
        return False, f"expected {quote(term)} in bold (**...**)"

    return check


def line_markers(args: Any, name: str) -> CheckFn:
    """Each marker (I. II. III., 一、二、三、, ①②③) opens exactly one line, in the given order."""
    markers = texts(args, name)

    def check(reply: str) -> tuple[bool, str]:
        lines = [t.normalise(line) for line in reply.splitlines() if line.strip()]
        # Longest first, so "II." is not taken for "I." followed by "I.".
        ordered = sorted(markers, key=len, reverse=True)
        seen = []
        for line in lines:
            hit = next((m for m in ordered if line.startswith(t.normalise(m))), None)
            if hit is not None:
                seen.append(hit)
        if seen == list(markers):
            return True, f"lines marked {' '.join(markers)} in order"
        return False, f"expected lines marked {' '.join(markers)} in order, got {' '.join(seen)}"

    return check


def json_any(args: Any, name: str) -> CheckFn:
    """``json: true``: the reply (or its one fenced block) is valid JSON of any shape."""
    flag(args, name)

    def check(reply: str) -> tuple[bool, str]:
        ok, _, error = parse_json(reply.strip(), allow_fence=True)
        return (ok, "valid JSON" if ok else f"not JSON ({error}): {quote(reply)}")

    return check


def json_object(args: Any, name: str) -> CheckFn:
    """The reply (or its one fenced block) is a JSON object with ``keys`` (only those if
    ``exact``), e.g. the template ``{"ANSWER": $answer}``."""
    kw = keywords(args, name, "keys", {"exact": False})
    keys, exact = texts(kw["keys"], f"{name}.keys"), boolean(kw["exact"], "exact")

    def check(reply: str) -> tuple[bool, str]:
        ok, value, error = parse_json(reply.strip(), allow_fence=True)
        if not ok:
            return False, f"not JSON ({error}): {quote(reply)}"
        if not isinstance(value, dict):
            return False, f"JSON is a {type(value).__name__}, not an object"
        missing = [k for k in keys if k not in value]
        extra = sorted(set(value) - set(keys)) if exact else []
        if missing or extra:
            gaps = ([f"missing {quote_all(missing)}"] if missing else []) + (
                [f"unexpected {quote_all(extra)}"] if extra else []
            )
            return False, f"JSON object {'; '.join(gaps)}"
        return True, f"JSON object with {quote_all(keys)}"

    return check


def template(args: Any, name: str) -> CheckFn:
    """A regular expression the reply must match (``fullmatch`` on the stripped reply, or
    ``search``; with ``each_line`` every non-empty line must fully match)."""
    kw = keywords(args, name, "pattern", {"flags": "", "match": "fullmatch", "each_line": False})
    pattern, flags = text(kw["pattern"], f"{name}.pattern"), kw["flags"]
    if kw["match"] not in ("fullmatch", "search"):
        raise ValueError(f"{name}.match must be 'fullmatch' or 'search'")
    bits = 0
    for letter in str(flags):
        if letter not in _REGEX_FLAGS:
            raise ValueError(f"{name}.flags: unknown flag {letter!r} (use i, m, s)")
        bits |= _REGEX_FLAGS[letter]
    try:
        rx = re.compile(pattern, bits)
    except re.error as exc:
        raise ValueError(f"{name}: invalid regex {pattern!r}: {exc}") from None
    each = boolean(kw["each_line"], "each_line")
    find = rx.fullmatch if kw["match"] == "fullmatch" else rx.search

    def check(reply: str) -> tuple[bool, str]:
        parts = [x.strip() for x in reply.splitlines() if x.strip()] if each else [reply.strip()]
        # The raw text: NFKC would turn （ into (, which the pattern means literally.
        bad = [p for p in parts if find(p) is None]
        if parts and not bad:
            return True, f"matches /{pattern}/"
        return False, f"does not match /{pattern}/: {quote(bad[0] if bad else reply)}"

    return check


LAYOUT_CHECKS = {
    "paragraph_count": paragraph_count,
    "paragraph_starts": paragraph_starts,
    "list_items": list_items,
    "markdown_table": markdown_table,
    "no_markdown": no_markdown,
    "no_bold": no_bold,
    "bold_contains": bold_contains,
    "line_markers": line_markers,
    "json": json_any,
    "json_object": json_object,
    "template": template,
}
