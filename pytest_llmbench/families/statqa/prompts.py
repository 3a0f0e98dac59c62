"""Assembling a StatQA prompt: one user message of ``###`` sections in the benchmark's order.

task description → instruction → method list (or domain knowledge) → [demonstrations] →
column information → [table data, generated items only] → question → response cue.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from .wording import (
    COT,
    DEMONSTRATION_IDS,
    DEMONSTRATIONS,
    INSTRUCTION,
    RESPONSE,
    TASK_DESCRIPTION,
    TASK_DESCRIPTION_WITH_DATA,
    knowledge_block,
    method_list,
)

# Names as in the benchmark's files (and its released answer files) → the paper's names.
STRATEGIES: dict[str, str] = {
    "zero-shot": "0-shot",
    "one-shot": "1-shot",
    "two-shot": "2-shot",
    "zero-shot-CoT": "0-shot-CoT",
    "one-shot-CoT": "1-shot-CoT",
    "stats-prompt": "1-shot+DK",
}
_SHOTS = {"one-shot": 1, "two-shot": 2, "one-shot-CoT": 1, "stats-prompt": 1}
_DATA_TYPES = {"cate": "categorical", "quant": "quantitative"}
# The metadata fields a column line shows: all but the dataset and the free-text description
# (the model must judge from type, size and normality alone), in the metadata file's order.
WITHHELD_FIELDS = ("dataset", "column_description")
SHOWN_FIELDS = ("column_header", "data_type", "num_of_rows", "is_normality")


def is_cot(strategy: str) -> bool:
    return strategy.endswith("-CoT")


def column_line(meta: Mapping[str, Any], mode: str = "official") -> str:
    """One column's metadata line.

    ``official`` maps the type names by substring replacement over the whole line, as upstream
    does, which also rewrites headers (``job_category`` → ``job_categoricalgory``); ``strict``
    maps only the ``data_type`` value.
    """
    values = {k: str(v) for k, v in meta.items() if k not in WITHHELD_FIELDS}
    if mode == "strict":
        values["data_type"] = _DATA_TYPES.get(values["data_type"], values["data_type"])
    line = "; ".join(f"{k}: {v}" for k, v in values.items()) + "."
    if mode == "official":
        for short, full in _DATA_TYPES.items():
            line = line.replace(short, full)
    return line


def choose_demonstrations(strategy: str, seed: int | str, key: int | str) -> tuple[str, ...]:
    """Demonstration ids for one item, drawn from a generator seeded by (seed, item key).

    Upstream draws them unseeded; seeding per item keeps a prompt the same whatever subset or
    order of items is imported.
    """
    shots = _SHOTS.get(strategy, 0)
    if not shots:
        return ()
    rng = random.Random(f"statqa:{seed}:{key}")
    return tuple(rng.sample(DEMONSTRATION_IDS, shots))


def build_prompt(
    strategy: str,
    column_lines: Sequence[str],
    question: str,
    demonstrations: Sequence[str] = (),
    table_csv: str | None = None,
) -> str:
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown prompt strategy {strategy!r} (one of {', '.join(STRATEGIES)})")
    by_id = {d.id: d for d in DEMONSTRATIONS}
    cot = is_cot(strategy)
    task = TASK_DESCRIPTION if table_csv is None else TASK_DESCRIPTION_WITH_DATA
    sections = [f"### Task description\n{task}", f"### Instruction\n{INSTRUCTION}"]
    if strategy == "stats-prompt":
        sections.append(f"### Methods and when they apply\n{knowledge_block()}")
    else:
        sections.append(f"### Methods\n{method_list()}")
    for n, demo_id in enumerate(demonstrations, 1):
        title = "Demonstration" if len(demonstrations) == 1 else f"Demonstration {n}"
        text = by_id[demo_id].render(cot)
        sections.append(f"### {title}\n<example>\n{text}\n</example>")
    sections.append("### Column information\n" + "\n".join(column_lines))
    if table_csv is not None:
        sections.append(f"### Table data (CSV)\n{table_csv.rstrip()}")
    sections.append(f"### Statistical question\n{question}")
    sections.append("### Response\n" + (COT if cot else "") + RESPONSE)
    return "\n".join(sections)


def generation_params(strategy: str) -> dict[str, Any]:
    """The authors' decoding: greedy; 256 new tokens, 1,024 for chain-of-thought prompts."""
    return {"temperature": 0, "max_tokens": 1024 if is_cot(strategy) else 256}
