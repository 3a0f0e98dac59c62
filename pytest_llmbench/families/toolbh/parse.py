"""ToolBH answer parsing, in the two scoring modes of ``../shared/benchmarks/toolbh.md`` (§4, §7).

``official`` reproduces the published scorer's regular expressions, quirks included (each
documented where it matters); ``strict`` applies the fixes T1-T5 and T13. Everything here is
pure and total: no parser raises on any model output.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

UQ = "UnsolvableQuery"
UQ_TYPO = "UnsovlableQuery"  # the spelling of the official L3 prompt's example (quirk T5)
# The official scorer starts its name -> description map with a fixed description of its own
# for UnsolvableQuery; ours is worded for this project. It is only ever read when a row's
# solvable gold plan itself holds UnsolvableQuery at an unsolvable step and the toolset text
# does not describe it (a malformed row: ``levels._matching`` flags it).
UQ_DESCRIPTION = "Marks a step, or the whole task, that no provided tool can carry out."
LEVELS = ("level_1", "level_2", "level_3")
VARIANTS = ("solvable", "unsolvable")
SUBTASK_GROUP = {
    "single_step": "MNT",
    "multi_step_wo_rep": "MNT",
    "multi_step_w_rep": "MNT",
    "os": "PT",
    "web": "PT",
    "iter": "LFT",
    "best": "LFT",
}
GROUPS = ("MNT", "PT", "LFT")
ROW_FIELDS = (
    "subtask",
    "task",
    "tools",
    "unsolvable_task",
    "unsolvable_tools",
    "planning_tools",
    "planning_tools_unsolvable",
)

# Official: unanchored, names untrimmed and allowed to cross a line break (T13).
_OFFICIAL_TOOL = re.compile(r"\d+\.\s*([^\:：]+)[:：]\s*(.*)")
_STRICT_TOOL = re.compile(r"\s*\d+\.\s*([^:：]+?)\s*[:：]\s*(.*)")
_ANSWER = r"<answer>(.*?)</answer>"
_OFFICIAL_STEP = re.compile(
    r"(Subgoal \d+[:：]\s*.*?)(?= Planned tool[:：]) Planned tool[:：]\s*([\w\s\+\-]+)(?=\n|$)"
)
_SUBGOAL_PREFIX = re.compile(r"Subgoal\s*\d+[:：]\s*(.*)")
_STRICT_SUBGOAL = re.compile(r"^[\W_]*subgoal\s*\d+\s*[*_]*\s*[:：]\s*(.*)$", re.IGNORECASE)
_STRICT_LABEL = re.compile(r"[*_]*\s*planned\s+tool\s*[*_]*\s*[:：]", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[-*•]\s+|\d+\s*[.)]\s*|(?:step|tool)\s*\d+\s*[:.)-]\s*)", re.I)
_REMARK = re.compile(r"\s*\([^()]*\)\s*$")
_QUOTES = "*`'\"“”‘’[]_"


def check_row(row: Any) -> None:
    """Raise ``ValueError`` naming the first problem of an official data row."""
    if not isinstance(row, Mapping):
        raise ValueError(f"a row must be a JSON object, got {type(row).__name__}")
    missing = [f for f in ROW_FIELDS if f not in row]
    if missing:
        raise ValueError(f"row lacks field(s) {', '.join(missing)}")
    for f in ("task", "tools", "unsolvable_task", "unsolvable_tools", "subtask"):
        if not isinstance(row[f], str):
            raise ValueError(f"row field {f!r} must be a string")
    for f in ("planning_tools", "planning_tools_unsolvable"):
        if not (isinstance(row[f], list) and all(isinstance(t, str) for t in row[f])):
            raise ValueError(f"row field {f!r} must be a list of strings")


def finish_removed(tools: Sequence[str]) -> list[str]:
    """Drop a trailing ``Finish`` (any case): applied to predictions and gold lists alike."""
    out = list(tools)
    return out[:-1] if out and out[-1].lower() == "finish" else out


def parse_toolset(text: str, mode: str) -> list[tuple[str, str]]:
    """``(name, description)`` pairs in text order, duplicates kept (the MS pool needs them)."""
    if mode == "official":
        return [(n, d) for n, d in _OFFICIAL_TOOL.findall(text)]
    out = []
    for line in text.splitlines():
        m = _STRICT_TOOL.match(line)
        if m and m.group(1).strip():
            out.append((m.group(1).strip(), m.group(2).strip()))
    return out


def tool_descriptions(text: str, mode: str) -> dict[str, str]:
    """Name -> description, ``UnsolvableQuery`` first; later duplicates overwrite earlier ones."""
    out = {UQ: UQ_DESCRIPTION}
    out.update(parse_toolset(text, mode))
    return out


def provided_names(row: Mapping[str, Any], variant: str, mode: str) -> dict[str, str]:
    """The names a plan may use. Official: always the *solvable* toolset (quirk T1)."""
    shown = row["tools"] if mode == "official" or variant == "solvable" else row["unsolvable_tools"]
    return tool_descriptions(shown, mode)


def gold_plan(row: Mapping[str, Any], variant: str) -> list[str]:
    key = "planning_tools" if variant == "solvable" else "planning_tools_unsolvable"
    return finish_removed(row[key])


# --- answer blocks ----------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def answer_block(output: str, mode: str) -> str | None:
    """L2/L3 block: first ``<answer>``, shortest text up to ``</answer>``, stripped."""
    if mode == "official":
        m = re.search(_ANSWER, output, re.DOTALL)
    else:
        m = re.search(_ANSWER, _normalise(output), re.DOTALL | re.IGNORECASE)
    return m.group(1).strip() if m else None


def _strip_decoration(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        text = text.strip().strip(_QUOTES).strip().rstrip(".,;:")
    return text


def l1_answer(output: str, mode: str) -> str:
    """The L1 answer text, lower-cased. Official: one-line block, tags case-sensitive (T2)."""
    if mode == "official":
        m = re.search(_ANSWER, output)
        return m.group(1).strip().lower() if m else ""
    m = re.search(_ANSWER, output, re.DOTALL | re.IGNORECASE)
    return _strip_decoration(m.group(1)).lower() if m else ""


# --- tool names -------------------------------------------------------------------------------


def canonical(name: str, provided: Iterable[str]) -> str:
    """Strict mapping: exact name, else the unique case-insensitive provided name (T3, T5)."""
    names = list(provided)
    if name in names:
        return name
    if name.casefold() in (UQ.casefold(), UQ_TYPO.casefold()):
        return UQ
    hits = [n for n in names if n.casefold() == name.casefold()]
    return hits[0] if len(hits) == 1 else name


def _clean_name(raw: str) -> str:
    name = _BULLET.sub("", raw.strip())
    name = _strip_decoration(_REMARK.sub("", _strip_decoration(name)))
    return name


def l2_plan(output: str, mode: str, provided: Iterable[str]) -> list[str]:
    """The predicted L2 plan, Finish removed. Official: lines untrimmed, no block -> ``[""]``."""
    block = answer_block(output, mode)
    if mode == "official":
        return finish_removed(block.split("\n") if block is not None else [""])
    names = list(provided)
    plan: list[str] = []
    for line in (block or "").split("\n"):
        if line.strip().startswith("```"):
            continue
        name = _clean_name(line)
        if not name:
            continue
        pieces = [_clean_name(p) for p in name.split(",")]
        if len(pieces) > 1 and all(canonical(p, names) in names for p in pieces):
            plan.extend(canonical(p, names) for p in pieces)
        else:
            plan.append(canonical(name, names))
    return finish_removed(plan)


# --- L3 steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    text: str  # the step as matched ("Subgoal k: ..." in official mode)
    description: str  # what the matching score embeds
    tool: str


def l3_steps(output: str, mode: str, provided: Iterable[str]) -> list[Step]:
    """The predicted L3 steps, a trailing Finish step removed."""
    block = answer_block(output, mode)
    steps = _official_steps(block or "") if mode == "official" else _strict_steps(block or "")
    if mode != "official":
        names = list(provided)
        steps = [Step(s.text, s.description, canonical(s.tool, names)) for s in steps]
    if steps and steps[-1].tool.lower() == "finish":
        steps = steps[:-1]
    return steps


def _official_steps(block: str) -> list[Step]:
    # Steps vanish or absorb following lines silently here (quirk T4): kept on purpose.
    out = []
    for text, tool in _OFFICIAL_STEP.findall(block.strip()):
        text = text.strip()
        out.append(Step(text, _SUBGOAL_PREFIX.sub(r"\1", text), tool.strip()))
    return out


def _strict_steps(block: str) -> list[Step]:
    lines = [line.strip() for line in block.split("\n")]
    out: list[Step] = []
    i = 0
    while i < len(lines):
        m = _STRICT_SUBGOAL.match(lines[i])
        i += 1
        if not m:
            continue
        rest = m.group(1)
        label = _STRICT_LABEL.search(rest)
        if label is None and i < len(lines) and _STRICT_LABEL.match(lines[i]):
            label_line = lines[i]
            i += 1
            rest, label = rest + " " + label_line, _STRICT_LABEL.search(rest + " " + label_line)
        if label is None:
            continue
        description = _strip_decoration(rest[: label.start()].rstrip(" -–|"))
        tool = _clean_name(rest[label.end() :])
        if not tool and i < len(lines) and not _STRICT_SUBGOAL.match(lines[i]):
            tool = _clean_name(lines[i])  # the tool on the line after the label
            i += 1
        if tool:
            out.append(Step(m.group(0).strip(), description, tool))
    return out


def subgoal_description(text: str) -> str:
    """Official: the description of a tool is passed through the same ``Subgoal k:`` strip."""
    return _SUBGOAL_PREFIX.sub(r"\1", text)
