"""``llmbench import rules``, ``llmbench rescore rules`` and ``llmbench generate rules``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pytest_llmbench.errors import LLMBenchError
from pytest_llmbench.families import Command
from pytest_llmbench.scoring.api import SCORING_MODES


def _configure_import(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        required=True,
        metavar="DIR_OR_URL",
        help="folder, .jsonl file or http(s) URL (file or folder listing) of official RuLES files",
    )
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")


def _run_import(args: argparse.Namespace) -> int:
    from pytest_llmbench.families.rules.importer import collect, write

    try:
        result = collect(args.source)
    except LLMBenchError as exc:
        print(f"llmbench import rules: {exc}", file=sys.stderr)
        return 2
    for error in result.errors:
        print(f"llmbench import rules: skipped record: {error}", file=sys.stderr)
    total = sum(result.counts.values())
    if not total:
        print(f"llmbench import rules: no RuLES test cases found in {args.source}", file=sys.stderr)
        return 2
    paths = write(result, args.out, args.source)
    print(f"imported {total} RuLES cases into {len(paths)} suite files under {args.out}")
    for (suite, category), n in sorted(result.counts.items()):
        print(f"  {suite:<8} {category:<9} {n}")
    if result.non_discriminating:
        n = len(result.non_discriminating)
        print(f"  {n} helpful case(s) never send the exact trigger (excluded in strict mode)")
    if result.duplicates:
        print(f"  {result.duplicates} duplicate id(s) skipped")
    if result.skipped_files:
        print(f"  {len(result.skipped_files)} other .jsonl file(s) ignored (not RuLES v2 layouts)")
    return 1 if result.errors else 0


def _configure_rescore(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", required=True, type=Path, metavar="IN.jsonl")
    p.add_argument("--output", required=True, type=Path, metavar="OUT.jsonl")
    p.add_argument("--mode", choices=SCORING_MODES, default="official", help="default: official")


def _run_rescore(args: argparse.Namespace) -> int:
    from pytest_llmbench.families.rules.rescore import rescore_file

    report = rescore_file(args.input, args.output, args.mode)
    for error in report.errors:
        print(f"llmbench rescore rules: {error}", file=sys.stderr)
    print(
        f"scored {report.scored} conversation(s) ({args.mode}): {report.passed} passed, "
        f"{report.scored - report.passed} failed; {len(report.errors)} bad line(s); "
        f"written to {args.output}"
    )
    return 1 if report.errors else 0


def _configure_generate(p: argparse.ArgumentParser) -> None:
    from pytest_llmbench.families.rules.generate import SEED

    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    p.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")


def _run_generate(args: argparse.Namespace) -> int:
    from pytest_llmbench.families.rules.generate import write_suites

    paths = write_suites(args.out, args.seed)
    print(f"wrote {len(paths)} RuLES suite files under {args.out} (seed {args.seed})")
    return 0


COMMANDS = {
    "import": Command("import the official RuLES test cases", _configure_import, _run_import),
    "rescore": Command("score RuLES transcripts (JSON Lines)", _configure_rescore, _run_rescore),
    "generate": Command("generate own RuLES suites (seeded)", _configure_generate, _run_generate),
}
