"""``llmbench report RESULTS.json [--html OUT.html]``: the end-of-run summary again, from a
results file (for CI artifacts and earlier runs), and optionally a self-contained HTML page."""

from __future__ import annotations

import argparse
import json
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
    try:
        document = json.loads(args.results.read_text(encoding="utf-8"))
        summary = document["summary"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"llmbench report: {args.results}: not a results file: {exc}", file=sys.stderr)
        return 2
    from pytest_llmbench.families import render_aggregates
    from pytest_llmbench.gates import describe, model_comparisons
    from pytest_llmbench.report.terminal import render_summary

    run_info = document.get("run", {})
    print(f"llmbench run {run_info.get('run_id', '?')} ({run_info.get('started', '?')})")
    width = shutil.get_terminal_size((120, 24)).columns
    sys.stdout.write(render_summary(summary, width, color=sys.stdout.isatty()))
    lines = render_aggregates(document.get("aggregates") or {})
    models = [str(m) for m in run_info.get("models", [])]
    if len(models) > 1:
        for cmp in model_comparisons(document.get("results", []), models):
            words = (f"pass only with {cmp.before}", f"pass only with {cmp.after}")
            lines += describe(cmp, f"{cmp.after} vs {cmp.before}", 0.05, words)
    for line in lines:
        print(line)
    if args.html is not None:
        from pytest_llmbench.report.html import render_html

        args.html.write_text(render_html(document), encoding="utf-8")
        print(f"llmbench: HTML report written to {args.html}")
    return 0
