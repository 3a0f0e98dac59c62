"""``llmbench import toolbh`` and ``llmbench rescore toolbh``.

Imported at every ``llmbench`` start to build the parser: heavy modules (huggingface_hub,
yaml writing, scoring) load inside the ``run`` functions only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_llmbench.errors import LLMBenchError
from pytest_llmbench.families import Command

if TYPE_CHECKING:
    from .importer import Harness

_LEVELS = ("level_1", "level_2", "level_3")
RUNNERS = ("openai", "vllm")  # official.RUNNERS, named here so the parser needs no import


def _languages(value: str) -> tuple[str, ...]:
    return ("en", "zh") if value == "all" else (value,)


def _configure_import(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        required=True,
        metavar="SOURCE",
        help="hf://Joelzhang/ToolBeHonest[@REVISION] (the Hub dataset, through huggingface_hub), "
        "a test_<lang>.json file, or a folder holding them",
    )
    p.add_argument(
        "--official-code",
        metavar="PATH",
        help="your checkout of github.com/ToolBeHonest/ToolBeHonest: the level instructions, "
        "the message layout and the decoding parameters are read from it (official wording, "
        "comparable with the paper); without it the suites use our own wording",
    )
    p.add_argument(
        "--runner",
        choices=tuple(RUNNERS),
        default="openai",
        help="with --official-code: whose decoding parameters to use, the official OpenAI "
        "runner (default) or the vLLM one (open models)",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the suite files")
    p.add_argument("--lang", choices=("en", "zh", "all"), default="all", help="default: all")
    p.add_argument("--revision", help="Hub revision (branch, tag or commit); or write @REVISION")
    p.add_argument("--endpoint", help="Hub endpoint (default: HF_ENDPOINT or huggingface.co)")
    p.add_argument("--cache-dir", help="huggingface_hub cache folder (default: HF_HOME's)")
    p.add_argument("--levels", nargs="+", choices=_LEVELS, default=list(_LEVELS), metavar="LEVEL")
    p.add_argument(
        "--solvable",
        action="store_true",
        help="also write the solvable versions (opt-in, reported apart; spec §8)",
    )
    p.add_argument(
        "--prompt-variant",
        choices=("official", "corrected"),
        help="with --official-code: official (default) or corrected (the prompt defects fixed; "
        "not comparable)",
    )
    p.add_argument("--max-rows", type=int, metavar="N", help="first N rows of each subtask")
    p.add_argument(
        "--outputs",
        metavar="RESULTS_JSON",
        help="also convert an official results_<model>.json into rescore input (one language)",
    )


def _harness(args: argparse.Namespace) -> Harness:
    from .importer import OWN_HARNESS, Harness

    if args.official_code is None:
        if args.prompt_variant is not None or args.runner != "openai":
            raise LLMBenchError("--prompt-variant and --runner need --official-code PATH")
        return OWN_HARNESS
    from .official import read
    from .wording import corrected

    official = read(args.official_code, args.runner)
    wording = (
        corrected(official.wording) if args.prompt_variant == "corrected" else official.wording
    )
    return Harness(wording, official.decoding, official.decoding_origin, official.license_text)


def _run_import(args: argparse.Namespace) -> int:
    from .data import fetch, load_outputs
    from .importer import rescore_lines, write_jsonl, write_suites

    try:
        harness = _harness(args)
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
            harness=harness,
            max_rows=args.max_rows,
        )
        for ds in datasets:
            counts = ", ".join(f"{s} {len(r)}" for s, r in ds.by_subtask.items())
            print(f"{ds.path} ({ds.language}, sha256 {ds.sha256[:12]}): {counts}")
        w = harness.wording
        print(
            f"wrote {len(written)} suite file(s) under {out}; wording {w.variant}"
            + (" (read from the checkout)" if w.source == "official" else " (not comparable)")
        )
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
    "import": Command(_configure_import, _run_import),
    "rescore": Command(_configure_rescore, _run_rescore),
}
