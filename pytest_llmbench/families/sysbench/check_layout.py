"""SysBench program checkers for layout: paragraphs, lists, markdown, JSON and templates."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pytest_llmbench.scorers.matching import quote, quote_all
from pytest_llmbench.scorers.structured import parse_json

from . import reply_text as t
from .check_args import boolean, bounds, counted, flag, keywords, text, texts
from .literal import literals

CheckFn = Callable[[str], tuple[bool, str]]
_REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}


def paragraph_count(args: Any, name: str) -> CheckFn:
    b = bounds(args, name)
    return lambda reply: counted(len(t.paragraphs(reply)), b, "paragraphs")


def line_count(args: Any, name: str) -> CheckFn:
    """Non-empty lines (a "three lines" rule; ``paragraph_count`` counts blank-line blocks)."""
    b = bounds(args, name)
    return lambda reply: counted(sum(1 for ln in reply.splitlines() if ln.strip()), b, "lines")


def paragraph_starts(args: Any, name: str) -> CheckFn:
    """Paragraph i starts with item i (a template of required openers, in order)."""
    openers = texts(args, name)
    lits = literals(openers, case_sensitive=False)

    def check(reply: str) -> tuple[bool, str]:
        paras = t.paragraphs(reply)
        if len(paras) < len(openers):
            return False, f"expected {len(openers)} paragraphs with openers, got {len(paras)}"
        for i, (para, lit) in enumerate(zip(paras, lits, strict=False), 1):
            if not lit.starts(para):
                return False, f"paragraph {i} should start with {quote(lit.text)}: {quote(para)}"
        return True, f"paragraphs start with {quote_all(openers)}"

    return check


def list_items(args: Any, name: str) -> CheckFn:
    b = bounds(args, name)
    return lambda reply: counted(len(t.list_items(reply)), b, "list items")


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
    """Each term (one, or a list) is inside some bold span."""
    terms = literals(texts(args, name), case_sensitive=False)

    def check(reply: str) -> tuple[bool, str]:
        spans = t.bold_spans(reply)
        missing = [x.text for x in terms if not any(x.found_in(span) for span in spans)]
        if not missing:
            return True, f"{quote_all(x.text for x in terms)} in bold"
        return False, f"expected {quote_all(missing)} in bold (**...**)"

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
        got = " ".join(seen) or "none"
        return False, f"expected lines marked {' '.join(markers)} in order, got {got}"

    return check


# marker_series: the style of a numbering ("①", "一、", "1.", "(1)", "I."), read from its first
# marker. Circled numbers, (1) and 一、 are unambiguous inside a line ("①温杯；②投茶"); 1. and I.
# count only at the start of a line (3.5 and "I. am" are not markers).
_CN_DIGITS = "一二三四五六七八九"
_ROMAN = {"i": 1, "v": 5, "x": 10}
_LINE_START = r"(?m:^)[ \t]*(?:[*_#>]+[ \t]*|[-•][ \t]+)?"


def _cn_value(word: str) -> int:
    if word == "十":
        return 10
    if word.startswith("十"):
        return 10 + _CN_DIGITS.index(word[1]) + 1
    if "十" in word:
        tens, _, ones = word.partition("十")
        return (_CN_DIGITS.index(tens) + 1) * 10 + (_CN_DIGITS.index(ones) + 1 if ones else 0)
    return _CN_DIGITS.index(word) + 1


def _roman_value(word: str) -> int:
    vals = [_ROMAN[c] for c in word.lower()]
    return sum(-v if i + 1 < len(vals) and v < vals[i + 1] else v for i, v in enumerate(vals))


def _series_style(first: str) -> tuple[re.Pattern[str], Callable[[str], int]] | None:
    m = first.strip()
    if re.fullmatch(r"[①-⑳]", m):
        return re.compile(r"([①-⑳])"), lambda tok: ord(tok) - 0x245F
    if re.fullmatch(r"[(（]1[)）]", m):
        return re.compile(r"[(（](\d{1,2})[)）]"), int
    found = re.fullmatch(r"(1|一|I|i)([.、．):：)])", m)
    if found is None:
        return None
    head, sep = found.groups()
    seps = "[.．]" if sep in ".．" else re.escape(sep)
    if head == "1":
        return re.compile(_LINE_START + r"(\d{1,2})" + seps), int
    if head == "一":
        where = r"(?:^|(?<=[\s。；;:：，,]))" if sep == "、" else _LINE_START
        return re.compile(where + r"([一二三四五六七八九十]{1,3})" + seps, re.M), _cn_value
    letters = "[IVX]" if head == "I" else "[ivx]"
    return re.compile(_LINE_START + f"({letters}{{1,5}})" + seps), _roman_value


def marker_series(args: Any, name: str) -> CheckFn:
    """``"①"`` (or ``{first: "一、", min: 2}``): the reply numbers its points in that style,
    1, 2, 3, … in order, at least ``min`` of them (default 2)."""
    kw = keywords(args, name, "first", {"min": 2})
    first = text(kw["first"], f"{name}.first")
    style = _series_style(first)
    if style is None:
        raise ValueError(f"{name}: unknown numbering style {first!r} (use ①, (1), 1., 一、, I.)")
    least = bounds({"min": kw["min"]}, f"{name}.min")
    rx, value = style

    def check(reply: str) -> tuple[bool, str]:
        got = []
        for tok in rx.findall(reply):
            try:
                got.append(value(tok))
            except (ValueError, KeyError):
                got.append(0)
        ok = got == list(range(1, len(got) + 1)) and least.ok(len(got))
        shown = " ".join(map(str, got)) or "none"
        if ok:
            return True, f"{len(got)} points numbered like {quote(first)} in order"
        return False, f"expected points numbered like {quote(first)} 1, 2, 3…, got {shown}"

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
    "line_count": line_count,
    "paragraph_starts": paragraph_starts,
    "list_items": list_items,
    "markdown_table": markdown_table,
    "no_markdown": no_markdown,
    "no_bold": no_bold,
    "bold_contains": bold_contains,
    "line_markers": line_markers,
    "marker_series": marker_series,
    "json": json_any,
    "json_object": json_object,
    "template": template,
}
