"""``llmbench report``: the rich summary again from a results file, and the self-contained
HTML page (structure, escaping, and a real render in headless Chromium)."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.report.html import render_html
from tests.gates.test_gates_plugin import REF, write

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
    failing = [r for r in document["results"] if r["outcome"] in ("failed", "error")]
    assert len(failing) == 7  # reference: 2, violate: 5
    assert parser.ids("details") == [f"f{i}" for i in range(7)]  # every failure, expandable
    assert "summary" in parser.ids("table") and "paired" in parser.ids("table")
    assert parser.ids("svg") == ["chart"]
    bars = [a["width"] for t, a in parser.tags if t == "rect"]
    assert bars == ["336.0", "0.0"]  # 60% and 0% of the 560-pixel axis
    # Model text is escaped: no script, no remote image, and a CSP as a second guard.
    assert [t for t, _ in parser.tags if t in ("script", "img", "link", "iframe")] == []
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Content-Security-Policy" in page
    assert "src=" not in page.replace("img src=https", "")  # only inside escaped text
    assert "http://" not in page and "https://" not in page.replace("https://example.invalid", "")


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
        "results": [],
    }
    page = render_html(document)
    assert "No failing scenario." in page and "paired" not in page


# --------------------------------------------------------------------------- Chromium


def png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Decode an 8-bit RGB/RGBA PNG with the stdlib: (width, height, pixels)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw, stride = zlib.decompress(idat), width * channels
    rows: list[bytearray] = []
    prev = bytearray(stride)
    for y in range(height):
        f, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    pixels = [tuple(r[x : x + 3]) for r in rows for x in range(0, stride, channels)]
    return width, height, pixels


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(p - c) <= tolerance for p, c in zip(pixel[:3], colour, strict=True))


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",  # CI containers run as root
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="headless Chromium not installed (Debian package 'chromium'; .ci/run installs it)",
)
@pytest.mark.slow
def test_html_renders_its_table_and_chart_in_chromium(results: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    assert main(["report", str(results), "--html", str(page)]) == 0
    profile, shot = tmp_path / "profile", tmp_path / "shot.png"
    url = page.resolve().as_uri()
    dom = chromium(f"--user-data-dir={profile}", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<table id="summary">' in dom.stdout and '<svg id="chart"' in dom.stdout
    assert dom.stdout.count('<details class="failure"') == 7
    assert "<script>" not in dom.stdout
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
