"""``llmbench import sysbench --source FILE|hf://... --out DIR|--report [--official-code PATH]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_llmbench.errors import LLMBenchError
from pytest_llmbench.families import Command

if TYPE_CHECKING:
    from pytest_llmbench.provenance import Origin, Provenance

HF_FILE = "system_benchmark_eval_datas.json"  # the one file of the Hub dataset


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        required=True,
        metavar="SOURCE",
        help="the official datas/system_benchmark_eval_datas.json you obtained, or "
        "hf://PKU-Baichuan-MLSystemLab/SysBench[@REVISION] (through huggingface_hub)",
    )
    p.add_argument(
        "--official-code",
        metavar="PATH",
        help="your checkout of github.com/PKU-Baichuan-MLSystemLab/SysBench: the judge prompt "
        "and its retry/temperature schedule are read from it (official judge, comparable "
        "with the paper); without it the judge uses our own wording",
    )
    p.add_argument(
        "--out", type=Path, metavar="DIR", help="folder for suite files (optional with --report)"
    )
    p.add_argument(
        "--report",
        action="store_true",
        help="print, per constraint type and per wording family, how many constraints became "
        "program checks, partial checks and judge items",
    )
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
    from pytest_llmbench.families.sysbench.importer import DataError, import_file

    if args.chunk < 1:
        print("llmbench import sysbench: --chunk must be at least 1", file=sys.stderr)
        return 2
    if args.out is None and not args.report:
        print("llmbench import sysbench: give --out DIR (or --report alone)", file=sys.stderr)
        return 2
    try:
        path, label, data = _data(args.source)
        judge, provenance = _judge(args, data)
    except LLMBenchError as exc:
        print(f"llmbench import sysbench: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the local data file (as when the import reads it)
        print(f"llmbench import sysbench: {exc}", file=sys.stderr)
        return 1
    try:
        report = import_file(
            path,
            args.out,
            args.history,
            args.chunk,
            judge=judge,
            provenance=provenance,
            label=label,
        )
    except (OSError, DataError) as exc:
        print(f"llmbench import sysbench: {exc}", file=sys.stderr)
        return 1
    c = report.counts
    written = f" -> {len(report.files)} file(s) in {args.out}" if args.out is not None else ""
    print(
        f"{c['dialogues']} dialogues, {c['turns']} turns, {c['constraints']} constraints "
        f"({c['program']} program, {c['partial']} partial, {c['judge']} judge){written}"
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
    if args.report:
        from pytest_llmbench.families.sysbench.coverage import render

        print("\n".join(render(report.coverage)))
    needy = c["partial"] + c["judge"]
    if needy:
        print(
            f"note: {needy} constraint(s) need --llm-judge-model to be scored "
            "(--llm-no-judge scores only the program checks)"
        )
    wording = "official (read from the checkout)" if judge else "our own (not comparable)"
    print(f"judge wording: {wording}")
    return 0


def _data(source: str) -> tuple[Path, str, Origin]:
    """The local data file, how the suites name it, and its data ``Origin``."""
    from pytest_llmbench.hubsource import fetch, is_hub_source, parse
    from pytest_llmbench.provenance import FileDigest, Origin, sha256_file

    if is_hub_source(source):
        snap = fetch(parse(source), [HF_FILE], required=[HF_FILE])
        return snap.path(HF_FILE), snap.label, snap.origin([HF_FILE])
    path = Path(source)
    digest = FileDigest(path.name, sha256_file(path))
    return path, path.name, Origin("official", location=path.name, files=(digest,))


def _judge(args: argparse.Namespace, data: Origin) -> tuple[dict[str, Any] | None, Provenance]:
    """The official judge's scorer argument (or ``None``: our own) and the suites' provenance."""
    from pytest_llmbench.provenance import Origin, Provenance

    if args.official_code is None:
        own = Origin("own", note="the judge prompt and schedule written for pytest-llmbench")
        decoding = Origin(
            "own", note="no generation parameters for the model under test; our judge schedule"
        )
        return None, Provenance(wording=own, data=data, decoding=decoding, benchmark="sysbench")
    from pytest_llmbench.families.sysbench.official import read

    official = read(args.official_code, args.history)
    provenance = Provenance(
        wording=official.wording, data=data, decoding=official.decoding, benchmark="sysbench"
    )
    return official.judge.to_args(), provenance


COMMANDS = {"import": Command(_configure, _run)}
