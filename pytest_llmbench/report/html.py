"""A self-contained HTML page for one or several results files: per run the summary per
suite × model with 95% intervals and whether it is comparable with the published numbers, an
inline SVG chart of pass rates and the paired model comparison; then the scenario × model
browser (``browse.js`` over the JSON of ``matrix.py``) with every sample's reply and verdict,
filters, search and expandable transcripts.

Self-contained means one file with no external assets (it is opened from CI artifacts, often
offline). The summary is static markup, every suite or model string through ``html.escape``;
the browser inserts text with ``textContent`` only. The Content-Security-Policy allows exactly
the page's own script (by its sha256) and no remote load, a second line of defence should a
model reply ever slip past both.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

from pytest_llmbench.report.comparable import COMPARABLE, by_suite_and_model
from pytest_llmbench.report.matrix import build_matrix, embed_json
from pytest_llmbench.results.records import ResultsDocument, SuiteSummary

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:8px 0}th,td{padding:4px 10px;border:1px solid #d0d7de}
th{background:#f6f8fa;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#57606a}.bad{color:#cf222e}.ok{color:#1a7f37}.err{color:#9a6700}
pre{white-space:pre-wrap;word-break:break-word;margin:2px 0 8px;background:#f6f8fa;
padding:6px;border-radius:4px}.role{font-size:12px;color:#57606a;text-transform:uppercase}
#controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;position:sticky;top:0;
background:#fff;padding:8px 0;z-index:2;border-bottom:1px solid #d0d7de}
#controls input[type=search]{min-width:280px;padding:3px 6px}
#matrix{width:100%;table-layout:fixed}#matrix th.scenario{width:220px;vertical-align:top}
#matrix td{vertical-align:top;word-break:break-word}#matrix .suite{font-size:12px;color:#57606a}
#matrix .id{font-weight:600}#matrix .tags{font-size:12px;color:#0969da}
td.passed{background:#dafbe1}td.failed{background:#ffebe9}td.error{background:#fff8c5}
td.skipped{background:#f6f8fa}td.absent{color:#8c959f}.verdict{font-weight:600}
details.sample{margin:3px 0;border-top:1px solid rgba(0,0,0,.08)}
details.sample summary{cursor:pointer}details.sample .sym{font-weight:700;margin-right:4px}
details.sample .why{display:block;color:#cf222e;font-size:12px}
details.sample[open]{background:#fff;padding:2px 6px;border-radius:4px}
ul.scores{margin:4px 0;padding-left:18px}.pager{display:flex;gap:8px;align-items:center}
"""
_BAR_COLOURS = ((0.9, "#2da44e"), (0.6, "#d4a72c"), (0.0, "#cf222e"))


def _script() -> str:
    return files("pytest_llmbench.report").joinpath("browse.js").read_text(encoding="utf-8")


def csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return (
        f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'"
    )


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _ci(g: SuiteSummary) -> str:
    ci = g.get("ci95")
    return "—" if not ci else f"{100 * ci[0]:.0f}–{100 * ci[1]:.0f}%"


def summary_table(
    summary: list[SuiteSummary],
    notes: dict[tuple[str, str | None], str | None],
    table_id: str = "summary",
) -> str:
    head = (
        "suite", "model", "scenarios", "pass", "fail", "error", "skip",
        "pass rate", "95% CI", "tokens in/out", "cost", "published numbers",
    )  # fmt: skip
    out = [f'<table id="{table_id}" class="summary"><thead><tr>']
    out += [f"<th>{h}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for g in summary:
        cost = g.get("cost")
        cells = [
            (esc(g["suite"]), ""),
            (esc(g["model"] or "—"), ""),
            (str(g["scenarios"]), "n"),
            (str(g["passed"]), "n"),
            (str(g["failed"]), "n bad" if g["failed"] else "n"),
            (str(g["errors"]), "n err" if g["errors"] else "n"),
            (str(g["skipped"]), "n"),
            (_pct(g["pass_rate"]), "n"),
            (_ci(g), "n"),
            (f"{g.get('prompt_tokens', 0)}/{g.get('completion_tokens', 0)}", "n"),
            ("—" if cost is None else f"${cost:.4f}", "n"),
            _note(notes.get((g["suite"], g["model"]))),
        ]
        out.append("<tr>" + "".join(f'<td class="{c}">{v}</td>' for v, c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _note(note: str | None) -> tuple[str, str]:
    if note is None:
        return ("—", "meta")
    return (esc(note), "ok comparable" if note == COMPARABLE else "err")


def chart(summary: list[SuiteSummary], chart_id: str = "chart") -> str:
    """Horizontal bars (pass rate) with whiskers (95% interval), one per suite × model."""
    groups = [g for g in summary if g.get("pass_rate") is not None]
    left, width, row, top = 280, 560, 26, 24
    height = top + row * len(groups) + 30
    out = [
        f'<svg id="{chart_id}" width="{left + width + 60}" '
        f'height="{height}" role="img" aria-label="pass rate per suite and model">'
    ]
    for i in range(5):  # grid at 0, 25, 50, 75, 100 %
        x = left + width * i / 4
        out.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 24}" '
            f'stroke="#d0d7de"/><text x="{x:.1f}" y="{height - 8}" font-size="11" '
            f'text-anchor="middle" fill="#57606a">{25 * i}%</text>'
        )
    for i, g in enumerate(groups):
        y = top + i * row
        rate = g["pass_rate"] or 0.0  # groups have a rate
        colour = next(c for limit, c in _BAR_COLOURS if rate >= limit)
        label = f"{g['suite']} · {g['model'] or '—'}"
        label = label if len(label) <= 42 else label[:41] + "…"
        out.append(
            f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"<title>{esc(g['suite'])} · {esc(g['model'])}</title>{esc(label)}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{width * rate:.1f}" height="{row - 8}" '
            f'fill="{colour}"/>'
        )
        ci = g.get("ci95")
        if ci:
            lo, hi = (left + width * v for v in ci)
            mid = y + row / 2 - 1
            out.append(
                f'<path d="M{lo:.1f} {mid - 5}v10M{lo:.1f} {mid}H{hi:.1f}M{hi:.1f} {mid - 5}v10" '
                f'stroke="#1f2328" stroke-width="1.5" fill="none"/>'
            )
        out.append(f'<text x="{left + width + 6}" y="{y + 15}" font-size="12">{_pct(rate)}</text>')
    out.append("</svg>")
    return "".join(out)


def comparison(document: ResultsDocument, table_id: str = "paired") -> str:
    from pytest_llmbench.comparison import model_comparisons

    models = [str(m) for m in document.get("run", {}).get("models", [])]
    if len(models) < 2:
        return ""
    out = [f"<h3>Paired comparison (exact McNemar)</h3><table id='{table_id}'><thead><tr>"]
    out.append("<th>models</th><th>pairs</th><th>pass only first</th>")
    out.append("<th>pass only second</th><th>p</th></tr></thead><tbody>")
    for cmp in model_comparisons(document["scenarios"], models):
        out.append(
            f"<tr><td>{esc(cmp.before)} → {esc(cmp.after)}</td><td class='n'>{cmp.pairs}</td>"
            f"<td class='n'>{len(cmp.newly_failing)}</td>"
            f"<td class='n'>{len(cmp.newly_passing)}</td>"
            f"<td class='n'>{cmp.p_value:.4g}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _aggregate_text(aggregates: dict[str, Any]) -> str:
    """The families' own terminal lines; raw JSON for a family this install does not know."""
    from pytest_llmbench.families import render_aggregates

    try:
        return "\n".join(render_aggregates(aggregates))
    except Exception:  # a results file from another version: show it rather than fail
        return json.dumps(aggregates, indent=1, ensure_ascii=False)


def run_section(document: ResultsDocument, suffix: str, heading: bool) -> str:
    run = document.get("run", {})
    summary = document.get("summary", [])
    versions = ", ".join(f"{k} {v}" for k, v in (run.get("versions") or {}).items() if v)
    meta = (
        f"started {esc(run.get('started'))} · {esc(run.get('duration_s'))} s · models "
        f"{esc(', '.join(str(m) for m in run.get('models', [])))} · git "
        f"{esc(run.get('git_revision') or '—')}<br>{esc(versions)}"
    )
    notes = by_suite_and_model(document.get("scenarios") or [])
    aggregates = document.get("aggregates") or {}
    parts = [f'<section class="run" id="run{suffix}">']
    if heading:
        parts.append(f"<h2>Run <code>{esc(run.get('run_id'))}</code></h2>")
    parts += [
        f"<p class='meta'>{meta}</p>",
        summary_table(summary, notes, f"summary{suffix}"),
        chart(summary, f"chart{suffix}"),
        comparison(document, f"paired{suffix}"),
    ]
    if aggregates:
        parts.append("<h3>Benchmark aggregates</h3>")
        parts.append(f"<pre>{esc(_aggregate_text(aggregates))}</pre>")
    parts.append("</section>")
    return "".join(parts)


BROWSER = """
<h2>Scenarios × models</h2>
<p id="noscript" class="err">The scenario browser needs JavaScript; the summary above does not.</p>
<div id="browser" hidden>
<div id="controls">
<label>suite <select id="suite"><option value="">all</option></select></label>
<label>tag <select id="tag"><option value="">all</option></select></label>
<label>outcome <select id="outcome"><option value="">any</option>
<option value="passed">passed</option><option value="failed">failed</option>
<option value="error">error</option><option value="skipped">skipped</option>
<option value="disagree">models disagree</option></select></label>
<label>model <select id="model"><option value="">all</option></select></label>
<input id="q" type="search" placeholder="search replies, transcripts, reasons…"
 aria-label="full-text search">
<button id="reset" type="button">reset</button>
<span id="status" class="meta"></span>
<span class="pager"><button id="prev" type="button">‹ prev</button><span id="page"></span>
<button id="next" type="button">next ›</button></span>
</div>
<table id="matrix"><thead id="matrix-head"></thead><tbody id="matrix-body"></tbody></table>
<p id="empty" class="meta" hidden>No scenario matches these filters.</p>
</div>
"""


def render_html(documents: Sequence[ResultsDocument]) -> str:
    """The page for one or several results files (each already read by ``read_results``)."""
    script = _script()
    runs = [d.get("run", {}) for d in documents]
    title = runs[0].get("run_id") if len(runs) == 1 else f"{len(runs)} runs"
    several = len(documents) > 1
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f'<meta http-equiv="Content-Security-Policy" content="{csp(script)}">',
        f"<title>llmbench {esc(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>llmbench {'runs' if several else 'run'} "
        + ", ".join(f"<code>{esc(r.get('run_id'))}</code>" for r in runs)
        + "</h1>",
        "<h2>Summary</h2>",
    ]
    parts += [
        run_section(d, f"-{i + 1}" if several else "", several) for i, d in enumerate(documents)
    ]
    parts.append(BROWSER)
    parts.append(
        '<script type="application/json" id="llmbench-data">'
        + embed_json(build_matrix(documents))
        + "</script>"
    )
    parts.append(f"<script>{script}</script></body></html>\n")
    return "".join(parts)


def encode_page(page: str) -> bytes:
    """UTF-8, a lone surrogate (a model reply cut mid-character) as its ``\\uXXXX`` escape:
    inside the JSON that is the same string, in markup it shows as text instead of failing."""
    return page.encode("utf-8", "backslashreplace")
