"""``llmbench import toolbh``: official rows -> suite files (one per language and subtask).

Each scenario is one (row, level, variant) prompt scored by ``toolbh/level``; the row itself goes
in ``metadata.item`` (YAML anchors keep one copy per row) so results rows carry everything the
official aggregate needs. The subtask's solvable toolsets go once into the scorer arguments:
they form the pool of the Level-3 matching score. Reference replies (the gold plan, and wrong
answers) let ``--llm-model=llmbench/reference`` / ``violate`` check the imported files.

The wording and the decoding parameters are a ``Harness``: the official one read from the
user's checkout (``official.py``), or our own. Each suite's ``provenance`` records both and the
data's origin; the folder holds the user's data, so it may hold the official wording too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_llmbench.provenance import Origin, Provenance
from pytest_llmbench.suite_writer import write_suite

from .data import Dataset
from .levels import score_both
from .parse import (
    SUBTASK_GROUP,
    UQ,
    gold_plan,
    tool_descriptions,
)
from .wording import OWN, Wording

_SHORT = {"level_1": "l1", "level_2": "l2", "level_3": "l3"}
LICENSE_FILE = "LICENSE-ToolBeHonest.txt"
# Written when no checkout supplies the licence text itself.
_NOTICE = """The ToolBeHonest data in these suites is distributed under the MIT licence,
Copyright (c) 2024 Yuxiang Zhang. The full licence text is the LICENSE file of
https://github.com/ToolBeHonest/ToolBeHonest (import with --official-code to copy it here).
"""


@dataclass(frozen=True)
class Harness:
    """What the importer adds to the data: the wording and the decoding parameters."""

    wording: Wording
    params: Mapping[str, object]
    decoding: Origin
    license_text: str | None = None


OWN_HARNESS = Harness(
    OWN,
    {"temperature": 0.0, "max_tokens": 2048},
    Origin("own", note="temperature 0, max_tokens 2048, not read from a checkout"),
)


def references(row: dict[str, Any], level: str, variant: str) -> dict[str, list[str]] | None:
    """Replies that pass (the gold answer) and fail (wrong ones) in *both* scoring modes.

    Candidates are checked with the scorer itself, so a row the official parser cannot express
    (e.g. a tool name outside ``[\\w\\s+-]`` at Level 3) gets no false reference."""
    other = "solvable" if variant == "unsolvable" else "unsolvable"
    if level == "level_1":
        good, bad = [f"<answer>{variant}</answer>"], [f"<answer>{other}</answer>"]
    else:
        gold, wrong = gold_plan(row, variant), gold_plan(row, other)
        good = [_plan_reply(row, level, gold)] if gold else []
        bad = ["I cannot tell.", _plan_reply(row, level, wrong)]

    def passes(reply: str) -> list[bool]:
        return [r.passed() for r in score_both(row, level, variant, reply).values()]

    good = [g for g in good if all(passes(g))]
    bad = [b for b in bad if not any(passes(b))]
    return {"pass": good, "fail": bad} if good and bad else None


def _plan_reply(row: dict[str, Any], level: str, plan: list[str]) -> str:
    if level == "level_2":
        return "<answer>" + "\n".join(plan) + "</answer>"
    descriptions = tool_descriptions(row["tools"], "strict")
    solvable = gold_plan(row, "solvable")
    lines = []
    for k, tool in enumerate(plan, 1):
        removed = solvable[k - 1] if tool == UQ and k - 1 < len(solvable) else None
        what = descriptions.get(removed or "", "") if removed else f"Use {tool} for this step."
        what = " ".join(what.split()) or "A required capability is missing."
        lines.append(f"Subgoal {k}: {what} Planned tool: {tool}")
    return "<answer>" + "\n".join(lines) + "</answer>"


def suite_document(
    ds: Dataset,
    subtask: str,
    rows: list[dict[str, Any]],
    *,
    levels: Sequence[str],
    variants: Sequence[str],
    harness: Harness = OWN_HARNESS,
) -> dict[str, Any]:
    group = SUBTASK_GROUP[subtask]
    wording = harness.wording
    scenarios = []
    for pos, row in enumerate(rows):
        for variant in variants:
            for level in levels:
                suffix = "" if variant == "unsolvable" else "-solvable"
                sc: dict[str, Any] = {
                    "id": f"{subtask}-{pos:03d}-{_SHORT[level]}{suffix}",
                    "user": wording.render(row, level, variant, ds.language),
                    "tags": [level, variant],
                    "metadata": {
                        "level": level,
                        "variant": variant,
                        "position": pos,
                        "row_id": row.get("id"),
                        "item": row,  # the same object each time: dumped once, then aliased
                    },
                }
                refs = references(row, level, variant)
                if refs:
                    sc["reference"] = refs
                scenarios.append(sc)
    return {
        "suite": f"toolbh/{ds.language}/{subtask}",
        "version": ds.sha256[:12],
        "description": (
            f"ToolBH {group} / {subtask} ({ds.language}), imported from {ds.path.name}: "
            f"{len(rows)} rows; levels {', '.join(levels)}; versions {', '.join(variants)}."
        ),
        "source": f"ToolBeHonest official data, {ds.path.name} sha256 {ds.sha256}",
        "citation": "Zhang et al., ToolBeHonest, EMNLP 2024 (arXiv 2406.20015)",
        "license": f"MIT (c) 2024 Yuxiang Zhang; see {LICENSE_FILE}",
        "provenance": Provenance(
            wording=wording.origin, data=ds.origin, decoding=harness.decoding, benchmark="toolbh"
        ).to_json(),
        "defaults": {
            "params": dict(harness.params),
            "tags": ["toolbh", group.lower()],
            "metadata": {
                "benchmark": "toolbh",
                "protocol": "official",
                "language": ds.language,
                "subtask": subtask,
                "group": group,
                "dataset_sha256": ds.sha256,
                "prompt_variant": wording.variant,
                "wording": wording.source,
            },
            "expect": [
                {
                    "toolbh/level": {
                        "subtask": subtask,
                        "language": ds.language,
                        "dataset_sha256": ds.sha256,
                        "pool_tools": [r["tools"] for r in rows],
                    }
                }
            ],
        },
        "scenarios": scenarios,
    }


def write_suites(
    datasets: Iterable[Dataset],
    out: Path,
    *,
    levels: tuple[str, ...] = ("level_1", "level_2", "level_3"),
    variants: tuple[str, ...] = ("unsolvable",),
    harness: Harness = OWN_HARNESS,
    max_rows: int | None = None,
) -> list[Path]:
    written = []
    out.mkdir(parents=True, exist_ok=True)
    (out / LICENSE_FILE).write_text(harness.license_text or _NOTICE, encoding="utf-8")
    for ds in datasets:
        folder = out / ds.language
        folder.mkdir(exist_ok=True)
        for subtask, rows in ds.by_subtask.items():
            doc = suite_document(
                ds,
                subtask,
                rows[:max_rows] if max_rows else rows,
                levels=levels,
                variants=variants,
                harness=harness,
            )
            path = folder / f"toolbh_{ds.language}_{subtask}.llmbench.yaml"
            written.append(write_suite(path, doc))
    return written


def rescore_lines(ds: Dataset, outputs: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """An official ``results_<model>.json`` as ``llmbench rescore toolbh`` input lines, joined to
    rows by position within the subtask (T11). ``""`` was the official API-error value (T9)."""
    lines: list[dict[str, Any]] = []
    problems: list[str] = []
    for subtask, rows in ds.by_subtask.items():
        per_level = outputs.get(subtask)
        if not isinstance(per_level, dict):
            problems.append(f"no outputs for subtask {subtask!r}")
            continue
        for level in ("level_1", "level_2", "level_3"):
            entries = per_level.get(level) or []
            if len(entries) != len(rows):
                problems.append(f"{subtask}/{level}: {len(entries)} outputs for {len(rows)} rows")
            for pos, (row, entry) in enumerate(zip(rows, entries, strict=False)):
                for variant in ("solvable", "unsolvable"):
                    text = entry.get(variant) if isinstance(entry, dict) else None
                    if not isinstance(text, str):
                        problems.append(f"{subtask}/{level}[{pos}]: no {variant} output")
                        continue
                    line = {
                        "item": row,
                        "level": level,
                        "variant": variant,
                        "model_output": text,
                        "language": ds.language,
                        "position": pos,
                    }
                    if text == "":
                        line["error"] = "empty output (the official API-error value)"
                    lines.append(line)
    return lines, problems


def write_jsonl(path: Path, lines: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
