"""The ``llmbench`` command: helpers around the pytest plugin (runs themselves are ``pytest``).

Subcommands are added by later features (import, rescore, upload, report); each lives in its
own module and registers an ``argparse`` sub-parser here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_llmbench import __version__
from pytest_llmbench.errors import LLMBenchError


def _cmd_suites(args: argparse.Namespace) -> int:
    from pytest_llmbench.packaged import available, suites_root

    root = suites_root()
    for name in available():
        files = sorted((root / name).rglob("*.llmbench.yaml"))
        print(f"{name}\t{len(files)} file(s)\t{root / name}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from pytest_llmbench.collect import is_suite_file
    from pytest_llmbench.errors import BadScorerArguments, SuiteError, UnknownScorer, suite_errors
    from pytest_llmbench.families import FamilyError
    from pytest_llmbench.scenario import read_suite
    from pytest_llmbench.scoring.registry import ScorerRegistry

    registry = ScorerRegistry()
    paths: list[Path] = []
    for raw in args.paths:
        p = Path(raw)
        paths.extend(sorted(f for f in p.rglob("*") if is_suite_file(f, ())) if p.is_dir() else [p])
    if not paths:
        print("llmbench validate: no *.llmbench.yaml files found", file=sys.stderr)
        return 2
    bad = 0
    for path in paths:
        try:
            suite, errors = read_suite(path)
        except LLMBenchError as exc:
            bad += 1
            print(str(exc), file=sys.stderr)
            continue
        for sc in suite.scenarios:
            for ref in sc.all_scorer_refs():
                try:
                    registry.build(ref.name, ref.args)
                except (UnknownScorer, BadScorerArguments, FamilyError) as exc:
                    errors.append(SuiteError(path, ref.line, str(exc), sc.id))
        if errors:
            bad += 1
            print(str(suite_errors(errors)), file=sys.stderr)
            continue
        print(f"{path}: ok ({len(suite.scenarios)} scenarios)")
    return 1 if bad else 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from pytest_llmbench.schema import load_schema

    if args.which == "suite":
        from pytest_llmbench.schema.scorers import suite_schema_for_editors

        schema = suite_schema_for_editors()  # every scorer and its arguments, for completion
    else:
        schema = load_schema(args.which)
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="llmbench",
        description="pytest-llmbench helpers. Run suites with: pytest --llm-model=MODEL [PATHS]",
    )
    parser.add_argument("--version", action="version", version=f"pytest-llmbench {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("suites", help="list the suites shipped in the package")
    p.set_defaults(func=_cmd_suites)
    p = sub.add_parser("validate", help="check suite files (schema, scorer names and arguments)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=_cmd_validate)
    p = sub.add_parser("schema", help="print a published JSON Schema")
    p.add_argument("which", choices=("suite", "results"))
    p.set_defaults(func=_cmd_schema)
    _add_family_verbs(sub)
    from pytest_llmbench import cache_cli, init_cli, merge_cli, report_cli, upload_cli

    upload_cli.add_parser(sub)
    report_cli.add_parser(sub)
    init_cli.add_parser(sub)
    cache_cli.add_parser(sub)
    merge_cli.add_parser(sub)
    return parser


FAMILY_VERBS = {
    "import": "convert official benchmark data into suite files",
    "rescore": "score existing model outputs with a benchmark's scorers",
    "generate": "generate fresh benchmark items",
}


def _add_family_verbs(sub: Any) -> None:
    """``llmbench <verb> <family> ...``, for every family declaring the verb.

    Only the declarations are read here; a family's options are added, and its CLI module
    imported, once the command line has named it (``_family_command``).
    """
    from pytest_llmbench.families import all_families

    families = all_families()
    for verb, text in FAMILY_VERBS.items():
        choices = sub.add_parser(verb, help=text).add_subparsers(
            dest="family", required=True, metavar="BENCHMARK"
        )
        for family in families:
            if verb in family.commands:
                p = choices.add_parser(
                    family.name, help=family.commands[verb], aliases=family.aliases, add_help=False
                )
                p.set_defaults(func=None, family_verb=(family, verb))


def _family_command(args: argparse.Namespace, rest: list[str]) -> int:
    family, verb = args.family_verb
    command = family.command(verb)
    parser = argparse.ArgumentParser(
        prog=f"llmbench {verb} {family.name}", description=family.commands[verb]
    )
    command.configure(parser)
    rc: int = command.run(parser.parse_args(rest))
    return rc


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if getattr(args, "family_verb", None) is not None:
        return _family_command(args, rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    rc: int = args.func(args)
    return rc


if __name__ == "__main__":
    sys.exit(main())
