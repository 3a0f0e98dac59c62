"""``llmbench import|rescore|generate statqa``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pytest_llmbench.errors import LLMBenchError
from pytest_llmbench.families import Command
from pytest_llmbench.scoring.api import SCORING_MODES

from .decoding import DECODINGS
from .prompts import STRATEGIES

_PROMPT_HELP = "prompt strategy: " + ", ".join(f"{k} ({v})" for k, v in STRATEGIES.items())


def _configure_import(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", required=True, type=Path, help="the StatQA data folder")
    p.add_argument("--out", required=True, type=Path, help="folder for the suite files")
    p.add_argument(
        "--prompt",
        action="append",
        choices=[*STRATEGIES, "all"],
        help=f"{_PROMPT_HELP}; repeat or 'all' (default zero-shot)",
    )
    p.add_argument(
        "--official-code",
        type=Path,
        metavar="PATH",
        help="your checkout of github.com/HKUSTDial/StatQA: the prompts are its wording, "
        "assembled as its prompt_organization.py does (read, never executed)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the demonstration draws")
    p.add_argument(
        "--decoding",
        choices=DECODINGS,
        default="gpt",
        help="generation parameters of the runner behind the published GPT numbers "
        "(temperature 0, no max_tokens; default) or of the LLaMA runner",
    )
    p.add_argument(
        "--mode",
        choices=SCORING_MODES,
        default="official",
        help="column lines as upstream renders them (official) or with only data_type mapped",
    )
    p.add_argument("--items", type=Path, help="items file (default SOURCE/StatQA/mini-StatQA.json)")
    p.add_argument("--limit", type=int, help="import only the first N items")
    p.add_argument(
        "--skip-count-check", action="store_true", help="import even if mini-StatQA's counts differ"
    )


def _strategies(args: argparse.Namespace) -> list[str]:
    chosen = args.prompt or ["zero-shot"]
    return list(STRATEGIES) if "all" in chosen else list(dict.fromkeys(chosen))


def _run_import(args: argparse.Namespace) -> int:
    from pytest_llmbench.official_source import OfficialSourceError

    from .decoding import official_decoding, own_decoding
    from .importer import ImportOptions, import_items
    from .methods import TASKS
    from .official import open_checkout, read_prompts, unchecked_files
    from .source import ITEMS_FILE, MINI_STATQA_COUNTS, count_mismatches, count_summary, load_items

    try:
        strategies = _strategies(args)
        official = None
        decoding = own_decoding(args.decoding, strategies)
        if args.official_code is not None:
            if args.mode != "official":
                raise LLMBenchError(
                    "--mode strict changes the official column lines; leave it out with "
                    "--official-code"
                )
            # Everything is read before anything is written: a checkout that does not fit
            # stops the import, it never falls back to the project's own wording.
            official = read_prompts(args.official_code, strategies)
            decoding = official_decoding(
                open_checkout(args.official_code), args.decoding, strategies
            )
            changed = unchecked_files(official.checkout.origin())
            for relpath in changed + unchecked_files(decoding.origin):
                print(
                    f"statqa: warning: {relpath} differs from the revision this importer was "
                    "checked against (31ca981); its prompts follow the documented assembly",
                    file=sys.stderr,
                )
        items_path = args.items or args.source / ITEMS_FILE
        items = load_items(items_path)
        summary = count_summary(items)
        print(f"statqa: {items_path}: {json.dumps(summary)}")
        if items_path.name == ITEMS_FILE.name and not args.skip_count_check:
            bad = count_mismatches(summary, MINI_STATQA_COUNTS)
            if bad:
                raise LLMBenchError(
                    "counts differ from mini-StatQA's published ones (use --skip-count-check "
                    "to import anyway): " + "; ".join(bad)
                )
        unknown = sorted({i.task for i in items} - set(TASKS))
        if unknown:
            raise LLMBenchError(f"unknown task(s) in {items_path}: {', '.join(unknown)}")
        if args.limit is not None:
            items = items[: args.limit]
        for strategy in strategies:
            opts = ImportOptions(
                strategy=strategy,
                seed=args.seed,
                mode=args.mode,
                decoding=decoding,
                official=official,
                items_path=args.items,
                limit=args.limit,
            )
            for path in import_items(items, args.source, args.out, opts):
                print(f"statqa: wrote {path}")
    except OfficialSourceError as exc:
        print(f"llmbench import statqa: --official-code: {exc}", file=sys.stderr)
        return 2
    except LLMBenchError as exc:
        print(f"llmbench import statqa: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"llmbench import statqa: {exc}", file=sys.stderr)
        return 2
    return 0


def _configure_rescore(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", required=True, type=Path, help="JSONL: ground_truth, model_output")
    p.add_argument("--output", required=True, type=Path, help="JSONL with the scores added")
    p.add_argument("--mode", choices=SCORING_MODES, default="official", help="scoring mode")


def _run_rescore(args: argparse.Namespace) -> int:
    from .rescore import RescoreTotals, rescore_lines

    totals = RescoreTotals()
    try:
        with (
            args.input.open(encoding="utf-8") as src,
            args.output.open("w", encoding="utf-8") as dst,
        ):
            for row in rescore_lines(src, args.mode, totals, source=str(args.input)):
                dst.write(json.dumps(row, ensure_ascii=False) + "\n")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"llmbench rescore statqa: {exc}", file=sys.stderr)
        return 2
    for error in totals.errors:
        print(error, file=sys.stderr)
    print(totals.summary(args.mode))
    return 1 if totals.errors else 0


def _configure_generate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, required=True, help="seed: same seed, same items")
    p.add_argument("--n", type=int, required=True, help="number of items")
    p.add_argument("--out", type=Path, default=Path("."), help="folder for the suite file")
    p.add_argument("--prompt", choices=list(STRATEGIES), default="zero-shot", help=_PROMPT_HELP)


def _run_generate(args: argparse.Namespace) -> int:
    from .gensuite import write_generated

    if args.n < 1:
        print("llmbench generate statqa: --n must be at least 1", file=sys.stderr)
        return 2
    path = write_generated(args.out, args.seed, args.n, args.prompt)
    print(f"statqa: wrote {args.n} generated item(s) to {path}")
    return 0


COMMANDS = {
    "import": Command(_configure_import, _run_import),
    "rescore": Command(_configure_rescore, _run_rescore),
    "generate": Command(_configure_generate, _run_generate),
}
