"""``llmbench report RESULTS.json... [--html OUT.html]``: the end-of-run summary again, from one
or several results files (CI artifacts, earlier runs), and optionally one self-contained HTML
page that browses them all."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="re-render results files' summaries; --html writes a self-contained page",
    )
    p.add_argument("results", type=Path, nargs="+", metavar="RESULTS.json")
    p.add_argument(
        "--html",
        type=Path,
        metavar="OUT.html",
        help="write one HTML page: the summaries, then every scenario × model with its samples",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pytest_llmbench.errors import ResultsFileError
    from pytest_llmbench.results.reader import read_results

    documents = []
    for path in args.results:
        try:
            documents.append(read_results(path))  # any schema version
        except ResultsFileError as exc:
            print(f"llmbench report: not a results file: {exc}", file=sys.stderr)
            return 2
    from pytest_llmbench.comparison import describe_models
    from pytest_llmbench.families import render_aggregates
    from pytest_llmbench.report.terminal import render_summary

    width = shutil.get_terminal_size((120, 24)).columns
    for n, (path, document) in enumerate(zip(args.results, documents, strict=True)):
        run_info = document["run"]
        if n:
            print()
        where = f" from {path}" if len(documents) > 1 else ""
        print(f"llmbench run {run_info.get('run_id', '?')} ({run_info.get('started', '?')}){where}")
        sys.stdout.write(render_summary(document["summary"], width, color=sys.stdout.isatty()))
        lines = render_aggregates(document["aggregates"])
        models = [str(m) for m in run_info.get("models", [])]
        lines += describe_models(document["scenarios"], models, 0.05)[0]
        for line in lines:
            print(line)
    if args.html is not None:
        from pytest_llmbench.atomicfile import write_atomic
        from pytest_llmbench.report.html import encode_page, render_html

        try:
            write_atomic(args.html, encode_page(render_html(documents)))
        except OSError as exc:
            print(f"llmbench report: cannot write {args.html}: {exc}", file=sys.stderr)
            return 2
        print(f"llmbench: HTML report written to {args.html}")
    return 0
