"""How a SysBench literal matches a reply: the one place every literal check goes through.

The rules are those of the wording guide (``shared/benchmarks/sysbench-wordings.md``, "Literal
matching"), because the published verdicts come from a judge that reads them that way:

* **case** — Latin letters match case-insensitively unless the constraint says the case
  (大写/小写/区分大小写): the judge accepts "Let me see" for “let me see”;
* **width** — full-width and half-width forms are the same (NFKC: ，= , ！= ! ：= :);
* **emoji** — the variation selectors U+FE0F/U+FE0E never matter (❤️ = ❤);
* **whitespace** — runs of whitespace are one space and only separate words: next to a Chinese
  character or a punctuation mark a space is optional on either side (models write "作为 AI
  语言模型" and "好的, 我来"), and the
  reply's leading/trailing whitespace, markdown emphasis and quote marks are not part of its
  start or end.

Token edges are those of the generic scorers (``scorers/matching.py``): a literal that starts or
ends with a Latin (Cyrillic, Greek, Hangul) letter or a digit never matches inside a longer word
or number (" bot" is not in "bottom", " AI" not in "air", "18" not in "2018"), while Chinese is
matched character by character; space at such an edge only marks the word start.

Two rules about a literal's own last character, which a quoted sentence carries from the
constraint text: in ``contains`` and the checks like it, a literal that ends with a punctuation
mark matches wherever its text is followed by *any* punctuation mark or by no further letter
(“本服务仅限会员。” is in "本服务仅限会员，请先注册"); in ``ends_with``, a literal that ends with
a letter, digit or Chinese character may be followed by a few punctuation marks at the end of
the reply (up to six: NFKC makes "……" six dots; “祝您愉快” ends "……祝您愉快！"), while a literal
ending with punctuation or an emoji must end the reply exactly.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any
from typing import Literal as Kind

import regex  # type: ignore[import-untyped,unused-ignore]

from pytest_llmbench.scorers.matching import edge_after, edge_before, is_clitic, strip_word_edges

EDGE = "*_`\"'“”‘’「」『』 \t\r\n"  # markdown emphasis, quote marks and space at a reply's edges
_SELECTORS = dict.fromkeys(map(ord, "\ufe0f\ufe0e"))
_WORD = regex.compile(r"[\p{Latin}\p{Cyrillic}\p{Greek}\p{Hangul}\p{N}]")
_PUNCT = r"[\p{P}~～]"
_WORDY_END = regex.compile(r"[\p{L}\p{N}]\Z")
_PUNCT_END = regex.compile(_PUNCT + r"\Z")
_CONTENT = regex.compile(r"[^\p{P}\s~～]")

Trailing = Kind["auto", "exact", "ignore"]


def canon(text: str, case_sensitive: bool = False) -> str:
    """The normal form both a literal and a reply are compared in (NFKC, no variation
    selectors, case-folded unless ``case_sensitive``)."""
    out = unicodedata.normalize("NFKC", text).translate(_SELECTORS)
    return out if case_sensitive else out.casefold()


def _boundary(a: str, b: str) -> bool:
    """Whether whitespace between ``a`` and ``b`` is optional: everywhere except between two
    Latin letters or digits, where it separates words ("作为 AI 语言模型", "好的, 我来")."""
    return not (_WORD.match(a) and _WORD.match(b))


def _pattern(text: str) -> str:
    """``text`` (already canonical) as a regular expression applying the whitespace rules."""
    parts: list[str] = []
    prev = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            nxt = text[j] if j < len(text) else ""
            optional = bool(prev and nxt and _boundary(prev, nxt))
            parts.append(r"\s*" if optional else r"\s+")
            i = j
            continue
        if prev and not prev.isspace() and _boundary(prev, ch):
            parts.append(r"\s*")
        parts.append(regex.escape(ch))
        prev = ch
        i += 1
    return "".join(parts)


@dataclass(frozen=True)
class Literal:
    """A literal of a constraint, compiled once (at collection) for every way it is matched."""

    text: str
    case_sensitive: bool = False
    _inner: Any = field(init=False, repr=False, compare=False)
    _start: Any = field(init=False, repr=False, compare=False)
    _end: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        full = strip_word_edges(canon(self.text, self.case_sensitive))
        body, tail = full, ""
        # A final punctuation mark (not a literal that is only punctuation) is flexible inside
        # the reply: any mark, or simply no further letter.
        if _PUNCT_END.search(body) and _CONTENT.search(body):
            body, tail = body[:-1], r"(?:" + _PUNCT + r"|(?![\p{L}\p{N}]))"
        edge = full.strip(EDGE)
        loose = _pattern(edge)  # "ignore": one final mark is optional on either side
        if _CONTENT.search(edge):
            trimmed = edge[:-1].rstrip(EDGE) if _PUNCT_END.search(edge) else edge
            loose = _pattern(trimmed) + _PUNCT + "?"
        extra = _PUNCT + "{0,6}" if _WORDY_END.search(edge) else ""  # …… is six dots in NFKC
        never = regex.compile(r"(?!)")  # an empty literal matches nothing
        lead = edge_before(edge[0]) if edge else ""  # "ok" does not end "book"
        ends = {
            "exact": regex.compile(lead + _pattern(edge) + r"\Z") if edge else never,
            "auto": regex.compile(lead + _pattern(edge) + extra + r"\Z") if edge else never,
            "ignore": regex.compile(lead + loose + r"\Z") if edge else never,
        }
        inner = _pattern(body) + tail
        if body:
            lead = "" if is_clitic(body) else edge_before(body[0])
            inner = lead + inner + ("" if tail else edge_after(body[-1]))
        start = _pattern(edge) + edge_after(edge[-1]) if edge else ""
        object.__setattr__(self, "_inner", regex.compile(inner))
        object.__setattr__(self, "_start", regex.compile(start) if edge else never)
        object.__setattr__(self, "_end", ends)

    # -- anywhere in the reply -------------------------------------------------------------------
    def spans(self, reply: str) -> list[tuple[int, int]]:
        """Non-overlapping matches in ``canon(reply)`` (positions in that canonical text)."""
        hay = canon(reply, self.case_sensitive)
        return [m.span() for m in self._inner.finditer(hay)]

    def found_in(self, reply: str) -> bool:
        return self._inner.search(canon(reply, self.case_sensitive)) is not None

    def count(self, reply: str) -> int:
        return len(self.spans(reply))

    def match_at(self, hay: str, pos: int) -> bool:
        """Whether the literal starts at ``pos`` of an already canonical text."""
        return self._inner.match(hay, pos) is not None

    # -- at the edges ----------------------------------------------------------------------------
    def starts(self, reply: str) -> bool:
        return self._start.match(canon(reply, self.case_sensitive).lstrip(EDGE)) is not None

    def ends(self, reply: str, trailing: Trailing = "auto") -> bool:
        """``auto``: the guide's rule above; ``exact``: nothing may follow the literal;
        ``ignore``: one final punctuation mark is ignored on both sides."""
        got = canon(reply, self.case_sensitive).rstrip(EDGE)
        return self._end[trailing].search(got) is not None


def literals(texts: tuple[str, ...], case_sensitive: bool) -> tuple[Literal, ...]:
    return tuple(Literal(t, case_sensitive) for t in texts)
