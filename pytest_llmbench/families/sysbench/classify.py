"""Constraint text → program check, partial check or judge item.

1. ``wording.prepare`` lifts literals out; wordings that say "unless" / "otherwise" go to the
   judge at once.
2. A condition in front ("如果用户询问价格，…", "当输入为英文时，…", "If the user …, …") is cut
   off. If it is *mechanical* (the language the user writes in) the rest can still be a full
   program check, recorded with ``when``; otherwise the condition is the judge's and the rest is
   at most ``partial`` with ``decides: yes`` — a reply that satisfies the rest satisfies the
   implication, while a reply that does not may still be fine when the condition does not hold.
3. Judge-only vocabulary outside the literals (tone, persona, refusal, explanation, relevance,
   quality…) sends the rest to the judge: a keyword never turns such a wording into a check.
4. The rest is cut into clauses (，；。 and connectives such as 并且 / and); every clause must be
   matched whole by a row of ``patterns.FAMILIES``, else the wording is only partly understood
   and goes to the judge. Matched clauses' checks are merged (all must hold); a clause the table
   marks as partial (a necessary condition only: "X 替换为 Y", "用英文总结", an open list 等)
   makes the whole a ``partial`` check with ``decides: no``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

from pytest_llmbench.families.sysbench.builders import Found
from pytest_llmbench.families.sysbench.patterns import match_clause
from pytest_llmbench.families.sysbench.vocabulary import LANG_CODES
from pytest_llmbench.families.sysbench.wording import Wording, prepare

Method = Literal["program", "partial", "judge"]

# Wordings whose logic the table does not model: exceptions and else-branches.
_EXCEPTIONS = re.compile(r"除非|否则|除了|以外|例外|不然|\bunless\b|\botherwise\b|\bexcept\b")
# Judge-only vocabulary (outside literals): tone and style, persona and role, refusal and
# redirection, explanation, relevance and truth, quality words, understanding of the request.
JUDGE_ONLY = {
    "tone": "语气|口吻|口气|腔调|风格|幽默|风趣|诙谐|温柔|温和|亲切|友好|友善|礼貌|客气|热情|"
    "耐心|活泼|可爱|俏皮|严肃|正式|委婉|婉转|轻松|文言文|古文|诗|押韵|对仗|比喻|修辞|拟人|"
    r"\btone\b|polite|friendly|formal|humou?r|funny|playful|gentle|warm(?:ly)?\b|casual|"
    r"cheerful|enthusiastic|respectful|poem|rhym",
    "persona": r"扮演|身份|角色|人设|自称|介绍自己|自我介绍|\bpersona\b|\brole\b|in character|"
    r"pretend|act as|introduce yourself",
    "refusal": r"拒绝|婉拒|回绝|不予回答|无法回答|引导|转移话题|劝说|\brefuse|\bdecline|redirect|"
    r"steer",
    "explanation": r"解释|原因|理由|分析|举例|例子|示例|案例|\bexplain|\breason|\bwhy\b|"
    r"\bexample",
    "relevance": r"相关|无关|围绕|紧扣|贴合|准确|正确|真实|事实|虚构|符合|理解|根据|结合|针对|"
    r"relevant|accurate|correct|truthful|\btrue\b|\bfacts?\b",
    "quality": r"简洁|简短|简要|简练|精炼|详细|具体|详尽|全面|深入|生动|形象|通俗|易懂|浅显|清晰|"
    r"流畅|得体|恰当|适当|合适|鼓励|安慰|共情|同理|关心|态度|情感|尽量|尽可能|(?<!不)可以|建议|推荐|"
    r"concise|brief|detailed|empath|\bkind\b|professional|appropriate|clear(?:ly)?\b|"
    r"\bsimple|easy to|encourag|comfort|recommend|suggest|\btry to\b|\bmay\b(?! not)|"
    r"\bcan\b(?!'t| not)",
}
_JUDGE_ONLY = {k: re.compile(v) for k, v in JUDGE_ONLY.items()}

_CONDITIONS = [
    re.compile(
        r"^(?:如果|假如|假若|倘若|若是|若|要是|一旦|只要|万一)(?P<cond>[^,;]+?)(?:的话|时候?|之时)?"
        r"(?:,|;|那么|则|就)\s*(?:那么|则|就)?"
    ),
    re.compile(r"^(?:当|每当|在)(?P<cond>[^,;]+?)(?:的时候|时候|之时|时)(?:,)?"),
    re.compile(r"^(?:对于|针对|面对)(?P<cond>[^,;]+?),"),
    re.compile(r"^(?P<cond>用户[^,;]{1,30}?)(?:的时候|时候|的话|之时|时)(?:,)?"),
    re.compile(r"^(?:if|when|whenever|in case|once)\b(?P<cond>[^,;]+?)(?:,|;| then )\s*(?:then )?"),
]
# "在回答时" / "每次回复时": a condition that always holds.
_TRIVIAL = re.compile(
    r"(?:你|模型)?(?:每次|每一次)?(?:回答|回复|作答|输出|答复|回应)(?:问题|用户)?"
)
_LANGS = "|".join(sorted(map(re.escape, LANG_CODES), key=len, reverse=True))
_USER_LANGUAGE = [
    re.compile(
        rf"(?:用户|对方|客户|顾客|提问者)?(?:的)?(?:输入|提问|问题|消息|问话|语言|话)?"
        rf"(?:是|为|使用|用|以|采用|使用的是)?(?P<lang>{_LANGS})(?:提问|输入|交流|书写|写|发送|询问|"
        rf"说话|问|沟通|的)?(?:问题|内容|消息)?"
    ),
    re.compile(
        rf"\s*the user(?:'s)? (?:writes|speaks|asks|types|is writing|uses|message is|question is|"
        rf"input is)(?: in| written in)? (?P<lang>{_LANGS})"
    ),
]
_USERISH = re.compile(r"用户|对方|客户|顾客|提问者|输入|提问|问题|消息|user|message|question|input")
_SPLIT = re.compile(
    r"\s*(?:[,;。]|\.(?=\s|$))\s*(?:(?:并且|而且|并|且|同时|另外|此外|还要|还需|也要|以及|and|also|"
    r"then|plus)\s*)*"
    r"|\s*(?:并且|而且|同时)\s*"
    r"|并(?=以|用|在|使用|包含|不|加|将|把|附|每|回|输出|采用)"
    r"|\s+(?:and also|and then|and|also|then)\s+"
)


@dataclass(frozen=True)
class Classification:
    """What the importer writes for one constraint (``method``, ``check``, ``decides``,
    ``when``) and, for the coverage report and for auditing, which families matched and why."""

    method: Method
    check: dict[str, Any] | None = None
    decides: Literal["yes", "no"] | None = None  # partial: the program verdict that is final
    when: dict[str, Any] | None = None  # a mechanical condition on the user message
    families: tuple[str, ...] = ()
    note: str = ""  # why partial or judge, with the words that decided it
    reason: str = ""  # judge items: the kind of reason (for the coverage report)


def _judge(reason: str, detail: str = "") -> Classification:
    return Classification("judge", note=f"{reason}: {detail}" if detail else reason, reason=reason)


def _merge(found: list[tuple[str, Found]]) -> tuple[dict[str, Any], bool, str] | None:
    """The clauses' checks as one mapping; None when two clauses say incompatible things."""
    check: dict[str, Any] = {}
    for _, f in found:
        for key, value in f.check.items():
            if key not in check:
                check[key] = value
                continue
            old = check[key]
            if old == value:
                continue
            if key == "count":  # several literal counts: all must hold
                check[key] = [*(old if isinstance(old, list) else [old]), value]
            elif isinstance(old, dict) and isinstance(value, dict):
                if set(old) & set(value) - {"unit"} or old.get("unit") != value.get("unit"):
                    return None
                check[key] = {**old, **value}
            elif isinstance(old, (str, list)) and isinstance(value, (str, list)):
                both = [
                    *([old] if isinstance(old, str) else old),
                    *([value] if isinstance(value, str) else value),
                ]
                check[key] = list(dict.fromkeys(both))
            else:
                return None
    partial = any(f.partial for _, f in found)
    notes = "; ".join(f.note for _, f in found if f.note)
    return check, partial, notes


def _cover(
    clauses: tuple[str, ...], seps: tuple[str, ...], wd: Wording
) -> list[tuple[str, Found]] | None:
    """Match consecutive clauses to families, longest runs first (a literal list may span a
    comma); None unless every clause is covered."""

    @cache
    def from_(i: int) -> tuple[tuple[str, Found], ...] | None:
        if i == len(clauses):
            return ()
        for j in range(len(clauses), i, -1):
            chunk = "".join(
                clauses[k] + (seps[k] if k < j - 1 else "") for k in range(i, j)
            ).strip()
            if not chunk:
                rest = from_(j)
                if rest is not None:
                    return rest
                continue
            hit = match_clause(chunk, wd)
            if hit is not None:
                rest = from_(j)
                if rest is not None:
                    return (hit, *rest)
        return None

    got = from_(0)
    return list(got) if got is not None else None


def _split(body: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    clauses, seps, last = [], [], 0
    for m in _SPLIT.finditer(body):
        if m.start() == 0 and not m.group().strip(" ,;。."):
            continue
        clauses.append(body[last : m.start()])
        seps.append(m.group())
        last = m.end()
    clauses.append(body[last:])
    return tuple(clauses), tuple(seps)


def _condition(skeleton: str) -> tuple[str | None, str]:
    for rx in _CONDITIONS:
        m = rx.match(skeleton)
        if m is not None:
            cond = m.group("cond").strip()
            if _TRIVIAL.fullmatch(cond):
                return None, skeleton[m.end() :].strip()
            return cond, skeleton[m.end() :].strip()
    return None, skeleton


def _mechanical(cond: str) -> dict[str, Any] | None:
    """A condition a program can decide: which language the user writes in."""
    if not _USERISH.search(cond):
        return None
    for rx in _USER_LANGUAGE:
        m = rx.fullmatch(cond)
        if m is not None:
            return {"user_language": LANG_CODES[m.group("lang")]}
    return None


def _body(body: str, wd: Wording) -> Classification:
    for kind, rx in _JUDGE_ONLY.items():
        hit = rx.search(body)
        if hit is not None:
            return _judge(f"judge-only ({kind})", repr(hit.group(0)))
    clauses, seps = _split(body)
    found = _cover(clauses, seps, wd)
    if not found:
        return _judge("no family of the table matches the whole wording")
    merged = _merge(found)
    if merged is None:
        return _judge("clauses give conflicting checks")
    check, partial, note = merged
    families = tuple(dict.fromkeys(name for name, _ in found))
    if partial:
        return Classification("partial", check, "no", None, families, note)
    return Classification("program", check, None, None, families, note)


@lru_cache(maxsize=8192)
def classify_wording(text: str) -> Classification:
    """The classification of one constraint text (see the module docstring)."""
    wd = prepare(text)
    if not wd.skeleton:
        return _judge("empty")
    if _EXCEPTIONS.search(wd.skeleton):
        return _judge("an exception or else-branch (除非/否则/unless)")
    cond, body = _condition(wd.skeleton)
    result = _body(body, wd)
    if cond is None or result.method == "judge":
        if cond is None:
            return result
        return _judge(f"condition in front, then {result.reason}", f"{cond!r}; {result.note}")
    mechanical = _mechanical(cond)
    if mechanical is not None:
        return Classification(
            result.method, result.check, result.decides, mechanical, result.families,
            "; ".join(x for x in (f"mechanical condition {cond!r}", result.note) if x),
        )  # fmt: skip
    if result.method == "partial":
        return _judge("condition in front of a partial check", repr(cond))
    return Classification(
        "partial", result.check, "yes", None, ("condition", *result.families),
        f"condition {cond!r} is the judge's",
    )  # fmt: skip


def classify(text: str) -> dict[str, Any] | None:
    """The program check that decides a constraint alone, or None (partial and judge items,
    and checks that hold only under a condition)."""
    c = classify_wording(text)
    return c.check if c.method == "program" and c.when is None else None
