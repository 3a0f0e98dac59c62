"""``llmbench report RESULTS.json [--html OUT.html]``: the end-of-run summary again, from a
results file (for CI artifacts and earlier runs), and optionally a self-contained HTML page."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="re-render a results file's summary; --html writes a self-contained page",
    )
    p.add_argument("results", type=Path, metavar="RESULTS.json")
    p.add_argument("--html", type=Path, metavar="OUT.html", help="write an HTML report")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pytest_llmbench.errors import ResultsFileError
    from pytest_llmbench.results.reader import read_results

    try:
        document = read_results(args.results)  # any schema version
    except ResultsFileError as exc:
        print(f"llmbench report: not a results file: {exc}", file=sys.stderr)
        return 2
    from pytest_llmbench.comparison import describe_models
    from pytest_llmbench.families import render_aggregates
    from pytest_llmbench.report.terminal import render_summary

    run_info = document["run"]
    print(f"llmbench run {run_info.get('run_id', '?')} ({run_info.get('started', '?')})")
    width = shutil.get_terminal_size((120, 24)).columns
    sys.stdout.write(render_summary(document["summary"], width, color=sys.stdout.isatty()))
    lines = render_aggregates(document["aggregates"])
    models = [str(m) for m in run_info.get("models", [])]
    lines += describe_models(document["scenarios"], models, 0.05)
    for line in lines:
        print(line)
    if args.html is not None:
        from pytest_llmbench.report.html import render_html

        args.html.write_text(render_html(document), encoding="utf-8")
        print(f"llmbench: HTML report written to {args.html}")
    return 0
