"""Helpers for the native ToolBH scorers: hallucinated use of real function-calling tools.

A "native" scenario declares tools as OpenAI function schemas with scripted results (see
``docs/toolbh.md``). These helpers read the transcript only, through the public scorer API.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import regex  # type: ignore[import-untyped,unused-ignore]

from pytest_llmbench.families.toolbh.declaration import declarations, declaring_sentences
from pytest_llmbench.families.toolbh.parse import UQ
from pytest_llmbench.scorers.matching import edge_after, edge_before
from pytest_llmbench.scoring.api import ScorerContext, ToolCall

# The narrow phrase list used before issue #20, kept for suites that pass ``phrases``
# explicitly as a reference; by default the scorers use ``declaration.declarations``.
DEFAULT_PHRASES: tuple[str, ...] = (
    r"\bunsolvable\b",
    r"\b(?:cannot|can ?not|can't|can’t|unable to|not able to)\s+(?:\w+\s+){0,3}?"
    r"(?:complete|do|perform|fulfil|fulfill|finish|solve|carry out|send|book|delete|remove|"
    r"submit|access|reserve|fetch|get|look up|check|run|execute|compare|handle)\b",
    r"\b(?:no|none of the|not any)\s+(?:available\s+|provided\s+|suitable\s+)?tools?\b",
    r"\b(?:is|isn't|is not|are not|aren't)\s+(?:not\s+)?possible\b",
)


def declared(ctx: ScorerContext) -> dict[str, Mapping[str, Any]]:
    """Function name -> its ``function`` object, for every tool the scenario sends."""
    out: dict[str, Mapping[str, Any]] = {}
    for tool in ctx.tools:
        fn = tool.get("function") if isinstance(tool, Mapping) else None
        if isinstance(fn, Mapping) and isinstance(fn.get("name"), str):
            out[fn["name"]] = fn
    return out


def results_by_call(ctx: ScorerContext) -> dict[str, str]:
    """Tool-call id -> the content of the tool message that answered it."""
    return {
        m.tool_call_id: m.content or ""
        for m in ctx.messages
        if m.role == "tool" and m.tool_call_id is not None
    }


def is_error_result(content: str) -> bool:
    """The loop answers unknown or unavailable tools with ``{"error": ...}`` (conversation.py)."""
    try:
        value = json.loads(content)
    except ValueError:
        return False
    return isinstance(value, dict) and "error" in value


def successful_calls(ctx: ScorerContext, name: str) -> list[ToolCall]:
    results = results_by_call(ctx)
    return [
        c
        for c in ctx.tool_calls()
        if c.name == name and c.id in results and not is_error_result(results[c.id])
    ]


def schema_problems(function: Mapping[str, Any], call: ToolCall) -> list[str]:
    """Why ``call``'s arguments violate the function's ``parameters`` schema (empty: valid)."""
    args = call.parsed_arguments()
    if args is None:
        return [f"arguments are not valid JSON: {call.arguments[:60]!r}"]
    if not isinstance(args, dict):
        return [f"arguments must be a JSON object, got {type(args).__name__}"]
    schema = function.get("parameters")
    if not isinstance(schema, Mapping):
        return []
    from jsonschema import validators  # lazy: keeps scorer import cheap

    cls = validators.validator_for(schema)
    problems = []
    for err in sorted(cls(schema).iter_errors(args), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in err.path) or "(root)"
        problems.append(f"{where}: {err.message}")
    return problems


def removed_tools(metadata: Mapping[str, Any]) -> list[str]:
    """``metadata.removed_tools``: names, or mappings with a ``name`` (e.g. the old schema)."""
    raw = metadata.get("removed_tools") or []
    if not isinstance(raw, list):
        raise ValueError("metadata.removed_tools must be a list")
    names = []
    for item in raw:
        name = item.get("name") if isinstance(item, Mapping) else item
        if not isinstance(name, str) or not name:
            raise ValueError(f"metadata.removed_tools: bad entry {item!r}")
        names.append(name)
    return names


def compile_phrases(phrases: Sequence[str]) -> list[re.Pattern[str]]:
    out = []
    for p in phrases:
        try:
            out.append(re.compile(p, re.IGNORECASE))
        except re.error as exc:
            raise ValueError(f"invalid phrase regex {p!r}: {exc}") from None
    return out


def declaring_text(reply: str, phrases: Sequence[re.Pattern[str]] | None) -> list[str]:
    """The parts of ``reply`` that declare a step impossible: the detector's clauses by default,
    or the matches of explicit ``phrases``."""
    if phrases is None:
        return declarations(reply)
    return [m.group(0) for rx in phrases if (m := rx.search(reply))]


def unsolvable_evidence(
    ctx: ScorerContext, marker: str, via: str, phrases: Sequence[re.Pattern[str]] | None
) -> list[str]:
    """Where the model declared the task unsolvable: marker-tool calls and/or reply text."""
    found = []
    if via in ("tool", "either"):
        found += [f"{c.name}({c.arguments})" for c in ctx.tool_calls() if c.name == marker]
    if via in ("text", "either"):
        found += [repr(t) for t in declaring_text(ctx.reply, phrases)]
    return found


def _stem(word: str) -> Any:
    # A capability word names a word start ("reserv" is in "reservation", "call" in "calls"),
    # a number a whole number ("3" is not in "13").
    w = word.casefold().strip()
    tail = edge_after(w[-1]) if w and w[-1].isdigit() else ""
    return regex.compile(edge_before(w[:1]) + regex.escape(w) + tail if w else r"(?!)")


def mentions(
    ctx: ScorerContext,
    marker: str,
    words: Sequence[str],
    phrases: Sequence[re.Pattern[str]] | None = None,
) -> list[str]:
    """Which of ``words`` name the missing capability: in the marker call's arguments, or in
    the sentences of the reply that declare the step impossible.  Elsewhere in the reply they may
    only echo the user's request ("book a table"), which names nothing."""
    args = [c.parsed_arguments() for c in ctx.tool_calls() if c.name == marker]
    # Re-dumped without ASCII escapes so non-English keywords match too.
    parts = [*(json.dumps(a, ensure_ascii=False) for a in args)]
    if phrases is None:
        parts += declaring_sentences(ctx.reply)
    else:
        parts += declaring_text(ctx.reply, phrases)
    low = " | ".join(parts).casefold()
    return [w for w in words if _stem(w).search(low)]


__all__ = [
    "DEFAULT_PHRASES",
    "UQ",
    "compile_phrases",
    "declared",
    "is_error_result",
    "mentions",
    "removed_tools",
    "results_by_call",
    "schema_problems",
    "successful_calls",
    "unsolvable_evidence",
]
