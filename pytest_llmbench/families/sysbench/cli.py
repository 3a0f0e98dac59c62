"""``llmbench import sysbench --source FILE --out DIR``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pytest_llmbench.families import Command


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        required=True,
        type=Path,
        metavar="FILE",
        help="the official datas/system_benchmark_eval_datas.json you obtained",
    )
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for suite files")
    p.add_argument(
        "--history",
        choices=("model", "reference"),
        default="model",
        help="model: each turn follows the model's own replies (default); reference: one "
        "scenario per round after the human reference replies (the ablation)",
    )
    p.add_argument(
        "--chunk", type=int, default=100, metavar="N", help="dialogues per suite file (100)"
    )


def _run(args: argparse.Namespace) -> int:
    from pytest_llmbench.families.sysbench.loader import ImportError_, import_file

    if args.chunk < 1:
        print("llmbench import sysbench: --chunk must be at least 1", file=sys.stderr)
        return 2
    try:
        report = import_file(args.source, args.out, args.history, args.chunk)
    except (OSError, ImportError_) as exc:
        print(f"llmbench import sysbench: {exc}", file=sys.stderr)
        return 1
    c = report.counts
    print(
        f"{c['dialogues']} dialogues, {c['turns']} turns, {c['constraints']} constraints "
        f"({c['program']} program, {c['judge']} judge) -> {len(report.files)} file(s) in {args.out}"
    )
    print("by type: " + ", ".join(f"{k} {v}" for k, v in c["constraints_by_type"].items()))
    print("turns: " + ", ".join(f"{k} {v}" for k, v in c["turns_by_alignment"].items()))
    print("dialogues: " + ", ".join(f"{k} {v}" for k, v in c["dialogues_by_type"].items()))
    if report.unlabelled:
        shown = "; ".join(report.unlabelled[:10])
        more = f" and {len(report.unlabelled) - 10} more" if len(report.unlabelled) > 10 else ""
        print(f"warning: {len(report.unlabelled)} turn(s) without a checklist (not scored): "
              f"{shown}{more}", file=sys.stderr)  # fmt: skip
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if c["judge"]:
        print(f"note: {c['judge']} constraint(s) need --llm-judge-model to be scored")
    return 0


COMMANDS = {
    "import": Command(
        help="convert the official SysBench JSON into suite files", configure=_configure, run=_run
    )
}
