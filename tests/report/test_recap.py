"""The recap is the last thing a run prints: after pytest's short test summary, right before
the final "N failed, M passed" line; the long table stays above pytest's sections."""

from __future__ import annotations

import pytest

from pytest_llmbench.report.recap import recap_lines
from pytest_llmbench.results.records import SuiteSummary
from tests.conftest import WARNINGS_AS_ERRORS

SUITE = """\
suite: demo
scenarios:
  - id: good
    user: Capital of France?
    expect: [{contains: Paris}]
    reference: {pass: [Paris], fail: [Lyon]}
  - id: bad
    user: Capital of France?
    expect: [{contains: Paris}]
    reference: {pass: [Lyon], fail: [Lyon]}
"""


def test_recap_comes_after_the_short_summary_and_before_the_final_line(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "demo.llmbench.yaml").write_text(SUITE, encoding="utf-8")
    result = pytester.runpytest(
        *WARNINGS_AS_ERRORS,
        "-rA",  # a long short summary: every item
        "--llm-model=llmbench/reference",
        "--llm-model=llmbench/violate",
        "--llm-fail-under=0.4",
        "--llm-results=out.json",
    )
    lines = result.stdout.lines
    table = next(i for i, line in enumerate(lines) if "llmbench summary" in line)
    short = next(i for i, line in enumerate(lines) if "short test summary info" in line)
    recap = next(i for i, line in enumerate(lines) if "llmbench recap" in line)
    assert table < short < recap  # the long table stays where it was
    assert lines[recap + 1 :] == [
        "demo  llmbench/reference   50.0% (1/2) [95% CI 9–91]",
        "demo  llmbench/violate      0.0% (0/2) [95% CI 0–66]",
        "llmbench: GATE FAILED: llmbench/violate: pass rate 0.0% (0/2) is below "
        "--llm-fail-under=0.4",
        "llmbench: results in out.json",
        lines[-1],
    ]
    assert lines[-1].startswith("=") and "3 failed, 1 passed" in lines[-1]


def test_no_recap_without_a_model(pytester: pytest.Pytester) -> None:
    (pytester.path / "demo.llmbench.yaml").write_text(SUITE, encoding="utf-8")
    result = pytester.runpytest(*WARNINGS_AS_ERRORS)
    assert "llmbench recap" not in result.stdout.str()


def test_the_comparable_note_and_the_upload_outcome() -> None:
    group: SuiteSummary = {  # type: ignore[typeddict-item]
        "suite": "toolbh",
        "model": "m",
        "passed": 0,
        "failed": 0,
        "errors": 2,
        "skipped": 1,
        "pass_rate": None,
        "ci95": None,
    }
    note = {("toolbh", "m"): "not comparable: wording not official", ("x", "m"): None}
    lines = recap_lines([group], note, [], None, ["warn", "llmbench: uploaded"])
    assert lines == [
        "toolbh  m  —  (0 judged, 2 error(s), 1 skipped)  not comparable: wording not official",
        "llmbench: uploaded",
    ]
