"""A self-contained HTML page for one results file: summary per suite × model with 95%
intervals, an inline SVG chart of pass rates, the paired model comparison, and every failing
transcript in a ``<details>`` element.

Self-contained means one file with no external assets (it is opened from CI artifacts, often
offline). Every string from a suite or a model goes through ``html.escape``; the
Content-Security-Policy forbids scripts and remote loads as a second line of defence should a
model reply ever slip past the escaping.
"""

from __future__ import annotations

import html
import json
from typing import Any

from pytest_llmbench.results.records import ResultsDocument, SampleRow, SuiteSummary

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:8px 0}th,td{padding:4px 10px;border:1px solid #d0d7de}
th{background:#f6f8fa;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#57606a}.bad{color:#cf222e}.ok{color:#1a7f37}.err{color:#9a6700}
details{border:1px solid #d0d7de;border-radius:6px;margin:6px 0;padding:4px 10px}
summary{cursor:pointer;font-weight:600}pre{white-space:pre-wrap;word-break:break-word;
margin:2px 0 8px;background:#f6f8fa;padding:6px;border-radius:4px}
.role{font-size:12px;color:#57606a;text-transform:uppercase}
"""
_BAR_COLOURS = ((0.9, "#2da44e"), (0.6, "#d4a72c"), (0.0, "#cf222e"))


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _ci(g: SuiteSummary) -> str:
    ci = g.get("ci95")
    return "—" if not ci else f"{100 * ci[0]:.0f}–{100 * ci[1]:.0f}%"


def summary_table(summary: list[SuiteSummary]) -> str:
    head = (
        "suite", "model", "scenarios", "pass", "fail", "error", "skip",
        "pass rate", "95% CI", "tokens in/out", "cost",
    )  # fmt: skip
    out = ['<table id="summary"><thead><tr>']
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
        ]
        out.append("<tr>" + "".join(f'<td class="{c}">{v}</td>' for v, c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def chart(summary: list[SuiteSummary]) -> str:
    """Horizontal bars (pass rate) with whiskers (95% interval), one per suite × model."""
    groups = [g for g in summary if g.get("pass_rate") is not None]
    left, width, row, top = 280, 560, 26, 24
    height = top + row * len(groups) + 30
    out = [
        f'<svg id="chart" width="{left + width + 60}" '
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


def comparison(document: ResultsDocument) -> str:
    from pytest_llmbench.comparison import model_comparisons

    models = [str(m) for m in document.get("run", {}).get("models", [])]
    if len(models) < 2:
        return ""
    out = ["<h2>Paired comparison (exact McNemar)</h2><table id='paired'><thead><tr>"]
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


def _content(message: dict[str, Any]) -> str:
    parts = [esc(message.get("content") or "")]
    for call in message.get("tool_calls") or []:
        fn = call.get("function", call) if isinstance(call, dict) else {}
        parts.append(f"→ call {esc(fn.get('name'))}({esc(fn.get('arguments'))})")
    return "\n".join(p for p in parts if p)


def failure(row: SampleRow, index: int) -> str:
    bad = [s for s in row.get("scores", []) if not s.get("passed")]
    reason = row.get("error") or (f"{bad[0]['name']}: {bad[0]['reason']}" if bad else "")
    title = (
        f"{esc(row['suite'])} › {esc(row['scenario'])} · {esc(row.get('model'))} · "
        f"sample {esc(row.get('sample'))} — <span class='bad'>{esc(reason)}</span>"
    )
    out = [f'<details class="failure" id="f{index}"><summary>{title}</summary>']
    if row.get("error"):
        out.append(f"<p class='err'>error: {esc(row['error'])}</p>")
    if bad:
        out.append("<ul>")
        for s in bad:
            turn = "conversation" if s.get("turn") is None else f"turn {s['turn']}"
            out.append(f"<li class='bad'>✗ {esc(turn)} {esc(s['name'])}: {esc(s['reason'])}</li>")
        out.append("</ul>")
    for m in row.get("transcript", []):
        role = m.get("role", "?") + (f" {m['name']}" if m.get("name") else "")
        out.append(f"<div class='role'>{esc(role)}</div><pre>{_content(m)}</pre>")
    out.append("</details>")
    return "".join(out)


def _aggregate_text(aggregates: dict[str, Any]) -> str:
    """The families' own terminal lines; raw JSON for a family this install does not know."""
    from pytest_llmbench.families import render_aggregates

    try:
        return "\n".join(render_aggregates(aggregates))
    except Exception:  # a results file from another version: show it rather than fail
        return json.dumps(aggregates, indent=1, ensure_ascii=False)


def render_html(document: ResultsDocument) -> str:
    run = document.get("run", {})
    summary = document.get("summary", [])
    failing = [r for r in document.get("results", []) if r.get("outcome") in ("failed", "error")]
    versions = ", ".join(f"{k} {v}" for k, v in (run.get("versions") or {}).items() if v)
    meta = (
        f"started {esc(run.get('started'))} · {esc(run.get('duration_s'))} s · models "
        f"{esc(', '.join(run.get('models', [])))} · git {esc(run.get('git_revision') or '—')}"
        f"<br>{esc(versions)}"
    )
    aggregates = document.get("aggregates") or {}
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>llmbench {esc(run.get('run_id'))}</title><style>{STYLE}</style></head><body>",
        f"<h1>llmbench run <code>{esc(run.get('run_id'))}</code></h1>",
        f"<p class='meta'>{meta}</p>",
        "<h2>Summary</h2>",
        summary_table(summary),
        "<h2>Pass rate (bars) and 95% interval (whiskers)</h2>",
        chart(summary),
        comparison(document),
    ]
    if aggregates:
        parts.append("<h2>Benchmark aggregates</h2>")
        parts.append(f"<pre>{esc(_aggregate_text(aggregates))}</pre>")
    parts.append(f"<h2>Failing transcripts ({len(failing)})</h2>")
    parts += [failure(r, i) for i, r in enumerate(failing)]
    if not failing:
        parts.append("<p class='ok'>No failing scenario.</p>")
    parts.append("</body></html>\n")
    return "".join(parts)
