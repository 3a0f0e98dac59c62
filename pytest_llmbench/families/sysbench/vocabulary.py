"""The words the family patterns are written in: macros, operators, numbers and languages.

``MACROS`` maps each ``<NAME>`` of ``patterns.py`` to a regular expression over the skeleton
(``wording.prepare``). Operators are read by ``bounds_for``, the one place that decides what
"为100字以内" or "2个以上" means: a word after the number (以内/以下 at most, 以上 at least) wins
over a word before it (为/是/等于 "equals"), so 字数为100字以内 is *at most* 100; approximate
words (左右, 大约, about) and a number without any operator where none is implied decline.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_llmbench.families.sysbench import wording as w


def _alt(words: Any) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


# --- operators ------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split("|")


OPS: dict[str, str] = {
    # Chinese, before the number
    **dict.fromkeys(_words("小于|少于|低于|不到|短于|不足"), "lt"),
    **dict.fromkeys(_words("大于|多于|超过|高于|长于"), "gt"),
    **dict.fromkeys(_words(
        "不超过|不多于|不大于|不高于|最多|至多|最长|最多只能|最多为|上限为|上限是|不能超过|不得超过|"
        "不要超过|不可超过|不可以超过|不应超过|不超出|控制在|限制在|限定在|保持在"
    ), "max"),
    **dict.fromkeys(_words(
        "不少于|不低于|不小于|最少|至少|起码|不能少于|不得少于|最少为|至少为|至少要|至少需要"
    ), "min"),
    **dict.fromkeys(_words(
        "等于|为|是|正好|恰好|刚好|共|共计|总共|只有|仅有|只|仅|只能|只用|仅用|必须是|必须为"
    ), "eq"),
    # Chinese, after the number
    **dict.fromkeys(_words("以内|之内|以下|内|及以下|或以下|或更少"), "max"),
    **dict.fromkeys(_words("以上|及以上|或以上|或更多"), "min"),
    # English
    **dict.fromkeys(_words(
        "at most|no more than|not more than|up to|a maximum of|maximum of|maximum|max|within|"
        "no longer than|not exceeding|not exceed|never exceed|not go over|not be longer than|"
        "not be more than|to|or fewer|or less|or under|at the most|or shorter"
    ), "max"),
    **dict.fromkeys(_words("under|fewer than|less than|below|shorter than"), "lt"),
    **dict.fromkeys(_words(
        "at least|no fewer than|no less than|a minimum of|minimum of|minimum|or more|at minimum"
    ), "min"),
    **dict.fromkeys(_words("more than|over|longer than"), "gt"),
    **dict.fromkeys(_words("exactly|precisely|only|just"), "eq"),
    # approximate: never a program check
    **dict.fromkeys(_words(
        "约|大约|大概|左右|上下|约为|差不多|about|around|roughly|approximately|nearly"
    ), "approx"),
}  # fmt: skip
_ZH_BEFORE = [k for k in OPS if re.match(r"[\u4e00-\u9fff]", k) and k not in ("以内", "之内")]
ZH_CMP = f"(?P<cmp>{_alt(_ZH_BEFORE)})"
_ZH_AFTER = [
    "以内",
    "之内",
    "以下",
    "内",
    "及以下",
    "或以下",
    "以上",
    "及以上",
    "或以上",
    "左右",
    "上下",
]
EN_CMP = "(?P<cmp>" + _alt([k for k in OPS if re.match(r"[a-z]", k) and not k.startswith("or ")])
EN_CMP += ")"
EN_POST = "(?P<post>" + _alt([k for k in OPS if k.startswith("or ")] + ["at most", "at least"])
EN_POST += "|max(?:imum)?)"


def bounds_for(m: re.Match[str], bare: str | None = "eq") -> dict[str, int] | None:
    """``{op: n}`` (or ``{min, max}`` for a range) from the groups ``cmp``, ``n``, ``n2``,
    ``post``/``post2``; ``bare`` is the operator a number alone means (None: it is ambiguous)."""
    g = m.groupdict()
    n = w.number(g.get("n") or "")
    if n is None:
        return None
    if g.get("n2"):
        top = w.number(g["n2"])
        return {"min": n, "max": top} if top is not None and top >= n else None
    pre = OPS.get((g.get("cmp") or "").strip()) if g.get("cmp") else None
    post_word = g.get("post") or g.get("post2")
    post = OPS.get(post_word.strip()) if post_word else None
    if "approx" in (pre, post):
        return None
    if post is not None:
        if pre not in (None, "eq", post):
            return None  # "至少3个以内": contradictory
        return {post: n}
    op = pre or bare
    return {op: n} if op else None


# --- literals -------------------------------------------------------------------------------

_CASE = re.compile(
    r"大写|小写|区分大小写|大小写一致|uppercase|lowercase|upper case|lower case|case"
)


def literal_list(span: str, wd: w.Wording) -> tuple[list[str], bool]:
    """The literals of a list span, and whether they are alternatives (joined by 或/or)."""
    return wd.literals_in(span), bool(re.search(r"或|\bor\b", span))


def cased(clause: str) -> bool:
    """The wording states the case of its literal (以大写的“OK”开头)."""
    return bool(_CASE.search(clause))


def with_case(value: Any, clause: str, bare: bool = False) -> Any:
    if not cased(clause) or bare:
        return value
    return {"text": value, "case_sensitive": True}


# --- languages ------------------------------------------------------------------------------

LANG_CODES: dict[str, str] = {
    **dict.fromkeys(
        ["中文", "汉语", "简体中文", "繁体中文", "普通话", "chinese", "mandarin"], "zh"
    ),
    **dict.fromkeys(["英文", "英语", "english"], "en"),
    **dict.fromkeys(["日文", "日语", "japanese"], "ja"),
    **dict.fromkeys(["韩文", "韩语", "korean"], "ko"),
    **dict.fromkeys(["法语", "法文", "french"], "fr"),
    **dict.fromkeys(["德语", "德文", "german"], "de"),
    **dict.fromkeys(["西班牙语", "西班牙文", "spanish"], "es"),
    **dict.fromkeys(["俄语", "俄文", "russian"], "ru"),
    **dict.fromkeys(["意大利语", "italian"], "it"),
    **dict.fromkeys(["葡萄牙语", "portuguese"], "pt"),
}
_LANGS = _alt(LANG_CODES)
EN_NUM = f"(?P<n>{w.EN_NUMBER})"

# --- macros ---------------------------------------------------------------------------------

_JOIN = "、|,|/|和|与|及|以及|或者|或|还有|跟| and | or |, and |, or "  # between listed literals
_REPLY_NOUN = "回复|回答|答复|输出|回应|内容|答案|文本|全文|结果|响应|消息"
_NOT = _words(
    "不能|不得|不要|不可以|不可|不准|不许|不应该|不应|不能够|禁止|避免|切勿|请勿|勿|别|严禁|不允许|杜绝|绝不|绝对不要|绝对不能|千万不要|不再|不"
)
_MODAL = _words(
    "必须|务必|一定要|一定|需要|需|应该|应当|应|要|请|都|均|也|还|总是|总要|始终|一律|统一|要求|必需|全部|全都"
)

MACROS: dict[str, str] = {
    # placeholders (wording.prepare)
    "L": w.LIT,
    "LIT": f"(?P<lit>{w.LIT})",
    "LITS": f"(?P<lit>{w.LIT}(?:(?:{_JOIN})?{w.LIT})*)",
    "TPLG": f"(?P<tpl>{w.TPL})",
    "MKG": f"(?P<mk>{w.MARK}|{w.LIT})",
    # Chinese
    "R": (
        f"(?:(?:在|对于)?(?:你的|你|模型的?|助手的?)?(?:每次|每一次|每条|每一条|每个|每一个|所有|"
        f"全部|整个|整篇|本次|这次)?(?:的)?(?:{_REPLY_NOUN})(?:内容|文本|的内容)?"
        f"(?:中|里|里面|当中|之中)?(?:的)?)?"
    ),
    "M": f"(?:(?:{_alt(_MODAL)})(?:要|得)?)*",
    "NOT": f"(?:{_alt(_NOT)})",
    "E": "(?:emoji表情|emoji符号|emojis|emoji|表情符号|表情包|表情|emoticons?)",
    "START": "(?:开头|开始|起头|打头|起始|开篇)",
    "END": "(?:结尾处|结尾|结束|收尾|末尾|结束语)",
    "CASEW": "(?:(?:全大写|全小写|大写|小写|区分大小写)的?)?",
    "SUF": (
        "(?:(?:这个|这一|这些|该|此|的)?(?:表情符号|符号|表情|emoji|字样|字眼|关键词|关键字|词语|"
        "句子|短语|标志|一词|二字|两个字|三个字|四个字|这句话|一句话|这句|文字|语句|标语|口号|话语|"
        "信息|提示|声明|标记|标签|分隔线|分割线|称呼|称谓|内容|字|词))?"
    ),
    "ETC": (
        "(?:(?P<etc>等等|等|之类的?)(?:[\u4e00-\u9fff]{0,4}?(?:词语|词汇|词|字眼|内容|表述|说法|用语|话术|"
        "表达|的话))?)"
    ),
    "N": f"(?P<n>{w.NUMBER})",
    "N2": f"(?P<n2>{w.NUMBER})",
    "ZCMP": ZH_CMP,
    "ZPOST": f"(?P<post>{_alt(_ZH_AFTER)})",
    "ZPOST2": f"(?P<post2>{_alt(_ZH_AFTER)})",
    "LANG": f"(?P<lang>{_LANGS})",
    "LANG2": f"(?P<lang2>{_LANGS})",
    # English
    "ER": (
        "(?:(?:each|every|your|the|all|all of your|any) )*(?:reply|replies|response|responses|"
        "answer|answers|message|messages|output|text)"
    ),
    "EM": (
        "(?:(?:must|should|shall|has to|have to|needs to|need to|is to|will|always|please|also) )*"
    ),
    "ENOT": (
        "(?:must not|mustn't|should not|shouldn't|do not|don't|does not|doesn't|never|cannot|"
        "can't|may not|shall not|will not|won't|must never|should never)"
    ),
    "EE": "(?:emojis?|emoticons?|emoji icons?)",
    "ECMP": EN_CMP,
    "EPOST": EN_POST,
    "EN_N": EN_NUM,
}
