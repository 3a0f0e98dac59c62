"""A constraint text → the *skeleton* the family patterns read, plus what was lifted out of it.

Family patterns should not care how a literal is quoted, so every quoted literal (「」“”""[]【】
''‘’『』), every run of bare emoji, every JSON template ``{"ANSWER": $answer}`` and every
numbering example (①②③, 一、二、三, I. II. III.) is replaced by one placeholder character; the
rest is NFKC-normalised (full-width digits and punctuation), lower-cased and freed of spaces
that only pad Chinese text. Literals keep their own text exactly as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pytest_llmbench.families.sysbench import reply_text as text

# Placeholders: private-use characters (NFKC and lower-casing leave them alone).
LIT0, TPL0, MARK0 = 0xE000, 0xE100, 0xE200
LIT = "[\ue000-\ue0ff]"
TPL = "[\ue100-\ue1ff]"
MARK = "[\ue200-\ue2ff]"

# Opening quote → closing quote. ASCII ' and " are handled apart (they open and close alike).
PAIRS = {"“": "”", "「": "」", "『": "』", "【": "】", "[": "]", "‘": "’", "＂": "＂", "［": "］"}
_SYMMETRIC = "\"'"
_MARKER_RUNS = re.compile(
    r"[①-⑳](?:[、,，\s]*[①-⑳])+"
    r"|[一二三四五六七八九十](?:[、.．])(?:\s*[一二三四五六七八九十][、.．]?)+"
    r"|(?:[IVX]{1,4}[、.．]\s*){2,}[IVX]{0,4}[、.．]?"
    r"|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ](?:[、,，\s]*[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])+"
    r"|(?:[(（][1-9][)）]\s*){2,}"
    r"|(?:[1-9][.、．]\s*){2,}[1-9]?[.、．]?"
)
_TEMPLATE = re.compile(r"\{[^{}]*[:：][^{}]*\}")
# Spaces that only pad Chinese text ("使用 3 个 emoji"): next to a Chinese character or mark.
_HAN = r"\u3400-\u9fff\uf900-\ufaff。、"
_PAD = re.compile(rf"(?<=[{_HAN}])\s+|\s+(?=[{_HAN}])")


@dataclass(frozen=True)
class Wording:
    """``skeleton`` with placeholders; ``literals``/``templates``/``markers`` hold what each
    placeholder stands for, in order."""

    raw: str
    skeleton: str
    literals: tuple[str, ...]
    templates: tuple[str, ...]
    markers: tuple[str, ...]

    def literal(self, placeholder: str) -> str:
        return self.literals[ord(placeholder) - LIT0]

    def literals_in(self, span: str) -> list[str]:
        return [self.literal(ch) for ch in span if LIT0 <= ord(ch) < LIT0 + 0x100]

    def template(self, placeholder: str) -> str:
        return self.templates[ord(placeholder) - TPL0]

    def marker(self, placeholder: str) -> str:
        return self.markers[ord(placeholder) - MARK0]


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _quote_spans(s: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost quoted span, quotes included."""
    spans, i = [], 0
    while i < len(s):
        ch = s[i]
        close = PAIRS.get(ch)
        if close is None and ch in _SYMMETRIC:
            # ' opens only where it cannot be an apostrophe (don't, it's).
            if ch == "'" and i and _ascii_alnum(s[i - 1]):
                i += 1
                continue
            close = ch
        if close is not None:
            j = s.find(close, i + 1)
            while ch == "'" and j != -1 and j + 1 < len(s) and _ascii_alnum(s[j + 1]):
                j = s.find(close, j + 1)
            if j > i + 1 and "\n" not in s[i:j]:
                spans.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return spans


def _lift(s: str, spans: list[tuple[int, int]], base: int, inner: bool) -> tuple[str, list[str]]:
    out: list[str] = []
    items: list[str] = []
    last = 0
    for start, end in spans:
        value = s[start + 1 : end - 1].strip() if inner else s[start:end].strip()
        out.append(s[last:start])
        out.append(chr(base + len(items)))
        items.append(value)
        last = end
    out.append(s[last:])
    return "".join(out), items


def _emoji_spans(s: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for cluster in text.clusters(s):
        end = pos + len(cluster)
        if text.is_emoji(cluster) and not (LIT0 <= ord(cluster[0]) < MARK0 + 0x100):
            if spans and spans[-1][1] == pos:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((pos, end))
        pos = end
    return spans


def prepare(raw: str) -> Wording:
    s = raw.strip()
    s, templates = _lift(s, [m.span() for m in _TEMPLATE.finditer(s)], TPL0, inner=False)
    s, quoted = _lift(s, _quote_spans(s), LIT0, inner=True)
    s, markers = _lift(s, [m.span() for m in _MARKER_RUNS.finditer(s)], MARK0, inner=False)
    emoji_spans = _emoji_spans(s)
    out, last, literals = [], 0, list(quoted)
    for start, end in emoji_spans:
        out += [s[last:start], chr(LIT0 + len(literals))]
        literals.append(s[start:end])
        last = end
    s = "".join(out) + s[last:]
    s = unicodedata.normalize("NFKC", s).lower()
    s = _PAD.sub("", " ".join(s.split()))
    s = s.rstrip("。.!！;；,， ").strip()
    return Wording(raw, s, tuple(literals), tuple(templates), tuple(markers))


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_DIGITS.update({"八": 8, "九": 9})
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "a single": 1, "single": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100, "a hundred": 100,
}  # fmt: skip
NUMBER = r"\d+|[零一二两三四五六七八九十百千万]+"
EN_NUMBER = r"\d+|" + "|".join(sorted(map(re.escape, _EN_NUMBERS), key=len, reverse=True))


def number(word: str) -> int | None:
    """``100`` / ``一百`` / ``两`` / ``三十五`` / ``five`` → int; None if it is not a number."""
    word = word.strip()
    if word.isdigit():
        return int(word)
    if word in _EN_NUMBERS:
        return _EN_NUMBERS[word]
    total, digit = 0, None
    for ch in word:
        if ch == "零":  # 一百零五
            continue
        if ch in _CN_DIGITS:
            if digit is not None:
                return None  # "一二": not a number word
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0) if word else None
