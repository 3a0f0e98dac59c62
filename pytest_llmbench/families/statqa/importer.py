"""``llmbench import statqa``: official mini-StatQA items → suite files in a folder the user names.

The files hold the benchmark's data (GPL-3.0) and are never committed to this project. One file
per prompt strategy and task; each scenario keeps the official ground-truth string verbatim so
the scorer's two modes see exactly what the official scorer saw.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_llmbench.suite_writer import write_suite

from .methods import DESCRIPTIVE_METHODS, TASKS
from .prompts import STRATEGIES, build_prompt, choose_demonstrations, column_line, generation_params
from .source import Item, load_column_metadata
from .suitefile import CITATION, answer_json, slug

SOURCE = "mini-StatQA, github.com/HKUSTDial/StatQA @ 31ca981b9d8dbf7423e5bfc07d7ba4374b3544cd"


@dataclass(frozen=True)
class ImportOptions:
    strategy: str = "zero-shot"
    seed: int = 0
    mode: str = "official"  # how column lines map the type names (see prompts.column_line)


def wrong_answer(gold: dict[str, list[str]]) -> str:
    """A fail reference: the gold columns with one method that cannot be right added.

    A descriptive statistic is never in the gold of another task, and for descriptive items
    the gold is one statistic, so adding a second one is wrong too.
    """
    extra = next(x for x in DESCRIPTIVE_METHODS if x not in gold["methods"])
    return answer_json(gold["columns"], [*gold["methods"], extra])


def scenario(item: Item, column_lines: list[str], opts: ImportOptions) -> dict[str, Any]:
    demos = choose_demonstrations(opts.strategy, opts.seed, item.index)
    gold = item.gold
    return {
        "id": f"item-{item.index:04d}",
        "user": build_prompt(opts.strategy, column_lines, item.question, demos),
        "expect": [{"statqa/answer": {"ground_truth": item.ground_truth}}],
        "metadata": {
            "task": item.task,
            "difficulty": item.difficulty,
            "dataset": item.dataset,
            "index": item.index,
            "demonstrations": list(demos),
        },
        # The gold itself passes in strict mode; in official mode the items whose gold has an
        # apostrophe fail even with it (spec §8.1), which is the published behaviour.
        "reference": {
            "pass": [answer_json(gold["columns"], gold["methods"])],
            "fail": [wrong_answer(gold)],
        },
    }


def suite_document(
    items: Iterable[Item], root: Path, task: str, opts: ImportOptions
) -> dict[str, Any]:
    lines_cache: dict[str, list[str]] = {}
    scenarios = []
    for item in items:
        if item.dataset not in lines_cache:
            meta = load_column_metadata(root, item.dataset)
            lines_cache[item.dataset] = [column_line(row, opts.mode) for row in meta]
        scenarios.append(scenario(item, lines_cache[item.dataset], opts))
    return {
        "suite": f"statqa-{opts.strategy}",
        "version": "mini-StatQA",
        "description": f"StatQA ({STRATEGIES[opts.strategy]} prompts), task: {task}.",
        "source": SOURCE,
        "citation": CITATION,
        "license": "GPL-3.0",
        "defaults": {
            "params": generation_params(opts.strategy),
            "tags": ["statqa", slug(task)],
            "metadata": {
                "benchmark": "statqa",
                "source": "mini-StatQA",
                "prompt": opts.strategy,
                "prompt_seed": opts.seed,
                "column_lines": opts.mode,
            },
        },
        "scenarios": scenarios,
    }


def import_items(items: list[Item], root: Path, out: Path, opts: ImportOptions) -> list[Path]:
    """Write one suite file per task that has items; return the paths written."""
    header = (
        f"Imported by `llmbench import statqa --prompt {opts.strategy} --seed {opts.seed}`\n"
        f"from {SOURCE}.\n"
        "Benchmark data under GPL-3.0: do not commit this file to a project under another licence."
    )
    written = []
    for task in TASKS:
        chosen = [i for i in items if i.task == task]
        if not chosen:
            continue
        path = out / f"statqa-{opts.strategy}-{slug(task)}.llmbench.yaml"
        written.append(write_suite(path, suite_document(chosen, root, task, opts), header))
    return written
