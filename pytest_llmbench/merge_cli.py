"""``llmbench merge RESULTS... --output MERGED [gates]``: the shards of a ``--llm-shard`` run
joined into one results file, and the run's gates checked on it.

The exit status is the one the unsharded pytest run would have had: with no gate, 1 when a
scenario failed or errored (as pytest); with gates, what the gates decide (``gates.py``, the
same code as at the end of a run). 2: the inputs cannot be merged (nothing is written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    from pytest_llmbench.options import _existing_file, _rate, _significance, _suite_rate

    p = sub.add_parser(
        "merge",
        help="join the results files of --llm-shard runs and check the gates on the whole",
        description="Join the results files of every shard of a --llm-shard=K/N run into the "
        "results file of the whole run (summary and benchmark aggregates recomputed), then "
        "apply the gates as pytest would have on the unsharded run.",
    )
    p.add_argument("results", nargs="+", type=Path, metavar="RESULTS.json")
    p.add_argument("--output", "-o", required=True, type=Path, metavar="MERGED.json")
    p.add_argument("--fail-under", type=_rate, metavar="RATE", help="as --llm-fail-under")
    p.add_argument(
        "--fail-under-suite",
        type=_suite_rate,
        action="append",
        default=[],
        metavar="SUITE=RATE",
        help="as the llm_fail_under_suite ini lines; repeatable",
    )
    p.add_argument("--baseline", type=_existing_file, metavar="RESULTS.json")
    p.add_argument("--fail-on-regression", action="store_true", help="as --llm-fail-on-regression")
    p.add_argument("--significance", type=_significance, default=0.05, metavar="ALPHA")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pytest_llmbench.atomicfile import write_atomic
    from pytest_llmbench.errors import ResultsFileError
    from pytest_llmbench.results.merge import merge_documents
    from pytest_llmbench.results.reader import read_results
    from pytest_llmbench.results.writer import dumps

    if args.fail_on_regression and args.baseline is None:
        print("llmbench merge: --fail-on-regression needs --baseline=RESULTS.json", file=sys.stderr)
        return 2
    family_notes: list[str] = []
    try:
        merged = merge_documents([(str(p), read_results(p)) for p in args.results], family_notes)
    except ResultsFileError as exc:
        print(f"llmbench merge: {exc}", file=sys.stderr)
        return 2
    for note in family_notes:
        print(f"llmbench merge: {note}", file=sys.stderr)
    # The gates are decided first so that the merged file records the comparisons, as the
    # unsharded run's file does.
    status, notes = gate_status(args, merged)
    write_atomic(args.output, dumps(merged))
    verdicts = merged["scenarios"]
    print(
        f"llmbench merge: {len(args.results)} shard(s), {len(verdicts)} scenario verdict(s) "
        f"written to {args.output}"
    )
    for line in notes:
        print(line)
    return status


def gate_status(args: argparse.Namespace, merged: Any) -> tuple[int, list[str]]:
    import pytest

    from pytest_llmbench import gates
    from pytest_llmbench.options import Settings

    verdicts = merged["scenarios"]
    failed = sum(1 for v in verdicts if v["outcome"] == "failed")
    errors = sum(1 for v in verdicts if v["outcome"] == "error")
    status = int(pytest.ExitCode.TESTS_FAILED if failed or errors else pytest.ExitCode.OK)
    models = tuple(str(m) for m in merged["run"].get("models", []))
    if not verdicts or not models:
        return status, []
    settings = Settings(
        models=models,
        fail_under=args.fail_under,
        fail_under_suite=tuple(args.fail_under_suite),
        baseline=args.baseline,
        fail_on_regression=args.fail_on_regression,
        significance=args.significance,
    )
    result = gates.evaluate(settings, merged["summary"], verdicts, dict(args.fail_under_suite))
    merged["comparisons"] = list(result.comparisons)
    if not result.configured:
        return status, result.notes
    new, notes = gates.exit_status(
        status,
        result.failures,
        tests_failed=failed + errors,
        scenario_failures=failed,
        stopped_early=False,
        inconclusive=result.inconclusive,
        thresholds=result.thresholds,
    )
    return int(new), result.notes + notes
