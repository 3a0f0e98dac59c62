"""The SysBench judge: the retry loop, and our own wording of the upstream checklist protocol
(spec §6.1) with a JSON parser that never evaluates code.

One judge call per turn. The judge sees the system message, the earlier rounds with the
evaluated model's own replies (or the reference replies when the scenario prefills them), the
current user message and reply, and the checklist as ``<id>. <text> | <type>`` lines. It answers
``{"评判理由": "...", "评判结果": {"1": "是", "2": "否"}}``. A try fails when the answer cannot be
parsed or names other item ids; after the last try (upstream: 10, temperature 0 for tries 1-5
and 0.5 for 6-10) the dialogue is an error, never a failure of the model.

A ``Protocol`` says how: ``own_protocol`` (this wording, our parser) or ``official_protocol``
(upstream's prompt read from the user's checkout and its acceptance rules:
``judge_official.py``). Either way an answer that did not finish with ``stop`` (cut at the
token limit, filtered) is re-asked at the same temperature, never parsed: in official mode any
reason but ``stop`` (upstream asserts it), in our own mode a reported one (a backend that
reports none is trusted).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_llmbench.errors import InfrastructureError
from pytest_llmbench.scoring.api import Judge, JudgeReply, Message

from .judge_official import OfficialJudge, OfficialParseError, never_accepted, parse_official

REASON_KEY, RESULT_KEY = "评判理由", "评判结果"
YES, NO = "yes", "no"  # stored verdicts; any other label is kept verbatim (e.g. 不适用)
_YES = {"是", "yes", "y", "true", "satisfied", "pass", "passed", "符合", "满足"}
_NO = {"否", "no", "n", "false", "not satisfied", "violated", "fail", "failed", "不符合", "不满足"}
_RESULT_KEYS = (RESULT_KEY, "verdicts", "results", "result", "verdict")
_REASON_KEYS = (REASON_KEY, "reasoning", "reason", "explanation")
# ```json ... ``` or '''json ... ''' (the upstream prompt's own example uses ''').
_FENCE = re.compile(r"(?:```|''')[ \t]*(?:json)?[ \t]*\n?(.*?)(?:```|''')", re.S | re.I)

SYSTEM_PROMPT = """\
You are an expert grader of how well an AI assistant follows its system message. You will see \
the assistant's system message, the earlier rounds of a conversation, the current user message, \
the assistant's current reply, and a checklist of constraints for that reply. Judge ONLY the \
current reply, in the context of the conversation, against each checklist item, strictly and \
literally."""

INSTRUCTIONS = """\
For each checklist item decide whether the current reply satisfies it: "是" (yes, satisfied) or \
"否" (no, violated). Answer with one JSON object and nothing else, in exactly this form:
{"评判理由": "<your reasoning, item by item>", "评判结果": {%s}}
Use every item id listed above exactly once as a key of "评判结果"."""


class JudgeFailed(InfrastructureError):
    """The judge gave no usable verdict in all its tries: the dialogue is a pytest error."""


class JudgeParseError(ValueError):
    pass


@dataclass(frozen=True)
class ChecklistLine:
    id: str
    text: str
    type_label: str
    # The item's key in the official data's criteria object, when the suite records it: upstream
    # shows the judge ``criteria_id`` but matches its answer against these keys.
    key: str | None = None


@dataclass
class JudgeOutcome:
    verdicts: dict[str, str]
    reasoning: str
    answers: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _rounds(messages: Sequence[Message]) -> tuple[str | None, list[list[Message]]]:
    system = next((m.content for m in messages if m.role == "system"), None)
    rounds: list[list[Message]] = []
    for m in messages:
        if m.role == "user":
            rounds.append([m])
        elif m.role != "system" and rounds:
            rounds[-1].append(m)
    return system, rounds


def _render_round(msgs: Sequence[Message]) -> list[str]:
    out = []
    for m in msgs:
        if m.role == "tool":
            out.append(f"tool ({m.name}): {m.content or ''}")
        elif m.role == "assistant" and not m.content and m.tool_calls:
            out.append("assistant: " + ", ".join(f"[calls {c.name}]" for c in m.tool_calls))
        else:
            out.append(f"{m.role}: {m.content or ''}")
    return out


def build_messages(
    messages: Sequence[Message], checklist: Sequence[ChecklistLine]
) -> list[dict[str, str]]:
    """The judge request for the last round of ``messages`` (the reply being judged)."""
    system, rounds = _rounds(messages)
    parts = ["[System message]", system or "(none)", ""]
    for i, r in enumerate(rounds[:-1], 1):
        parts += [f"[Round {i}]", *_render_round(r), ""]
    current = rounds[-1] if rounds else []
    reply = next((m.content or "" for m in reversed(current) if m.role == "assistant"), "")
    parts += [f"[Round {len(rounds)}: current user message]", current[0].content or ""]
    parts += ["", "[Current reply to grade]", reply, "", "[Checklist]"]
    parts += [f"{c.id}. {c.text} | {c.type_label}" for c in checklist]
    example = ", ".join(f'"{c.id}": "是"' for c in checklist[:2])
    parts += ["", INSTRUCTIONS % example]
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "\n".join(parts)},
    ]


def _candidates(text: str) -> list[str]:
    """Texts that may hold the JSON object: the whole answer, each fenced block, and every
    substring starting at a '{' (decoded with ``raw_decode``, which stops at its end)."""
    return [text.strip(), *(m.group(1).strip() for m in _FENCE.finditer(text))]


def _objects(text: str) -> list[dict[str, Any]]:
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    for cand in _candidates(text):
        try:
            value = json.loads(cand)
        except ValueError:
            value = None
        if isinstance(value, dict):
            found.append(value)
    for i, ch in enumerate(text):
        if ch == "{" and len(found) < 20:
            try:
                value, _ = decoder.raw_decode(text, i)
            except (ValueError, RecursionError):
                continue
            if isinstance(value, dict):
                found.append(value)
    return found


def label(value: object) -> str:
    """是/yes/true → ``yes``; 否/no/false → ``no``; another label (不适用, 无法判断) verbatim."""
    if isinstance(value, bool):
        return YES if value else NO
    if not isinstance(value, (str, int, float)):
        raise JudgeParseError(f"verdict {value!r} is not a label")
    text = str(value).strip()
    low = text.lower().strip(" .。!！")
    if low in _YES:
        return YES
    if low in _NO:
        return NO
    if not text:
        raise JudgeParseError("empty verdict label")
    return text


def _norm_id(key: object) -> str:
    return str(key).strip().rstrip(".").strip()


def parse_verdicts(text: str, ids: Sequence[str]) -> tuple[dict[str, str], str]:
    """``({id: label}, reasoning)`` from a judge answer; JudgeParseError when it is unusable
    (no JSON object with a verdict map, or item ids other than ``ids``)."""
    want = [_norm_id(i) for i in ids]
    problem = "no JSON object in the answer"
    for obj in _objects(text):
        result: Any = next((obj[k] for k in _RESULT_KEYS if k in obj), None)
        if result is None and obj and all(_norm_id(k) in want for k in obj):
            result = obj  # a bare {"1": "是"} map
        if not isinstance(result, Mapping):
            # Objects nested in a verdict map are found too: keep the more specific problem.
            if problem.startswith("no JSON"):
                problem = f"no {RESULT_KEY!r} object in the JSON answer"
            continue
        try:
            verdicts = {_norm_id(k): label(v) for k, v in result.items()}
        except JudgeParseError as exc:
            problem = str(exc)
            continue
        if set(verdicts) != set(want) or len(verdicts) != len(result):
            missing = sorted(set(want) - set(verdicts))
            extra = sorted(set(verdicts) - set(want))
            problem = f"item ids differ from the checklist (missing {missing}, unexpected {extra})"
            continue
        reason = next((obj[k] for k in _REASON_KEYS if k in obj), "")
        return verdicts, reason if isinstance(reason, str) else json.dumps(reason)
    raise JudgeParseError(problem)


def temperature(attempt: int) -> float:
    return 0.0 if attempt < 5 else 0.5


Request = list[dict[str, str]]


@dataclass(frozen=True)
class JudgeProtocol:
    """How one turn is judged: the request, the parser, one temperature per try, and the
    re-asks allowed for one try whose answer did not finish with ``stop``."""

    name: str  # "own" or "official"
    build: Callable[[Sequence[Message], Sequence[ChecklistLine]], Request]
    parse: Callable[[str, Sequence[ChecklistLine]], tuple[dict[str, str], str]]
    temperatures: tuple[float, ...]
    stop_retries: int = 10
    strict_stop: bool = False  # official: finish_reason must be exactly "stop"
    rejects: Callable[[str], str | None] = lambda reply: None  # a reply no answer can pass


def own_protocol(tries: int = 10) -> JudgeProtocol:
    def parse(answer: str, checklist: Sequence[ChecklistLine]) -> tuple[dict[str, str], str]:
        return parse_verdicts(answer, [c.id for c in checklist])

    return JudgeProtocol("own", build_messages, parse, tuple(map(temperature, range(tries))))


def official_protocol(judge: OfficialJudge) -> JudgeProtocol:
    def build(messages: Sequence[Message], checklist: Sequence[ChecklistLine]) -> Request:
        lines = [(c.id, c.text, c.type_label) for c in checklist]
        return [{"role": "user", "content": judge.render(messages, lines)}]

    def parse(answer: str, checklist: Sequence[ChecklistLine]) -> tuple[dict[str, str], str]:
        try:
            return parse_official(answer, [(c.key or c.id, c.id) for c in checklist])
        except OfficialParseError as exc:
            raise JudgeParseError(str(exc)) from None

    return JudgeProtocol(
        "official",
        build,
        parse,
        judge.temperatures,
        judge.stop_retries,
        strict_stop=True,
        rejects=never_accepted,
    )


def _finished(reply: JudgeReply, strict: bool) -> bool:
    return reply.finish_reason == "stop" or (not strict and reply.finish_reason is None)


async def ask(
    judge: Judge,
    messages: Sequence[Message],
    checklist: Sequence[ChecklistLine],
    tries: int = 10,
    protocol: JudgeProtocol | None = None,
) -> JudgeOutcome:
    protocol = protocol or own_protocol(tries)
    reply_text = next((m.content or "" for m in reversed(messages) if m.role == "assistant"), "")
    doomed = protocol.rejects(reply_text)
    if doomed is not None:
        raise JudgeFailed(f"judge {judge.model}: no verdict possible: {doomed}")
    request = protocol.build(messages, checklist)
    answers: list[str] = []
    problems: list[str] = []
    calls = 0
    for temp in protocol.temperatures:
        for _ in range(protocol.stop_retries):
            got = await judge.reply(request, temperature=temp, attempt=calls)
            calls += 1
            answers.append(got.text)
            if _finished(got, protocol.strict_stop):
                break
            problems.append(f"finish_reason {got.finish_reason!r}: re-asked, not parsed")
        else:
            raise JudgeFailed(
                f"judge {judge.model}: {protocol.stop_retries} answers in a row did not finish "
                f"with 'stop' (last: {got.finish_reason!r}); none was parsed"
            )
        try:
            verdicts, reasoning = protocol.parse(got.text, checklist)
        except JudgeParseError as exc:
            problems.append(str(exc))
            continue
        return JudgeOutcome(verdicts, reasoning, answers, problems)
    raise JudgeFailed(
        f"judge {judge.model} gave no usable verdict in {len(protocol.temperatures)} tries "
        f"(last problem: {problems[-1] if problems else 'none'}; "
        f"last answer: {answers[-1][:200]!r})"
    )
