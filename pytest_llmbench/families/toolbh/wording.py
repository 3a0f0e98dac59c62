"""The single user message each ToolBH (row, level, version) sends, in one of three wordings.

* ``official``: the level instructions and message layouts read from the user's checkout of
  ToolBeHonest (``official.py``); the only wording comparable with the published numbers.
* ``corrected``: the official wording with its known defects fixed (spec §3: the
  ``UnsovlableQuery`` typo, the ``<provided_tool>`` tag, the English Level-3 instruction's missing
  rule for undoable sub-goals, the L1 unsolvable message's extra blank line); not comparable.
* ``own``: instructions written for pytest-llmbench, stating the same answer formats the scorer
  reads, for users without a checkout; not comparable.

A message is a template of literal pieces, the instruction, and row fields (``task`` / ``tools``
for the solvable version, ``unsolvable_task`` / ``unsolvable_tools`` for the other).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pytest_llmbench.provenance import Origin

from .parse import UQ, UQ_TYPO

FIELDS = ("task", "tools", "unsolvable_task", "unsolvable_tools")
LEVELS = ("level_1", "level_2", "level_3")
VARIANTS = ("solvable", "unsolvable")
LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class Field:
    """A placeholder of a message template: ``instruction`` or one of ``FIELDS``."""

    name: str


INSTRUCTION = Field("instruction")
Part = str | Field


@dataclass(frozen=True)
class Wording:
    source: str  # "official" (read from a checkout) or "own"
    variant: str  # "official", "corrected" or "own"
    instructions: Mapping[tuple[str, str], str]  # (language, level) -> instruction
    templates: Mapping[tuple[str, str], tuple[Part, ...]]  # (level, variant) -> message
    origin: Origin

    def render(self, row: Mapping[str, Any], level: str, variant: str, language: str) -> str:
        if (language, level) not in self.instructions:
            raise ValueError(f"no ToolBH instruction for language {language!r}, level {level!r}")
        if (level, variant) not in self.templates:
            raise ValueError(f"no ToolBH message for {level!r} / {variant!r}")
        out = []
        for part in self.templates[(level, variant)]:
            if isinstance(part, str):
                out.append(part)
            elif part == INSTRUCTION:
                out.append(self.instructions[(language, level)])
            else:
                out.append(str(row[part.name]))
        return "".join(out)


def _layout(task: str, tools: str) -> tuple[Part, ...]:
    return (
        INSTRUCTION,
        "\n\n<task>\n",
        Field(task),
        "\n</task>\n<provided_tools>\n",
        Field(tools),
        "\n</provided_tools>",
    )


_OWN_TEMPLATES = {
    (level, variant): _layout(*(("task", "tools") if variant == "solvable" else FIELDS[2:]))
    for level in LEVELS
    for variant in VARIANTS
}

# Written for pytest-llmbench. Each states the answer format the scorer reads (spec §1, §4).
_OWN_EN = {
    "level_1": (
        "You are given a task in <task> and, in <provided_tools>, the only tools you may use. "
        "Work out whether the task can be completed with those tools alone, taking into account "
        "every requirement and limit the task states and what each tool can and cannot do.\n"
        "Reply with exactly <answer>solvable</answer> if it can be completed, or exactly "
        "<answer>unsolvable</answer> if it cannot, and write nothing else."
    ),
    "level_2": (
        "Plan how to carry out the task in <task> with the tools listed in <provided_tools>. "
        "Write the plan as tool names only, in the order you would call them, one name per "
        "line, between <answer> and </answer>, for example:\n"
        "<answer>ToolA\nToolB\nToolC</answer>\n"
        "Only names from <provided_tools> are allowed. When no listed tool can carry out a "
        "step, write UnsolvableQuery for that step and keep planning the steps after it. When "
        "the task caps how many tools may be called, write UnsolvableQuery as the step right "
        "after the cap is reached.\n"
        "Give a single plan, with nothing but tool names between the tags."
    ),
    "level_3": (
        "Break the task in <task> into sub-goals and choose, in order, one tool from "
        "<provided_tools> for each. Write one line per sub-goal between <answer> and </answer>, "
        "in this form:\n"
        "<answer>Subgoal 1: [what this step achieves] Planned tool: [ToolName]\n"
        "Subgoal 2: [what this step achieves] Planned tool: [ToolName]</answer>\n"
        'After "Planned tool:" write the tool\'s name and nothing else. Only tools from '
        "<provided_tools> may be chosen. When no listed tool can achieve a sub-goal, choose "
        "UnsolvableQuery for it and let the sub-goal's text say what a tool would have to do "
        "to achieve it; then go on as if that sub-goal were done. When the task caps how many "
        "tools may be called, the sub-goal right after the cap is reached chooses "
        "UnsolvableQuery and its text says that the cap was reached."
    ),
}
_OWN_ZH = {
    "level_1": (
        "<task> 中给出一个任务，<provided_tools> 中列出了唯一可以使用的工具。请结合任务提出的"
        "各项要求与限制，以及每个工具能做和不能做的事情，判断仅凭这些工具能否完成该任务。\n"
        "能完成时只回复 <answer>solvable</answer>，不能完成时只回复 <answer>unsolvable</answer>，"
        "不要写其他任何内容。"
    ),
    "level_2": (
        "请用 <provided_tools> 中列出的工具为 <task> 中的任务制定调用计划。计划只写工具名，"
        "按调用顺序每行一个，放在 <answer> 与 </answer> 之间，例如：\n"
        "<answer>ToolA\nToolB\nToolC</answer>\n"
        "只能使用 <provided_tools> 中出现的工具名。某一步没有任何已列工具能够完成时，在这一步写 "
        "UnsolvableQuery，然后继续规划其后的步骤。任务限定了可调用工具的数量时，在达到上限后的"
        "下一步写 UnsolvableQuery。\n"
        "只给出一个计划，标签之间除工具名外不写任何内容。"
    ),
    "level_3": (
        "请把 <task> 中的任务拆成若干子目标，并按顺序为每个子目标从 <provided_tools> 中选定一个"
        "工具。在 <answer> 与 </answer> 之间每行写一个子目标，格式如下：\n"
        "<answer>Subgoal 1: [这一步要达成什么] Planned tool: [所用工具]\n"
        "Subgoal 2: [这一步要达成什么] Planned tool: [所用工具]</answer>\n"
        "“Planned tool:” 之后只写工具名。只能选用 <provided_tools> 中的工具。某个子目标没有任何"
        "已列工具能够完成时，为它选用 UnsolvableQuery，并在该子目标的文字里说明完成它的工具"
        "需要具备什么能力，然后当作它已完成，继续规划后面的子目标。任务限定了可调用工具的数量"
        "时，达到上限后的下一个子目标选用 UnsolvableQuery，并在文字里说明已达到上限。"
    ),
}

OWN = Wording(
    "own",
    "own",
    {("en", k): v for k, v in _OWN_EN.items()} | {("zh", k): v for k, v in _OWN_ZH.items()},
    _OWN_TEMPLATES,
    Origin("own", note="instructions written for pytest-llmbench; not comparable"),
)

# ``corrected``: our own sentence for the rule the English L3 instruction lacks (the Chinese
# one has it), placed before the instruction's closing paragraph.
_MISSING_TOOL_EN = (
    "When no provided tool can achieve a sub-goal, plan UnsolvableQuery for it and use the "
    "sub-goal's text to say what the missing tool would have to do; then continue the plan "
    "as if that sub-goal were done."
)
_TAG = "<provided_tool>"


def corrected(official: Wording) -> Wording:
    """The official wording with its defects fixed (not comparable with published numbers)."""
    if official.source != "official":
        raise ValueError("the corrected variant edits the official wording")
    instructions = dict(official.instructions)
    for (lang, level), text in official.instructions.items():
        if level != "level_3":
            continue
        if lang == "en" and "\n\n" in text:
            head, _, tail = text.rpartition("\n\n")
            text = f"{head}\n{_MISSING_TOOL_EN}\n\n{tail}"
        instructions[(lang, level)] = text.replace(UQ_TYPO, UQ).replace(_TAG, "<provided_tools>")
    templates = dict(official.templates)
    # The L1 unsolvable message lays out as the solvable one (no extra blank line).
    for level in LEVELS:
        solvable = official.templates[(level, "solvable")]
        swap = {"task": "unsolvable_task", "tools": "unsolvable_tools"}
        templates[(level, "unsolvable")] = tuple(
            Field(swap.get(p.name, p.name)) if isinstance(p, Field) else p for p in solvable
        )
    # Edited official text is no longer the official wording: "own" keeps the run from being
    # marked comparable, while the files and commit still say what was edited.
    origin = replace(
        official.origin,
        source="own",
        variant="corrected",
        note="the official wording with its defects fixed; not comparable",
    )
    return Wording("official", "corrected", instructions, templates, origin)
