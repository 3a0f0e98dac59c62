"""``llmbench import rules``, ``llmbench rescore rules`` and ``llmbench generate rules``."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from pytest_llmbench.errors import LLMBenchError
from pytest_llmbench.families import Command
from pytest_llmbench.families.rules.wording import INSTRUCTIONS
from pytest_llmbench.scoring.api import SCORING_MODES


def _configure_import(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        required=True,
        metavar="DIR_OR_URL",
        help="folder, .jsonl file, http(s) URL (file or folder listing) of official RuLES "
        "files, or hf://normster/RuLES[@REVISION] (through huggingface_hub)",
    )
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    p.add_argument(
        "--official-code",
        type=Path,
        metavar="PATH",
        help="your checkout of github.com/normster/llm_rules (or lm-evaluation-harness): the "
        "official instruction wording is read from it (static parsing); without it, the "
        "RuLES-style wording of pytest-llmbench is used (not comparable with the papers)",
    )
    p.add_argument(
        "--instructions",
        choices=INSTRUCTIONS,
        default="system",
        help="system: the rules as the system message, reminders removed (S-RuLES, default); "
        "user: the rules as the first user message, reminders kept (the original paper)",
    )


def _run_import(args: argparse.Namespace) -> int:
    from pytest_llmbench.families.rules.importer import collect, data_origin, write
    from pytest_llmbench.families.rules.official import (
        DEFAULT_DECODING,
        DEFAULT_DECODING_ORIGIN,
        read_official,
    )
    from pytest_llmbench.families.rules.templates import OWN_WORDING
    from pytest_llmbench.hubsource import fetch, is_hub_source, parse
    from pytest_llmbench.provenance import Provenance

    source, label, snap = args.source, args.source, None
    try:
        if is_hub_source(args.source):  # the Hub dataset (normster/RuLES): a local snapshot
            snap = fetch(parse(args.source), ["*.jsonl"])
            source, label = str(snap.folder), snap.label
        if args.official_code is not None:
            official = read_official(args.official_code, args.instructions)
            wording, decoding = official.wording, official.decoding
            decoding_origin = official.decoding_origin
        else:
            origin = dataclasses.replace(OWN_WORDING.origin, variant=args.instructions)
            wording = dataclasses.replace(OWN_WORDING, origin=origin)
            decoding, decoding_origin = dict(DEFAULT_DECODING), DEFAULT_DECODING_ORIGIN
        result = collect(source, wording, args.instructions)
    except LLMBenchError as exc:
        print(f"llmbench import rules: {exc}", file=sys.stderr)
        return 2
    for error in result.errors:
        print(f"llmbench import rules: skipped record: {error}", file=sys.stderr)
    total = sum(result.counts.values())
    if not total:
        print(f"llmbench import rules: no RuLES test cases found in {args.source}", file=sys.stderr)
        return 2
    data = data_origin(args.source, result)
    if snap is not None:  # the address apart, the resolved commit as the revision
        data = dataclasses.replace(data, location=snap.ref.address, revision=snap.commit)
    provenance = Provenance(wording.origin, data, decoding_origin, benchmark="rules")
    paths = write(result, args.out, label, provenance, decoding, args.instructions)
    print(f"imported {total} RuLES cases into {len(paths)} suite files under {args.out}")
    if wording.origin.official:
        read = ", ".join(f.path for f in wording.origin.files)
        print(f"  wording: official, {args.instructions} mode (read from {read})")
    else:
        print(
            f"  wording: RuLES-style (our own), {args.instructions} mode; not comparable with "
            "the published numbers (pass --official-code PATH for the official wording)"
        )
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
    "import": Command(_configure_import, _run_import),
    "rescore": Command(_configure_rescore, _run_rescore),
    "generate": Command(_configure_generate, _run_generate),
}
