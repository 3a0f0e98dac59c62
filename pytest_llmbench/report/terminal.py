"""The end-of-run summary: a rich table per suite × model, rendered to text and written through
pytest's terminal reporter (rich is imported only when there is something to show)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from pytest_llmbench.redact import scrub
from pytest_llmbench.report.safe import plain
from pytest_llmbench.results.records import SuiteSummary


def _fmt_rate(g: SuiteSummary) -> str:
    if g["pass_rate"] is None:
        return "—"
    lo, hi = g["ci95"] or (0.0, 0.0)
    return f"{100 * g['pass_rate']:.1f}% [{100 * lo:.0f}–{100 * hi:.0f}]"


def _fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}s"


def render_summary(summary: list[SuiteSummary], width: int, color: bool) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    show_k = any("pass_at_k" in g for g in summary)
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False)
    for col in ("suite", "model"):
        table.add_column(col, overflow="fold")
    for col in (
        "pass",
        "fail",
        "error",
        "skip",
        "pass rate [95% CI]",
        *(["pass@k"] if show_k else []),
        "tokens in/out",
        "cost",
        "cached",
        "p50",
        "p95",
    ):
        table.add_column(col, justify="right", no_wrap=True)
    for g in summary:
        cells: list[Any] = [
            Text(g["suite"]),  # Text, not markup: names come from user files
            Text(g["model"] or "—"),
            str(g["passed"]),
            Text(str(g["failed"]), style="red" if g["failed"] else ""),
            Text(str(g["errors"]), style="yellow" if g["errors"] else ""),
            str(g["skipped"]),
            _fmt_rate(g),
        ]
        if show_k:
            pk = g.get("pass_at_k")
            cells.append(" ".join(f"@{k}:{100 * v:.0f}%" for k, v in pk.items()) if pk else "—")
        cost = g["cost"]
        cells += [
            f"{g['prompt_tokens']}/{g['completion_tokens']}",
            "—" if cost is None else f"${cost:.4f}",
            f"{g['cached_samples']}",
            _fmt_s(g["latency_p50_s"]),
            _fmt_s(g["latency_p95_s"]),
        ]
        table.add_row(*cells)
    buf = io.StringIO()
    tables: list[Any] = [table]
    models = list(dict.fromkeys(g["model"] for g in summary if g["model"]))
    if len(models) > 1:
        tables.append(_comparison(summary, models))
    # A wide virtual console lets the table take its natural width instead of folding every
    # cell into a column of letters on an 80-column CI log.
    console = Console(
        file=buf,
        width=max(width, 240),
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
    )
    for t in tables:
        console.print(t)
    return buf.getvalue()


def _comparison(summary: list[SuiteSummary], models: list[str]) -> Any:
    """Suites down, models across: pass rates side by side."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, title="pass rate by model", title_justify="left")
    table.add_column("suite")
    for m in models:
        table.add_column(Text(m), justify="right", no_wrap=True)
    by_key = {(g["suite"], g["model"]): g for g in summary}
    for suite in dict.fromkeys(g["suite"] for g in summary):
        cells: list[Any] = [Text(suite)]
        for m in models:
            g = by_key.get((suite, m))
            cells.append(_fmt_rate(g) if g is not None else "—")
        table.add_row(*cells)
    return table


def write_summary(config: pytest.Config, summary: list[SuiteSummary], notes: list[str]) -> None:
    tr = config.pluginmanager.get_plugin("terminalreporter")
    if tr is None or not summary:
        return
    tr.write_sep("=", "llmbench summary")
    color = bool(getattr(tr, "hasmarkup", False))
    tr.write(render_summary(summary, tr._tw.fullwidth if hasattr(tr, "_tw") else 100, color))
    for note in notes:  # notes quote paths, URLs and servers' error messages
        tr.write_line(plain(scrub(note)))
