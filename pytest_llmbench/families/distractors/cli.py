"""``llmbench import|rescore|generate distractors``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pytest_llmbench.families import Command

from .official import DEFAULT_PROMPT, PROMPTS, prompt_name
from .prompt import RENDERINGS, Rendering
from .suitefile import DEFAULT_THRESHOLD


def _threshold(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"threshold must be between 0 and 1, got {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def _configure_import(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", required=True, type=Path, help="the adversarial_datasets folder")
    p.add_argument("--out", required=True, type=Path, help="folder for the suite files")
    p.add_argument(
        "--official-code",
        type=Path,
        metavar="PATH",
        help="your checkout of github.com/zawedcvg/Are-Large-Language-Models-Attentive-Readers: "
        "the official prompt (read, never executed) instead of the project's own",
    )
    p.add_argument(
        "--prompt",
        type=_prompt,
        help="with --official-code: the official prompt, " + ", ".join(PROMPTS) + " (default "
        f"{DEFAULT_PROMPT}) or the function's name in chain_of_thought_prompts.py",
    )
    p.add_argument(
        "--render",
        choices=RENDERINGS,
        help="context layout: blank-line separated paragraphs (default without "
        "--official-code) or upstream's plain concatenation (official; default with it)",
    )
    p.add_argument("--threshold", type=_threshold, default=DEFAULT_THRESHOLD, help="pass F1")
    p.add_argument("--settings", help="comma-separated settings to import, e.g. named_True_2")
    p.add_argument("--limit", type=_positive, help="import only the first N pairs per setting")
    p.add_argument(
        "--no-check-counts",
        dest="check_counts",
        action="store_false",
        help="import even if item counts differ from the published files",
    )


def _prompt(text: str) -> str:
    try:
        return prompt_name(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _run_import(args: argparse.Namespace) -> int:
    from pytest_llmbench.official_source import OfficialSourceError

    from .importer import DataError, run_import
    from .official import read_prompt

    only = {s.strip() for s in args.settings.split(",") if s.strip()} if args.settings else None
    official = None
    if args.prompt is not None and args.official_code is None:
        print("llmbench import distractors: --prompt needs --official-code", file=sys.stderr)
        return 2
    if args.official_code is not None:
        try:
            # Read before anything is written: a checkout that does not fit stops the import,
            # never falls back to the project's own prompt.
            official = read_prompt(args.official_code, args.prompt or DEFAULT_PROMPT)
        except OfficialSourceError as exc:
            print(f"llmbench import distractors: --official-code: {exc}", file=sys.stderr)
            return 2
        for path in official.unchecked_files():
            print(
                f"warning: {path} differs from the revision this importer was checked against "
                "(3c39a4d); its prompt is framed as documented",
                file=sys.stderr,
            )
    rendering: Rendering = "official" if official is not None else "default"
    if args.render is not None:
        rendering = args.render
    try:
        report = run_import(
            args.source,
            args.out,
            rendering=rendering,
            threshold=args.threshold,
            only=only,
            limit=args.limit,
            check_counts=args.check_counts,
            official=official,
        )
    except DataError as exc:
        print(f"llmbench import distractors: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"llmbench import distractors: {exc}", file=sys.stderr)
        return 2
    for name, (items, questions) in sorted(report.settings.items()):
        print(f"{name}\t{items} pairs\t{questions} distinct questions")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"{len(report.question_ids)} distinct questions; wrote {len(report.written)} suite "
        f"file(s) to {args.out} (CC BY-SA data: do not commit them)"
    )
    return 0


def _configure_rescore(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", required=True, type=Path, help='JSONL: {"answer", "model_output"}')
    p.add_argument("--output", required=True, type=Path, help="JSONL with the scores added")
    p.add_argument("--mode", choices=("official", "strict"), default="official")


def _run_rescore(args: argparse.Namespace) -> int:
    from .rescore import rescore_file

    try:
        result = rescore_file(args.input, args.output, args.mode)
    except OSError as exc:
        print(f"llmbench rescore distractors: {exc}", file=sys.stderr)
        return 1
    for error in result.errors:
        print(f"{args.input}:{error}", file=sys.stderr)
    print(result.summary_line())
    return 1 if result.errors else 0


def _configure_generate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", required=True, type=int)
    p.add_argument("--n", required=True, type=_positive, help="number of questions (pairs)")
    p.add_argument("--out", type=Path, help="folder for the suite file (default: stdout)")
    p.add_argument("--threshold", type=_threshold, default=DEFAULT_THRESHOLD, help="pass F1")


def _run_generate(args: argparse.Namespace) -> int:
    from .generator import suite_text

    text = suite_text(args.seed, args.n, args.threshold)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"distractors-seed{args.seed}-n{args.n}.llmbench.yaml"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({2 * args.n} scenarios)")
    return 0


COMMANDS = {
    "import": Command(_configure_import, _run_import),
    "rescore": Command(_configure_rescore, _run_rescore),
    "generate": Command(_configure_generate, _run_generate),
}
