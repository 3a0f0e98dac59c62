"""``judge``: a rubric graded pass/fail by an LLM judge, with the judge's reason.

The judge is asked through the engine like the model under test (cache, retries, rate limits,
tokens and cost counted), as ``--llm-judge-model`` or the scorer's own ``model:`` (reached at
``--llm-judge-api-base`` when given). The answer format is fixed and parsed deterministically:
the judge reasons first, then its last non-empty line must be exactly ``VERDICT: PASS`` or
``VERDICT: FAIL`` (case, surrounding spaces, Markdown emphasis and a final period are
tolerated; nothing else). The text before it is the reason. An answer without that line, or
cut short (a finish reason other than ``stop``), is re-asked once with a reminder; a second
unusable answer makes the sample an ERROR (``JudgeUnusable``), never a FAIL.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from pytest_llmbench.errors import JudgeUnusable
from pytest_llmbench.scoring.api import (
    Judge,
    JudgeReply,
    Message,
    Score,
    ScorerContext,
    requires_judge,
    scorer,
)

from .matching import check_str, quote, truncate

_VERDICT = re.compile(r"verdict\s*:\s*(pass|fail)", re.IGNORECASE)
_DECORATION = " \t*_`."
REASON_LIMIT = 500  # of the judge's explanation kept as the score's reason

SYSTEM = """\
You grade a conversation between a user and an AI assistant against a rubric. Judge only what \
the rubric asks, strictly and literally. First explain your judgement in a few sentences. Then \
end your answer with one line that is exactly VERDICT: PASS when the graded reply meets the \
rubric, or exactly VERDICT: FAIL when it does not. Write nothing after that line."""

REMINDER = """\
Your answer did not end with the verdict line. Answer again: a short explanation, then a last \
line that is exactly VERDICT: PASS or VERDICT: FAIL."""


def parse_verdict(text: str) -> tuple[bool, str] | None:
    """``(passed, reason)`` from a judge answer, or ``None`` when its last non-empty line is
    not a verdict line."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    match = _VERDICT.fullmatch(lines[-1].strip(_DECORATION))
    if match is None:
        return None
    reason = " ".join(" ".join(lines[:-1]).split())
    return match.group(1).lower() == "pass", reason


def _render(messages: tuple[Message, ...] | list[Message]) -> list[str]:
    out = []
    for m in messages:
        if m.role == "tool":
            out.append(f"tool ({m.name}): {m.content or ''}")
        elif m.role == "assistant" and m.tool_calls:
            calls = ", ".join(f"{c.name}({c.arguments})" for c in m.tool_calls)
            text = f"{m.content} " if m.content else ""
            out.append(f"assistant: {text}[calls {calls}]")
        else:
            out.append(f"{m.role}: {m.content or ''}")
    return out


def build_request(ctx: ScorerContext, rubric: str) -> list[dict[str, Any]]:
    """The judge request: the conversation up to the graded reply, the reply, the rubric."""
    if ctx.level == "conversation":
        body = ["[Conversation to grade]", *_render(list(ctx.messages))]
        target = "the assistant's replies in this conversation"
    else:
        before = list(ctx.messages)[: len(ctx.messages) - len(ctx.turn_messages)]
        body = ["[Conversation so far]", *_render(before), "", "[Reply to grade]"]
        body += _render(ctx.turn_messages) or ["assistant: "]
        target = "the reply to grade"
    body += ["", f"[Rubric for {target}]", rubric]
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n".join(body)}]


def _usable(got: JudgeReply) -> tuple[bool, str] | None:
    if got.finish_reason not in ("stop", None):
        return None  # cut short: even a verdict-looking last line is not the whole answer
    return parse_verdict(got.text)


async def grade(judge: Judge, request: list[dict[str, Any]]) -> Score:
    first = await judge.reply(request, temperature=0.0, attempt=0)
    verdict = _usable(first)
    attempts = 1
    if verdict is None:
        again = [
            *request,
            {"role": "assistant", "content": first.text},
            {"role": "user", "content": REMINDER},
        ]
        second = await judge.reply(again, temperature=0.0, attempt=1)
        attempts = 2
        verdict = _usable(second)
        if verdict is None:
            raise JudgeUnusable(
                f"judge {judge.model}: no verdict line ('VERDICT: PASS' or 'VERDICT: FAIL' "
                f"last) in 2 answers (finish reasons {first.finish_reason!r}, "
                f"{second.finish_reason!r}; last answer {quote(second.text)})"
            )
    passed, reason = verdict
    meta: dict[str, Any] = {"judge_model": judge.model, "verdict": "PASS" if passed else "FAIL"}
    if attempts > 1:
        meta["attempts"] = attempts
    why = truncate(reason, REASON_LIMIT) if reason else "(the judge gave no reason)"
    return Score(passed, f"judge {judge.model}: {why}", 1.0 if passed else 0.0, metadata=meta)


@scorer("judge")
def judge(rubric: str, model: str | None = None) -> Callable[[ScorerContext], Awaitable[Score]]:
    """The judge model decides whether the reply (or, at conversation level, the conversation)
    meets ``rubric``; ``model`` overrides ``--llm-judge-model`` for this scorer."""
    text = check_str(rubric, "rubric", allow_empty=False).strip()
    if not text:
        raise ValueError("rubric must not be blank")
    own = None
    if model is not None:
        own = check_str(model, "model", allow_empty=False).strip()
        provider, _, name = own.partition("/")
        if not provider or not name:
            raise ValueError(f"model must be a litellm 'provider/name', got {model!r}")

    async def score(ctx: ScorerContext) -> Score:
        asker = ctx.judge_for(own) if own is not None and ctx.judge_for else ctx.judge
        if asker is None:  # collection refuses such runs; a direct call may still get here
            raise JudgeUnusable("the judge scorer needs a judge model: pass --llm-judge-model")
        return await grade(asker, build_request(ctx, text))

    return requires_judge(score, "rubric grading", model=own)
