"""The HTML report's scenario browser in headless Chromium: every cell rendered, each filter and
the search changing the visible rows as the data says they must, transcripts expanding, model
markup staying text, a link's filters applied on load, and a 5,000-row run loading and
filtering (timings printed; only a generous hang guard, never a timed assertion)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from tests.report.browser import Page, browser_page, chromium, needs_chromium, png_pixels
from tests.report.synthetic import NASTY, document, outcome_of

pytestmark = [needs_chromium, pytest.mark.slow]

HANG_GUARD_S = 300  # far above any expected time: only a stuck browser trips it


def page_for(tmp_path: Path, doc: dict[str, Any], name: str = "r") -> str:
    source = tmp_path / f"{name}.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / f"{name}.html"
    assert main(["report", str(source), "--html", str(out)]) == 0
    return out.resolve().as_uri()


def drive(tmp_path: Path, url: str, steps: Callable[[Page], Any]) -> Any:
    async def go() -> Any:
        async with browser_page(tmp_path / "profile") as page:
            await page.goto(url)
            return await steps(page)

    return asyncio.run(asyncio.wait_for(go(), HANG_GUARD_S))


VISIBLE = """(() => [...document.querySelectorAll('#matrix-body tr')].map(tr => [
  tr.querySelector('.suite').textContent, tr.querySelector('.id').textContent,
  [...tr.querySelectorAll('td')].map(td => td.dataset.outcome || 'absent')]))()"""


def setter(control: str, value: str) -> str:
    kind = "input" if control == "q" else "change"
    return f"""(() => {{ const el = document.getElementById({json.dumps(control)});
      el.value = {json.dumps(value)}; el.dispatchEvent(new Event({json.dumps(kind)}));
      return document.getElementById('status').textContent; }})()"""


def expected(
    n: int, suites: tuple[str, ...], keep: Callable[[str, int, list[str]], bool]
) -> list[list[Any]]:
    """The rows the page must show, in its order, from the generator's outcome pattern."""
    out = []
    for suite in suites:
        for i in range(n):
            outcomes = [outcome_of(i, m) for m in range(2)]
            if keep(suite, i, outcomes):
                out.append([suite, f"case-{i:05d}", outcomes])
    return out


def test_cells_filters_search_and_transcripts(tmp_path: Path) -> None:
    n, suites = 60, ("bench", "chat")
    url = page_for(tmp_path, document(n, samples=2))

    async def steps(page: Page) -> dict[str, Any]:
        got: dict[str, Any] = {"all": await page.js(VISIBLE)}
        got["status"] = await page.js("document.getElementById('status').textContent")
        got["samples"] = await page.js("document.querySelectorAll('details.sample').length")
        for control, value in [
            ("suite", "chat"),
            ("outcome", "failed"),
            ("suite", ""),
            ("model", "1"),
            ("outcome", "disagree"),
            ("model", ""),
            ("outcome", ""),
            ("tag", "needle"),
            ("tag", ""),
            ("q", "m/beta sample 1 wrong"),
            ("q", "server said 500 for case-00003"),
        ]:
            got[f"{control}={value}"] = [
                await page.js(setter(control, value)),
                await page.js(VISIBLE),
            ]
        await page.js(setter("q", ""))
        # Expand the transcript of case 7 (markup in its reply): shown as text, never as markup.
        got["expanded"] = await page.js(
            """(async () => {
              const row = [...document.querySelectorAll('#matrix-body tr')]
                .find(tr => tr.querySelector('.id').textContent === 'case-00007');
              const d = row.querySelector('details.sample');
              const before = d.querySelectorAll('pre').length;
              d.open = true;
              await new Promise(r => setTimeout(r, 50));
              return {before, texts: [...d.querySelectorAll('pre')].map(p => p.textContent),
                      roles: [...d.querySelectorAll('.role')].map(p => p.textContent),
                      scores: [...d.querySelectorAll('ul.scores li')].map(p => p.textContent),
                      scripts: document.querySelectorAll('script').length,
                      imgs: document.querySelectorAll('img, svg[onload]').length,
                      pwned: typeof window.pwned}; })()"""
        )
        got["paging"] = await page.js(
            """(() => { document.getElementById('next').click();
              const first = document.querySelector('#matrix-body tr .id').textContent;
              return [first, document.getElementById('page').textContent,
                      location.hash]; })()"""
        )
        return got

    got = drive(tmp_path, url, steps)
    every = expected(n, suites, lambda s, i, o: True)
    assert got["all"] == every[:100]  # the first page
    assert got["status"] == "all 120 scenarios · showing 1–100"
    ran = sum(2 if o != "skipped" else 1 for _, _, os in every[:100] for o in os)
    assert got["samples"] == ran  # every sample of every cell, pass, fail, error and skip

    def shown(key: str) -> list[list[Any]]:
        return [[s, c, o] for s, c, o in got[key][1]]

    assert shown("suite=chat") == expected(n, ("chat",), lambda s, i, o: True)
    assert got["suite=chat"][0] == "60 of 120 scenarios"
    assert shown("outcome=failed") == expected(n, ("chat",), lambda s, i, o: "failed" in o)
    assert shown("suite=") == expected(n, suites, lambda s, i, o: "failed" in o)
    beta_failed = expected(n, suites, lambda s, i, o: o[1] == "failed")
    assert shown("model=1") == [[s, c, [o[1]]] for s, c, o in beta_failed]  # one column
    assert shown("outcome=disagree") == []  # one model shown: nothing to disagree with
    assert shown("model=") == expected(n, suites, lambda s, i, o: o[0] != o[1])
    assert shown("tag=needle") == expected(n, suites, lambda s, i, o: i % 97 == 5)
    assert shown("q=m/beta sample 1 wrong") == beta_failed  # words of one reply, in any order
    assert shown("q=server said 500 for case-00003") == expected(n, suites, lambda s, i, o: i == 3)
    expanded = got["expanded"]
    assert expanded["before"] == 0  # filled on first opening
    assert expanded["roles"] == ["system", "user", "assistant"]
    assert expanded["texts"][1] == "question number 7"
    assert NASTY in expanded["texts"][2]  # the markup, verbatim, as text
    assert expanded["scores"] == ["✓ turn 0 contains: found 'answer'"]
    assert (expanded["scripts"], expanded["imgs"], expanded["pwned"]) == (2, 0, "undefined")
    assert got["paging"] == ["case-00040", "page 2 of 2", "#page=2"]  # 100 rows a page


def test_a_link_with_filters_opens_filtered(tmp_path: Path) -> None:
    url = page_for(tmp_path, document(20))
    dom = chromium(
        f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url + "#suite=chat&outcome=error"
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    errors = expected(20, ("chat",), lambda s, i, o: "error" in o)
    assert f'id="status" class="meta">{len(errors)} of 40 scenarios<' in dom.stdout
    assert dom.stdout.count("<tr data-row=") == len(errors)
    assert '<option value="chat" selected' not in dom.stdout  # state lives in .value, not markup


def test_screenshot_of_the_browser_is_not_blank(tmp_path: Path) -> None:
    url = page_for(tmp_path, document(30))
    shot = tmp_path / "shot.png"
    done = chromium(
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1200,2400",
        url,
    )
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 2400)
    assert len(set(pixels)) > 50
    # The matrix cells are drawn in their outcome colours (passed green, failed red).
    green = sum(p[:3] == (0xDA, 0xFB, 0xE1) for p in pixels)
    red = sum(p[:3] == (0xFF, 0xEB, 0xE9) for p in pixels)
    assert green > 5000 and red > 2000, (green, red)


def test_five_thousand_rows_load_and_filter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1,250 scenarios × 2 suites × 2 models: 5,000 scenario × model cells, 4,500 sample rows
    # with transcripts plus 500 skipped items.
    doc = document(1250)
    assert len(doc["results"]) == 5000
    url = page_for(tmp_path, doc)
    size = Path(url.removeprefix("file://")).stat().st_size

    async def steps(page: Page) -> dict[str, Any]:
        out: dict[str, Any] = {"load": await page.js("window.llmbench.timings")}
        for control, value in [("outcome", "failed"), ("q", "needle"), ("q", "wrong"), ("q", "")]:
            status = await page.js(setter(control, value))
            t = await page.js("window.llmbench.timings")
            out[f"{control}={value}"] = [status, t["filter_ms"], t["render_ms"]]
        out["rows"] = await page.js("document.querySelectorAll('#matrix-body tr').length")
        return out

    got = drive(tmp_path, url, steps)
    failed = expected(1250, ("bench", "chat"), lambda s, i, o: "failed" in o)
    assert got["outcome=failed"][0] == f"{len(failed)} of 2500 scenarios · showing 1–100"
    needle = [r for r in failed if int(r[1][5:]) % 97 == 5]
    assert got["q=needle"][0] == f"{len(needle)} of 2500 scenarios"
    assert got["q="][0] == f"{len(failed)} of 2500 scenarios · showing 1–100"
    assert got["rows"] == 100  # one page rendered, not 2,500 rows
    with capsys.disabled():
        print(
            f"\n5,000-row report: {size / 1e6:.1f} MB; parse {got['load']['parse_ms']:.0f} ms, "
            f"load {got['load']['load_ms']:.0f} ms; filter+render (ms): "
            + ", ".join(f"{k} {v[1]:.0f}+{v[2]:.0f}" for k, v in got.items() if "=" in k)
        )
