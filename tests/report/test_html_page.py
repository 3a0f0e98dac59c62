"""The HTML report's page without a browser: the embedded matrix (every scenario × model ×
sample of one or several files, schema v1 and v2), safe embedding of model text, the script
allowed by hash and nothing else, and the "comparable with the published numbers" notes."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.report.comparable import COMPARABLE, comparability
from pytest_llmbench.report.html import render_html
from pytest_llmbench.report.matrix import build_matrix, embed_json
from pytest_llmbench.results.reader import parse_results, read_results
from pytest_llmbench.schema import validator
from tests.conftest import REPO
from tests.report.synthetic import NASTY, document, provenance

V1 = REPO / "tests" / "data" / "results-v1" / "results-v1.json"


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def ids(self, tag: str) -> list[str | None]:
        return [a.get("id") for t, a in self.tags if t == tag]


def parsed(page: str) -> Page:
    p = Page()
    p.feed(page)
    return p


def embedded(page: str) -> Any:
    (blob,) = [text for attrs, text in parsed(page).scripts if attrs.get("id") == "llmbench-data"]
    return json.loads(blob)


@pytest.fixture
def two_runs(tmp_path: Path) -> list[Path]:
    paths = []
    for n, doc in enumerate([document(6, samples=2), document(4, ("m/alpha",), run_id="run-2")]):
        validator("results").validate(doc)
        paths.append(tmp_path / f"r{n}.json")
        paths[-1].write_text(json.dumps(doc), encoding="utf-8")
    return paths


# --------------------------------------------------------------------------- embedding


@pytest.mark.parametrize(
    "text", [NASTY, "</SCRIPT >", "<!--", "a\u2028b\u2029c", "plain", "中文 & emoji 🙂", "\\u003c"]
)
def test_embedded_json_is_inert_markup_and_reads_back_the_same(text: str) -> None:
    out = embed_json({"reply": text})
    assert "<" not in out and ">" not in out and "&" not in out
    assert "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == {"reply": text}


def test_a_reply_closing_the_data_element_stays_inside_it() -> None:
    page = render_html([parse_results(document(8))])
    p = parsed(page)
    assert [a.get("type") for t, a in p.tags if t == "script"] == ["application/json", None]
    assert [t for t, _ in p.tags if t in ("img", "iframe", "link", "object", "embed")] == []
    data = embedded(page)  # the parser saw exactly one data element, and it is whole JSON
    replies = [s["reply"] for r in data["rows"] for c in r["cells"] if c for s in c["samples"]]
    assert sum(NASTY in r for r in replies) == 4  # case 7: both suites, both models
    assert "<script>window" not in page and "<img" not in page and "<svg onload" not in page


def test_the_csp_allows_the_page_script_by_hash_and_nothing_remote() -> None:
    page = render_html([parse_results(document(2))])
    (csp,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    (app,) = [text for attrs, text in parsed(page).scripts if not attrs]
    digest = base64.b64encode(hashlib.sha256(app.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    assert "http://" not in page and "https://" not in page  # no remote asset of any kind


def test_a_lone_surrogate_in_a_reply_is_written_and_reads_back(tmp_path: Path) -> None:
    doc = document(2, ("m/alpha",), suites=("chat",))
    doc["results"][0]["transcript"][2]["content"] = "cut \ud83d here"
    source = tmp_path / "r.json"
    source.write_text(json.dumps(doc), encoding="utf-8")  # ASCII JSON: "\ud83d" as escape
    out = tmp_path / "out.html"
    assert main(["report", str(source), "--html", str(out)]) == 0
    data = embedded(out.read_text(encoding="utf-8"))
    assert data["rows"][0]["cells"][0]["samples"][0]["reply"] == "cut \ud83d here"


# --------------------------------------------------------------------------- the matrix


def test_every_scenario_model_and_sample_is_in_the_matrix() -> None:
    doc = parse_results(document(6, samples=2))
    matrix = build_matrix([doc])
    assert [c["label"] for c in matrix["columns"]] == ["m/alpha", "m/beta"]
    assert len(matrix["rows"]) == 12 and matrix["suites"] == ["bench", "chat"]
    assert matrix["tags"] == ["even", "needle", "odd"]
    got = {
        (r["suite"], r["scenario"], col["model"], s["sample"]): (s["outcome"], s["reply"])
        for r in matrix["rows"]
        for col, c in zip(matrix["columns"], r["cells"], strict=True)
        if c
        for s in c["samples"]
    }
    want = {
        (r["suite"], r["scenario"], r["model"], r["sample"]): (
            r["outcome"],
            r["transcript"][-1]["content"] if r["transcript"] else "",
        )
        for r in doc["results"]
    }
    assert got == want and len(got) == len(doc["results"])
    verdicts = {(v["suite"], v["scenario"], v["model"]): v["outcome"] for v in doc["scenarios"]}
    cells = {
        (r["suite"], r["scenario"], col["model"]): c["outcome"]
        for r in matrix["rows"]
        for col, c in zip(matrix["columns"], r["cells"], strict=True)
        if c
    }
    assert cells == verdicts
    assert {o for o in verdicts.values()} == {"passed", "failed", "error", "skipped"}


def test_tool_calls_and_content_parts_are_written_out() -> None:
    doc = parse_results(document(1, ("m/alpha",), suites=("chat",)))
    doc["results"][0]["transcript"] = [
        {"role": "user", "content": [{"type": "text", "text": "part one"}]},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"function": {"name": "lookup", "arguments": '{"q": 1}'}}],
        },
        {"role": "tool", "name": "lookup", "content": "42"},
    ]
    (cell,) = build_matrix([doc])["rows"][0]["cells"]
    assert cell is not None
    sample = cell["samples"][0]
    assert sample["transcript"] == [
        {"role": "user", "text": "part one"},
        {"role": "assistant", "text": '→ call lookup({"q": 1})'},
        {"role": "tool lookup", "text": "42"},
    ]
    assert sample["reply"] == '→ call lookup({"q": 1})'


def test_a_hand_edited_row_of_odd_shape_is_shown_not_a_traceback(tmp_path: Path) -> None:
    doc = document(2, ("m/alpha",), suites=("chat",))
    doc["results"][0].update(transcript="oops", scores=None, tags="x", sample="first")
    doc["results"][1]["transcript"][2]["tool_calls"] = ["not a call", {"function": 3}]
    source, out = tmp_path / "r.json", tmp_path / "out.html"
    source.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["report", str(source), "--html", str(out)]) == 0
    first, second = (r["cells"][0]["samples"][0] for r in embedded(out.read_text())["rows"])
    assert (first["sample"], first["transcript"], first["scores"]) == (0, [], [])
    assert second["reply"].endswith("→ call None(null)")


def test_several_files_of_both_schema_versions_in_one_page(
    two_runs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.html"
    assert main(["report", str(V1), *map(str, two_runs), "--html", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.count("llmbench run ") == 3 and f"from {two_runs[1]}" in printed
    page = out.read_text(encoding="utf-8")
    p = parsed(page)
    assert p.ids("table") == [
        "summary-1", "paired-1", "summary-2", "paired-2", "summary-3", "matrix",
    ]  # fmt: skip
    data = embedded(page)
    v1 = read_results(V1)
    v1_models = v1["run"]["models"]
    assert [c["label"] for c in data["columns"]] == [
        *v1_models,
        "m/alpha · run-1",
        "m/beta",
        "m/alpha · run-2",
    ]  # m/alpha in two runs: told apart by the run id
    v1_suites = {v["suite"] for v in v1["scenarios"]}
    assert data["suites"] == sorted(v1_suites | {"bench", "chat"})
    # Each cell sits in its run's column: the v1 verdicts (rebuilt from its rows) included.
    for run, doc in enumerate([v1, *(read_results(p) for p in two_runs)]):
        for v in doc["scenarios"]:
            col = next(
                i
                for i, c in enumerate(data["columns"])
                if c["run"] == run and c["model"] == v["model"]
            )
            (row,) = [
                r
                for r in data["rows"]
                if (r["suite"], r["scenario"]) == (v["suite"], v["scenario"])
            ]
            assert row["cells"][col]["outcome"] == v["outcome"]
    # run-2 covers only four scenarios per suite: the other rows have no cell there.
    last = len(data["columns"]) - 1
    ours = [r for r in data["rows"] if r["suite"] not in v1_suites]
    assert [r["scenario"] for r in ours if r["cells"][last] is None] == [
        "case-00004", "case-00005", "case-00004", "case-00005",
    ]  # fmt: skip


def test_one_bad_file_among_several_is_named(
    two_runs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"results": 3}')
    out = tmp_path / "out.html"
    assert main(["report", str(two_runs[0]), str(bad), "--html", str(out)]) == 2
    assert f"{bad} is not a pytest-llmbench results file" in capsys.readouterr().err
    assert not out.exists()


def test_an_unwritable_output_is_one_error(
    two_runs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["report", str(two_runs[0]), "--html", str(blocker / "out.html")]) == 2
    assert "llmbench report: cannot write" in capsys.readouterr().err


# --------------------------------------------------------------------------- comparable


def verdict(prov: dict[str, Any] | None) -> Any:
    return {"suite": "s", "model": "m", "provenance": prov}


def test_comparable_only_when_every_scenario_is_official_in_all_three() -> None:
    assert comparability([verdict(provenance(True))] * 3) == COMPARABLE
    assert comparability([verdict(provenance(True)), verdict(provenance(False))]) == (
        "not comparable: wording not official"
    )
    assert comparability([verdict(provenance(True)), verdict(None)]) == (
        "not comparable: some scenarios carry no provenance"
    )
    assert comparability([verdict(None)]) is None  # not a benchmark import: no claim at all
    edited = {**provenance(False), "comparable": True}  # a hand-edited flag is not believed
    assert comparability([verdict(edited)]) == "not comparable: wording not official"


def test_the_summary_marks_comparable_rows() -> None:
    page = render_html([parse_results(document(3))])
    cells = re.findall(r"<tr><td[^>]*>(\w+)</td><td[^>]*>([\w/]+)</td>.*?<td class=\"([\w ]+)\">"
                       r"([^<]+)</td></tr>", page)  # fmt: skip
    assert [(s, m, note) for s, m, _, note in cells] == [
        ("bench", "m/alpha", COMPARABLE),
        ("bench", "m/beta", "not comparable: wording not official"),
        ("chat", "m/alpha", "—"),
        ("chat", "m/beta", "—"),
    ]
    assert cells[0][2] == "ok comparable"
