"""``llmbench import toolbh`` and ``llmbench rescore toolbh``.

Imported at every ``llmbench`` start to build the parser: heavy modules (huggingface_hub,
yaml writing, scoring) load inside the ``run`` functions only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pytest_llmbench.errors import LLMBenchError
from pytest_llmbench.families import Command

_LEVELS = ("level_1", "level_2", "level_3")


def _languages(value: str) -> tuple[str, ...]:
    return ("en", "zh") if value == "all" else (value,)


def _configure_import(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        required=True,
        metavar="HF_REPO_OR_FILE",
        help="dataset repo id (e.g. Joelzhang/ToolBeHonest), a test_<lang>.json file, or a folder",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the suite files")
    p.add_argument("--lang", choices=("en", "zh", "all"), default="all", help="default: all")
    p.add_argument("--revision", help="dataset revision (branch, tag or commit) to download")
    p.add_argument("--endpoint", help="Hub endpoint (default: HF_ENDPOINT or huggingface.co)")
    p.add_argument("--cache-dir", help="huggingface_hub cache folder (default: HF_HOME's)")
    p.add_argument("--levels", nargs="+", choices=_LEVELS, default=list(_LEVELS), metavar="LEVEL")
    p.add_argument(
        "--solvable",
        action="store_true",
        help="also write the solvable versions (opt-in, reported apart; spec §8)",
    )
    p.add_argument("--prompt-variant", choices=("official", "corrected"), default="official")
    p.add_argument("--max-rows", type=int, metavar="N", help="first N rows of each subtask")
    p.add_argument(
        "--outputs",
        metavar="RESULTS_JSON",
        help="also convert an official results_<model>.json into rescore input (one language)",
    )


def _run_import(args: argparse.Namespace) -> int:
    from .data import fetch, load_outputs
    from .importer import rescore_lines, write_jsonl, write_suites

    try:
        datasets = fetch(
            args.source,
            _languages(args.lang),
            revision=args.revision,
            endpoint=args.endpoint,
            cache_dir=args.cache_dir,
        )
        out = Path(args.out)
        variants = ("unsolvable", "solvable") if args.solvable else ("unsolvable",)
        written = write_suites(
            datasets,
            out,
            levels=tuple(args.levels),
            variants=variants,
            prompt_variant=args.prompt_variant,
            max_rows=args.max_rows,
        )
        for ds in datasets:
            counts = ", ".join(f"{s} {len(r)}" for s, r in ds.by_subtask.items())
            print(f"{ds.path} ({ds.language}, sha256 {ds.sha256[:12]}): {counts}")
        print(f"wrote {len(written)} suite file(s) under {out}")
        if args.outputs:
            if len(datasets) != 1:
                raise LLMBenchError("--outputs needs a single language (use --lang en or zh)")
            lines, problems = rescore_lines(datasets[0], load_outputs(Path(args.outputs)))
            for p in problems:
                print(f"llmbench import toolbh: {args.outputs}: {p}", file=sys.stderr)
            target = out / f"rescore_{Path(args.outputs).stem}.jsonl"
            write_jsonl(target, lines)
            print(f"wrote {len(lines)} rescore line(s) to {target}")
    except LLMBenchError as exc:
        print(f"llmbench import toolbh: {exc}", file=sys.stderr)
        return 2
    return 0


def _configure_rescore(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", required=True, metavar="IN.jsonl")
    p.add_argument("--output", metavar="OUT.jsonl", help="scored lines (needed unless --aggregate)")
    p.add_argument(
        "--mode",
        choices=("official", "strict"),
        default="official",
        help="official (comparable with the paper; default) or strict (quirks fixed)",
    )
    p.add_argument(
        "--aggregate",
        action="store_true",
        help="print the per-scenario scores and the overall score of the file",
    )
    p.add_argument(
        "--data",
        metavar="FILE",
        help="the official test_<lang>.json, to build the L3 matching pool exactly "
        "(default: rebuilt from the input's rows)",
    )
    p.add_argument(
        "--no-matching", action="store_true", help="skip the L3 matching score (no embeddings)"
    )


def _run_rescore(args: argparse.Namespace) -> int:
    from .data import load_file
    from .rescore import rescore

    if args.output is None and not args.aggregate:
        print("llmbench rescore toolbh: give --output, --aggregate or both", file=sys.stderr)
        return 2
    try:
        data = load_file(Path(args.data)) if args.data else None
        return rescore(
            Path(args.input),
            Path(args.output) if args.output else None,
            mode=args.mode,
            matching=not args.no_matching,
            data=data,
            aggregate=args.aggregate,
        )
    except (LLMBenchError, OSError) as exc:
        print(f"llmbench rescore toolbh: {exc}", file=sys.stderr)
        return 2


COMMANDS = {
    "import": Command(
        "ToolBH: official data (a Hub dataset repo or a local file) -> suite files",
        _configure_import,
        _run_import,
    ),
    "rescore": Command(
        "ToolBH: score model outputs (JSONL) with the official or strict scorer",
        _configure_rescore,
        _run_rescore,
    ),
}
