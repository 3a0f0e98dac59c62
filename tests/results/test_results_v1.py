"""Results files of schema version 1 (written before ``scenarios`` existed) still read
everywhere: ``--llm-baseline``, ``llmbench report``, ``llmbench upload``; their verdicts,
rebuilt from the rows, are the verdicts a version 2 run of the same suite records."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.errors import ResultsFileError
from pytest_llmbench.results.reader import parse_results, read_results
from pytest_llmbench.schema import validator
from tests.conftest import REPO

V1 = REPO / "tests" / "data" / "results-v1"
MODELS = ("--llm-model=llmbench/reference", "--llm-model=llmbench/violate")


def verdicts(document: Any) -> dict[tuple[str | None, str], tuple[str, int, int]]:
    return {
        (v["model"], v["scenario"]): (v["outcome"], v["samples_passed"], v["samples_total"])
        for v in parse_results(document)["scenarios"]
    }


@pytest.fixture
def v2(pytester: pytest.Pytester) -> Any:
    """The same suite run now: a version 2 file."""
    shutil.copy(V1 / "demo.llmbench.yaml", pytester.path)
    pytester.runpytest(*MODELS, "--llm-results=v2.json")
    document = json.loads((pytester.path / "v2.json").read_text())
    validator("results").validate(document)
    return document


def test_a_version_1_file_reads_with_the_verdicts_a_version_2_run_records(v2: Any) -> None:
    old = read_results(V1 / "results-v1.json")
    assert old["schema_version"] == 1 and v2["schema_version"] == 2
    assert verdicts(json.loads((V1 / "results-v1.json").read_text())) == verdicts(v2)
    by_key = {(v["model"], v["scenario"]): v for v in old["scenarios"]}
    slipped = by_key[("llmbench/violate", "capital")]  # 'PARIS' passes the case-free scorer
    assert (slipped["outcome"], slipped["expected_failure"]) == ("passed", True)
    assert by_key[("llmbench/reference", "no-refs")]["outcome"] == "skipped"
    assert all(s["args"] is None for r in old["results"] for s in r["scores"])


def test_version_2_records_verdicts_and_scorer_arguments(v2: Any) -> None:
    (capital,) = [
        v
        for v in v2["scenarios"]
        if v["model"] == "llmbench/violate" and v["scenario"] == "capital"
    ]
    assert capital["outcome"] == "passed"
    assert (capital["samples_passed"], capital["samples_total"]) == (1, 2)
    assert capital["expected_failure"] and capital["error"] is None
    assert capital["nodeid"].endswith("demo.llmbench.yaml::capital[llmbench/violate]")
    assert "provenance" in capital and capital["suite"] == "demo"
    scores = [s for r in v2["results"] if r["scenario"] == "capital" for s in r["scores"]]
    assert {json.dumps(s["args"], sort_keys=True) for s in scores} == {
        '{"case_sensitive": false, "text": "paris"}'
    }
    regex = [s for r in v2["results"] if r["scenario"] == "colour" for s in r["scores"]]
    assert {s["args"] for s in regex} == {"(?i)red|blue|yellow"}


def test_llmbench_report_reads_a_version_1_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(V1 / "results-v1.json")]) == 0
    out = capsys.readouterr().out
    assert "llmbench run 20261202T201418Z-f12f8b12" in out
    assert "llmbench/violate vs llmbench/reference: 3 paired scenarios" in out


def test_a_version_1_baseline_gates_a_version_2_run(pytester: pytest.Pytester) -> None:
    shutil.copy(V1 / "demo.llmbench.yaml", pytester.path)
    result = pytester.runpytest(
        "--llm-model=llmbench/reference",
        f"--llm-baseline={V1 / 'results-v1.json'}",
        "--llm-fail-on-regression",
    )
    result.stdout.fnmatch_lines(
        [
            "llmbench: llmbench/reference vs baseline 20261202T201418Z-f12f8b12: 3 paired "
            "scenarios, 0 newly failing, 0 newly passing*",
            # Three pairs can never be significant at 0.05: said, never "gates passed".
            "llmbench: no gate failed; the regression gate cannot reach significance",
        ]
    )
    assert result.ret == 0


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "not a pytest-llmbench results file"),
        ({"results": [], "run": {}, "summary": [], "schema_version": 3}, "newer pytest-llmbench"),
        ({"results": [], "run": {}, "summary": [], "schema_version": 2}, "without a scenarios"),
        ({"results": [], "schema_version": 1}, "no run/summary"),
    ],
)
def test_unreadable_documents_are_named(document: object, message: str) -> None:
    with pytest.raises(ResultsFileError, match=message):
        parse_results(document, "x.json")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ResultsFileError, match="cannot read"):
        read_results(tmp_path / "missing.json")
