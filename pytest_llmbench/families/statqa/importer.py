"""``llmbench import statqa``: official mini-StatQA items → suite files in a folder the user names.

The files hold the benchmark's data (GPL-3.0) and are never committed to this project. One file
per prompt strategy and task; each scenario keeps the official ground-truth string verbatim so
the scorer's two modes see exactly what the official scorer saw.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_llmbench.provenance import Origin, Provenance
from pytest_llmbench.suite_writer import write_suite

from .decoding import Decoding, own_decoding
from .methods import DESCRIPTIVE_METHODS, TASKS
from .official import OfficialPrompts
from .prompts import STRATEGIES, build_prompt, choose_demonstrations, column_line
from .source import Item, data_origin, load_column_metadata
from .suitefile import CITATION, answer_json, slug

SOURCE = "mini-StatQA, github.com/HKUSTDial/StatQA @ 31ca981b9d8dbf7423e5bfc07d7ba4374b3544cd"
OWN_WORDING_NOTE = "the project's own wording of the sections and demonstrations (docs/statqa.md)"


@dataclass(frozen=True)
class ImportOptions:
    strategy: str = "zero-shot"
    seed: int = 0
    mode: str = "official"  # how column lines map the type names (see prompts.column_line)
    decoding: Decoding = field(default_factory=lambda: own_decoding("gpt", list(STRATEGIES)))
    official: OfficialPrompts | None = None  # official-wording mode when set
    items_path: Path | None = None  # where the items came from (None: the official file)
    limit: int | None = None


def wrong_answer(gold: dict[str, list[str]]) -> str:
    """A fail reference: the gold columns with one method that cannot be right added.

    A descriptive statistic is never in the gold of another task, and for descriptive items
    the gold is one statistic, so adding a second one is wrong too.
    """
    extra = next(x for x in DESCRIPTIVE_METHODS if x not in gold["methods"])
    return answer_json(gold["columns"], [*gold["methods"], extra])


def _prompt(item: Item, column_lines: list[str], opts: ImportOptions) -> tuple[str, list[str]]:
    """The item's prompt and the demonstrations it shows (ids, or official constant names)."""
    if opts.official is None:
        demos = choose_demonstrations(opts.strategy, opts.seed, item.index)
        return build_prompt(opts.strategy, column_lines, item.question, demos), list(demos)
    drawn = opts.official.draw(opts.strategy, opts.seed, item.index)
    prompt = opts.official.prompt(opts.strategy, column_lines, item.question, drawn)
    return prompt, [name for names in drawn.values() for name in names]


def scenario(item: Item, column_lines: list[str], opts: ImportOptions) -> dict[str, Any]:
    prompt, demos = _prompt(item, column_lines, opts)
    gold = item.gold
    return {
        "id": f"item-{item.index:04d}",
        "user": prompt,
        "expect": [{"statqa/answer": {"ground_truth": item.ground_truth}}],
        "metadata": {
            "task": item.task,
            "difficulty": item.difficulty,
            "dataset": item.dataset,
            "index": item.index,
            "demonstrations": demos,
        },
        # The gold itself passes in strict mode; in official mode the items whose gold has an
        # apostrophe fail even with it (spec §8.1), which is the published behaviour.
        "reference": {
            "pass": [answer_json(gold["columns"], gold["methods"])],
            "fail": [wrong_answer(gold)],
        },
    }


def provenance(root: Path, datasets: list[str], opts: ImportOptions) -> Provenance:
    if opts.official is not None:
        wording = opts.official.origin(opts.strategy, opts.seed)
    else:
        wording = Origin("own", variant=opts.strategy, note=OWN_WORDING_NOTE)
    data = data_origin(root, datasets, items_path=opts.items_path, limit=opts.limit)
    return Provenance(wording, data, opts.decoding.origin, benchmark="statqa")


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
    wording = "official" if opts.official is not None else "own"
    return {
        "suite": f"statqa-{opts.strategy}",
        "version": "mini-StatQA",
        "description": f"StatQA ({STRATEGIES[opts.strategy]} prompts, {wording} wording), "
        f"task: {task}.",
        "source": SOURCE,
        "citation": CITATION,
        "license": "GPL-3.0",
        "provenance": provenance(root, sorted(lines_cache), opts).to_json(),
        "defaults": {
            "params": opts.decoding.params[opts.strategy],
            "tags": ["statqa", slug(task)],
            "metadata": {
                "benchmark": "statqa",
                "source": "mini-StatQA",
                "prompt": opts.strategy,
                "prompt_seed": opts.seed,
                "column_lines": opts.mode,
                "wording": wording,
                "decoding": opts.decoding.variant,
            },
        },
        "scenarios": scenarios,
    }


def import_items(items: list[Item], root: Path, out: Path, opts: ImportOptions) -> list[Path]:
    """Write one suite file per task that has items; return the paths written."""
    official = " --official-code CHECKOUT" if opts.official is not None else ""
    header = (
        f"Imported by `llmbench import statqa{official} --prompt {opts.strategy} "
        f"--seed {opts.seed} --decoding {opts.decoding.variant}`\n"
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
