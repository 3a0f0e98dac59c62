"""Constraint text → program check, for the recurring checkable patterns (spec §9.2).

Conservative on purpose: a pattern must match the *whole* constraint (after NFKC and without a
final full stop), so "以'收到'开头，语气温和" (begins with 收到, gentle tone) stays with the judge
because its second half needs one. Unmatched constraints return ``None`` (judge).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

_NUM = {
    "一": 1,
    "两": 2,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
N = r"(\d+|[一两二三四五六七八九十])"
Q = r"[\"“'‘「『]"  # opening quote
QE = r"[\"”'’」』]"  # closing quote
LIT = rf"{Q}(.+?){QE}"
EMOJI = r"([\U0001F000-\U0001FAFF\u2300-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+)"
EN_NOT = r"(?:do not |don't |must not |should not |never |not )"
REPLY = r"(?:(?:the |your )?(?:reply|response|answer)s? )?(?:must |should |has to |needs to )?"
ZH_REPLY = r"(?:(?:你的|模型的?)?(?:回复|回答|输出)(?:中|内容)?(?:必须|需要|应该?|要)?)?"
ZH_CMP = {
    "小于": "lt", "少于": "lt", "低于": "lt",
    "大于": "gt", "多于": "gt", "超过": "gt", "高于": "gt",
    "不超过": "max", "不多于": "max", "不大于": "max", "不高于": "max", "最多": "max",
    "不少于": "min", "不低于": "min", "不小于": "min", "至少": "min",
    "等于": "eq", "为": "eq",
}  # fmt: skip
EN_CMP = {
    "at most": "max", "no more than": "max", "not more than": "max", "within": "max",
    "up to": "max", "fewer than": "lt", "less than": "lt", "under": "lt", "at least": "min",
    "no fewer than": "min", "no less than": "min", "more than": "gt", "exactly": "eq",
}  # fmt: skip
LANGS = {
    "中文": "zh", "汉语": "zh", "简体中文": "zh", "英文": "en", "英语": "en", "日文": "ja",
    "日语": "ja", "韩文": "ko", "韩语": "ko", "法语": "fr", "法文": "fr", "english": "en",
    "chinese": "zh", "japanese": "ja", "korean": "ko", "french": "fr",
}  # fmt: skip


def _n(text: str) -> int:
    return int(text) if text.isdigit() else _NUM[text]


def _alt(words: dict[str, str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


def _quoted(text: str) -> list[str]:
    return re.findall(LIT, text)


Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], dict[str, Any] | None]]


def _zh_length(m: re.Match[str]) -> dict[str, Any] | None:
    unit = "han" if m.group(1) else "chars"
    if m.group(2):
        op = ZH_CMP[m.group(2)]
    elif m.group(4):
        op = "max"  # "(在)N字以内": at most N
    else:
        return None  # "字数100": no operator, ambiguous
    return {"length": {"unit": unit, op: _n(m.group(3))}}


def _en_length(m: re.Match[str]) -> dict[str, Any]:
    unit = "words" if m.group(3).startswith("word") else "chars"
    return {"length": {"unit": unit, EN_CMP[m.group(1).lower()]: int(m.group(2))}}


def _emoji(m: re.Match[str]) -> dict[str, Any]:
    """使用emoji → at least one; 使用3个emoji → exactly 3; 至少3个 → at least 3."""
    at_least, count, distinct = m.group(1) or m.group(2), m.group(3), m.group(4)
    op = "min" if at_least or count is None else "eq"
    n = _n(count) if count else 1
    return {("distinct_emoji" if distinct else "emoji_count"): {op: n}}


def _contains(negated: bool) -> Callable[[re.Match[str]], dict[str, Any] | None]:
    def build(m: re.Match[str]) -> dict[str, Any] | None:
        lits = _quoted(m.group(1))
        if not lits:
            return None
        return {("not_contains" if negated else "contains"): lits if len(lits) > 1 else lits[0]}

    return build


_I = re.IGNORECASE
RULES: list[Rule] = [
    (
        re.compile(
            rf"{ZH_REPLY}(汉字)?字数(?:数量)?(?:应|要|需)?(?:({_alt(ZH_CMP)})|在)?\s*{N}\s*个?字?(以内|之内)?"
        ),
        _zh_length,
    ),
    (
        re.compile(
            rf"{REPLY}(?:be )?({_alt(EN_CMP)}) (\d+) (words?|characters?|chars?)(?: long)?", _I
        ),
        _en_length,
    ),
    (re.compile(rf"{ZH_REPLY}以{LIT}(?:开头|开始)"), lambda m: {"starts_with": m.group(1)}),
    (re.compile(rf"{ZH_REPLY}以{EMOJI}(?:开头|开始)"), lambda m: {"starts_with": m.group(1)}),
    (re.compile(rf"{ZH_REPLY}以{EMOJI}(?:结尾|结束)"), lambda m: {"ends_with": m.group(1)}),
    (re.compile(rf"{ZH_REPLY}以{LIT}(?:结尾|结束)"), lambda m: {"ends_with": m.group(1)}),
    (
        re.compile(rf"{ZH_REPLY}(?:开头|开始)(?:必须)?(?:是|为){LIT}"),
        lambda m: {"starts_with": m.group(1)},
    ),
    (
        re.compile(rf"{ZH_REPLY}(?:结尾|结束)(?:必须)?(?:是|为){LIT}"),
        lambda m: {"ends_with": m.group(1)},
    ),
    (
        re.compile(rf"{REPLY}(?:begin|start)s? with {LIT}", _I),
        lambda m: {"starts_with": m.group(1)},
    ),
    (
        re.compile(rf"{REPLY}(?:end|finish)(?:es|s)? with {LIT}", _I),
        lambda m: {"ends_with": m.group(1)},
    ),
    (
        re.compile(
            rf"{ZH_REPLY}(?:不能|不得|不要|不可以?|禁止|避免|不)(?:包含|出现|使用|提及|提到)((?:{LIT}[、，,和及与或]?)+)"
        ),
        _contains(True),
    ),
    (re.compile(rf"{ZH_REPLY}(?:包含|提及|提到|出现)((?:{LIT}[、，,和及与]?)+)"), _contains(False)),
    (
        re.compile(
            rf"{REPLY}{EN_NOT}(?:contain|include|mention|use|say) "
            rf"((?:{LIT}(?:,? and |, |,? or )?)+)",
            _I,
        ),
        _contains(True),
    ),
    (
        re.compile(rf"{REPLY}(?:contain|include|mention) ((?:{LIT}(?:,? and |, )?)+)", _I),
        _contains(False),
    ),
    (
        re.compile(
            rf"{ZH_REPLY}(至少)?(?:使用|包含|添加|加入|带有|附带)(?:了)?(至少)?(?:{N}个)?(不同的?)?(?:emoji|表情符号)(?:表情)?",
            _I,
        ),
        _emoji,
    ),
    (
        re.compile(rf"{ZH_REPLY}(?:使用|用|以)({_alt(LANGS)})(?:进行)?(?:回复|回答|作答|输出)"),
        lambda m: {"language": LANGS[m.group(1)]},
    ),
    (
        re.compile(
            rf"{REPLY}(?:reply|respond|answer|be written|write)(?: only)? in ({_alt(LANGS)})", _I
        ),
        lambda m: {"language": LANGS[m.group(1).lower()]},
    ),
    (
        re.compile(rf"{ZH_REPLY}(?:结尾|末尾)不(?:使用|用|要有?|带|加|能有)(?:任何)?标点(?:符号)?"),
        lambda m: {"no_trailing_punctuation": True},
    ),
    (
        re.compile(rf"{ZH_REPLY}(?:全文)?不(?:使用|用|包含|出现)(?:任何)?标点(?:符号)?"),
        lambda m: {"no_punctuation": True},
    ),
    (
        re.compile(rf"{ZH_REPLY}(?:分为|分成|为|包含|共)?{N}(?:个)?段(?:落)?"),
        lambda m: {"paragraph_count": _n(m.group(1))},
    ),
    (
        re.compile(
            rf"{REPLY}(?:have |contain |consist of |be |use )?(?:exactly )?(\d+) paragraphs?", _I
        ),
        lambda m: {"paragraph_count": int(m.group(1))},
    ),
    (
        re.compile(rf"{ZH_REPLY}(?:以|用|使用|按照?)json(?:格式)?(?:输出|回复|回答|返回)?", _I),
        lambda m: {"json": True},
    ),
    (
        re.compile(
            rf"{REPLY}(?:be |output |respond |answer )?(?:valid )?(?:in )?json(?: format)?", _I
        ),
        lambda m: {"json": True},
    ),
    (
        re.compile(
            rf"{ZH_REPLY}(?:以|用|使用)表格(?:的)?(?:形式|格式)?(?:输出|回复|呈现|展示|回答)?"
        ),
        lambda m: {"markdown_table": True},
    ),
    (re.compile(rf"{ZH_REPLY}不(?:能|要|得)?(?:使用|用)表格"), lambda m: {"markdown_table": False}),
    (
        re.compile(rf"{ZH_REPLY}不(?:能|要|得)?(?:使用|用)markdown(?:格式|语法)?", _I),
        lambda m: {"no_markdown": True},
    ),
    (
        re.compile(rf"{ZH_REPLY}不(?:能|要|得)?(?:使用|用)?加粗(?:格式|字体)?"),
        lambda m: {"no_bold": True},
    ),
    (
        re.compile(rf"{ZH_REPLY}不(?:能|要|得)?(?:使用|出现|包含)(?:任何)?(?:阿拉伯)?数字"),
        lambda m: {"no_digits": True},
    ),
]


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().rstrip("。.!！;；").strip()


def classify(text: str) -> dict[str, Any] | None:
    """The program check for a constraint text, or None when only a judge can decide it.

    The text as written is tried first so literals keep their own punctuation (！ not !); the
    NFKC form then catches full-width digits and letters."""
    raw = text.strip().rstrip("。.!！;；").strip()
    for candidate in dict.fromkeys((raw, normalise(text))):
        for rx, build in RULES:
            m = rx.fullmatch(candidate)
            if m is not None:
                spec = build(m)
                if spec is not None:
                    return spec
    return None
