"""``llmbench report``: the rich summary again from a results file, and the self-contained
HTML page (structure, escaping, and a real render in headless Chromium)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.report.html import render_html
from tests.gates.test_gates_plugin import REF, write
from tests.report.browser import chromium, near, needs_chromium, png_pixels

NASTY = "<script>alert('x')</script><img src=https://example.invalid/x.png> & \x1b[31m"


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def ids(self, tag: str) -> list[str | None]:
        return [a.get("id") for t, a in self.tags if t == tag]


@pytest.fixture
def results(pytester: pytest.Pytester) -> Path:
    """A real results file: two models, failures, and a model reply with markup in it."""
    write(pytester, 5, {1, 3})
    suite = pytester.path / "demo.llmbench.yaml"
    suite.write_text(suite.read_text().replace("[Lyon]", json.dumps([NASTY])))
    pytester.runpytest(REF, "--llm-model=llmbench/violate", "--llm-results=r.json")
    return pytester.path / "r.json"


def test_report_re_renders_the_summary(results: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(results)]) == 0
    out = capsys.readouterr().out
    run_id = json.loads(results.read_text())["run"]["run_id"]
    assert out.startswith(f"llmbench run {run_id} (")
    assert "pass rate [95% CI]" in out
    assert " demo    llmbench/reference      3      2       0      0        60.0% [23–88]" in out
    assert "pass rate by model" in out  # two models: the side-by-side table too
    assert "llmbench/violate vs llmbench/reference: 5 paired scenarios" in out
    assert "\x1b" not in out  # not a terminal: no colour codes


def test_report_rejects_a_file_that_is_not_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("[]")
    assert main(["report", str(bad)]) == 2
    assert "not a results file" in capsys.readouterr().err


def test_html_structure_and_escaping(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(results), "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    parser = Elements()
    parser.feed(page)
    document = json.loads(results.read_text())
    assert parser.ids("table") == ["summary", "paired", "matrix"]
    assert parser.ids("svg") == ["chart"]
    bars = [a["width"] for t, a in parser.tags if t == "rect"]
    assert bars == ["336.0", "0.0"]  # 60% and 0% of the 560-pixel axis
    # Every sample, passing or failing, is in the matrix the page's script renders.
    (blob,) = re.findall(r'<script type="application/json" id="llmbench-data">(.*?)</script>', page)
    data = json.loads(blob)
    samples = [
        (s["outcome"], s["reply"]) for r in data["rows"] for c in r["cells"] for s in c["samples"]
    ]
    assert sorted(samples) == sorted(
        (r["outcome"], r["transcript"][-1]["content"]) for r in document["results"]
    )
    assert ("failed", NASTY) in samples  # the reply with markup, as text
    # Model text is escaped: no script but the page's own two, no remote image, and a CSP.
    assert [a.get("type") for t, a in parser.tags if t == "script"] == ["application/json", None]
    assert [t for t, _ in parser.tags if t in ("img", "link", "iframe")] == []
    assert "<script>alert" not in page and "\\u003cscript\\u003ealert" in page
    assert "Content-Security-Policy" in page
    assert "http://" not in page
    assert "https://" not in page.replace("https://example.invalid", "")  # the reply's text


def test_html_without_failures_or_second_model() -> None:
    document: dict[str, Any] = {
        "run": {"run_id": "r", "models": ["m/x"]},
        "summary": [
            {
                "suite": "s",
                "model": "m/x",
                "scenarios": 1,
                "passed": 1,
                "failed": 0,
                "errors": 0,
                "skipped": 0,
                "pass_rate": 1.0,
                "ci95": [0.2, 1.0],
            }
        ],
        "scenarios": [],
        "results": [],
    }
    page = render_html([document])  # type: ignore[list-item]
    assert 'id="summary"' in page and "paired" not in page


# --------------------------------------------------------------------------- Chromium


@needs_chromium
@pytest.mark.slow
def test_html_renders_its_table_and_chart_in_chromium(results: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    assert main(["report", str(results), "--html", str(page)]) == 0
    profile, shot = tmp_path / "profile", tmp_path / "shot.png"
    url = page.resolve().as_uri()
    dom = chromium(f"--user-data-dir={profile}", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<table id="summary" class="summary">' in dom.stdout and '<svg id="chart"' in dom.stdout
    # The browser ran the page's script (the CSP allowed it): five scenarios, both models.
    assert 'id="status" class="meta">all 5 scenarios<' in dom.stdout
    assert dom.stdout.count('<td class="cell ') == 10
    assert dom.stdout.count('<details class="sample ') == 10
    assert "<script>alert" not in dom.stdout
    done = chromium(
        f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1200,900", url
    )
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 900)
    assert len(set(pixels)) > 50  # text, table, chart: far from a blank page
    bar = sum(near(p, (0xD4, 0xA7, 0x2C)) for p in pixels)  # reference's 60% bar (amber)
    header = sum(near(p, (0xF6, 0xF8, 0xFA), 2) for p in pixels)  # table header cells
    assert bar > 2000, f"chart bar not drawn ({bar} amber pixels)"
    assert header > 2000, f"table header not drawn ({header} pixels)"
