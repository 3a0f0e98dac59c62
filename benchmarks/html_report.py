"""The HTML report's scenario browser at several sizes, in headless Chromium.

    python benchmarks/html_report.py [--rows 1000 5000 20000]

For each size: the page's size, the time to render it in Python, and in the browser the JSON
parse, the page load (parse + first page), and filter + render times of an outcome filter and
two searches (the first search builds the text index). Last line: load time of the largest size
/ load time of the smallest, against the ratio of their row counts (linear scaling keeps the
two close; the first page costs the same at every size).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import REPO  # noqa: F401  (importing it puts the repository on sys.path)

from pytest_llmbench.report.html import encode_page, render_html
from pytest_llmbench.results.reader import parse_results
from tests.report.browser import browser_page
from tests.report.synthetic import document

STEPS = [("outcome", "failed"), ("q", "wrong"), ("q", "case-00007"), ("outcome", "")]


def setter(control: str, value: str) -> str:
    kind = "input" if control == "q" else "change"
    return (
        f"(() => {{ const el = document.getElementById({json.dumps(control)}); "
        f"el.value = {json.dumps(value)}; el.dispatchEvent(new Event({json.dumps(kind)})); "
        "return window.llmbench.timings; })()"
    )


async def measure(folder: Path, url: str) -> dict[str, Any]:
    async with browser_page(folder / "profile") as page:
        await page.goto(url)
        out: dict[str, Any] = {"load": await page.js("window.llmbench.timings")}
        for control, value in STEPS:
            out[f"{control}={value}"] = await page.js(setter(control, value))
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1000, 5000, 20000])
    sizes = sorted(ap.parse_args().rows)
    if shutil.which("chromium") is None:
        raise SystemExit("headless Chromium is needed (Debian package 'chromium')")
    loads = []
    for rows in sizes:
        with tempfile.TemporaryDirectory(prefix="llmbench-html-") as tmp:
            folder = Path(tmp)
            doc = parse_results(document(max(1, rows // 4)))  # 2 suites × 2 models
            t0 = time.perf_counter()
            page = encode_page(render_html([doc]))
            rendered = time.perf_counter() - t0
            (folder / "r.html").write_bytes(page)
            got = asyncio.run(asyncio.wait_for(measure(folder, (folder / "r.html").as_uri()), 600))
        load = got["load"]
        loads.append(load["load_ms"])
        steps = ", ".join(
            f"{k} {v['filter_ms']:.0f}+{v['render_ms']:.0f}" for k, v in got.items() if "=" in k
        )
        print(
            f"{len(doc['results']):>6} rows: {len(page) / 1e6:5.1f} MB, python {rendered:.2f} s, "
            f"parse {load['parse_ms']:.0f} ms, load {load['load_ms']:.0f} ms; "
            f"filter+render ms: {steps}"
        )
    if len(sizes) > 1:
        print(
            f"load ratio {sizes[-1]} / {sizes[0]} rows: {loads[-1] / loads[0]:.1f} "
            f"(rows ratio {sizes[-1] / sizes[0]:.0f})"
        )


if __name__ == "__main__":
    main()
