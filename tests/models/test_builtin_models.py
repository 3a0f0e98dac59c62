"""The built-in offline models prove every scorer of every shipped suite can pass and fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_llmbench.packaged import available, suites_root
from pytest_llmbench.scenario import load_suite
from pytest_llmbench.schema import validator
from tests.conftest import WARNINGS_AS_ERRORS

SUITES = suites_root()


def _scenarios_with_references(name: str) -> int:
    return sum(
        1
        for f in (SUITES / name).rglob("*.llmbench.yaml")
        for s in load_suite(f).scenarios
        if s.reference_pass and s.reference_fail
    )


@pytest.mark.parametrize("suite", available())
def test_reference_passes_and_violate_fails_every_shipped_scenario(
    pytester: pytest.Pytester, suite: str
) -> None:
    n = _scenarios_with_references(suite)
    assert n > 0, f"suite {suite} has no scenario with both pass and fail references"
    ref = pytester.runpytest(
        str(SUITES / suite),
        "--llm-model=llmbench/reference",
        "--llm-results=ref.json",
        *WARNINGS_AS_ERRORS,
    )
    ref.assert_outcomes(passed=n)
    bad = pytester.runpytest(
        str(SUITES / suite),
        "--llm-model=llmbench/violate",
        "--llm-results=bad.json",
        *WARNINGS_AS_ERRORS,
    )
    bad.assert_outcomes(failed=n)
    for name, outcome in (("ref.json", "passed"), ("bad.json", "failed")):
        doc = json.loads((pytester.path / name).read_text())
        validator("results").validate(doc)
        assert {r["outcome"] for r in doc["results"]} == {outcome}
        assert len({r["nodeid"] for r in doc["results"]}) == n


def test_violate_passes_a_scenario_whose_fail_reference_slips_through(
    pytester: pytest.Pytester, write_suite: object
) -> None:
    (pytester.path / "weak.llmbench.yaml").write_text(
        "suite: demo\n"
        "scenarios:\n"
        "  - id: weak\n"
        "    user: name a colour\n"
        "    expect: [{contains: {text: red, case_sensitive: false}}]\n"
        "    reference:\n"
        "      pass: [red]\n"
        "      fail: [blue, RED]\n"  # 'RED' passes the case-insensitive scorer: a bad reference
    )
    result = pytester.runpytest("--llm-model=llmbench/violate", "--llm-results=out.json")
    result.assert_outcomes(passed=1)
    rows = json.loads((pytester.path / "out.json").read_text())["results"]
    assert [(r["reference"], r["outcome"]) for r in rows] == [
        ("fail[0]", "failed"),
        ("fail[1]", "passed"),
    ]


def test_scenarios_without_references_are_reported(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "noref.llmbench.yaml").write_text(
        "suite: demo\n"
        "scenarios:\n"
        "  - id: with-refs\n"
        "    user: hi\n"
        "    expect: [{contains: hi}]\n"
        "    reference: {pass: [hi], fail: [yo]}\n"
        "  - id: without-refs\n"
        "    user: hi\n"
        "    expect: [{contains: hi}]\n"
    )
    result = pytester.runpytest("--llm-model=llmbench/reference", "-rs", "--llm-results=o.json")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "llmbench: 1 scenario item(s) have no reference replies",
            "*no reference.pass replies for llmbench/reference*",
        ]
    )
    rows = json.loads((pytester.path / "o.json").read_text())["results"]
    skipped = [r for r in rows if r["outcome"] == "skipped"]
    assert [r["scenario"] for r in skipped] == ["without-refs"]


def test_echo_model_echoes_the_last_user_message(pytester: pytest.Pytester) -> None:
    (pytester.path / "echo.llmbench.yaml").write_text(
        "suite: demo\n"
        "scenarios:\n"
        "  - id: two-turns\n"
        "    turns:\n"
        "      - user: first\n"
        "        expect: [{exact: first}]\n"
        "      - user: second\n"
        "        expect: [{exact: second}]\n"
    )
    pytester.runpytest("--llm-model=llmbench/echo").assert_outcomes(passed=1)


def test_failure_report_shows_reasons_and_escaped_transcript(pytester: pytest.Pytester) -> None:
    (pytester.path / "esc.llmbench.yaml").write_text(
        "suite: demo\n"
        "scenarios:\n"
        "  - id: ansi\n"
        "    user: hi\n"
        "    expect: [{contains: hello}]\n"
        "    reference:\n"
        '      pass: ["hello"]\n'
        '      fail: ["\\e[31m[bold]red[/bold]\\e[0m"]\n'
    )
    result = pytester.runpytest("--llm-model=llmbench/violate")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "\x1b[31m" not in out
    assert "\\x1b[31m[bold]red[/bold]\\x1b[0m" in out
    result.stdout.fnmatch_lines(
        [
            "*contains: expected reply to contain 'hello'*",
            "*transcript:*",
            "*[[]user[]] hi*",
        ]
    )


@pytest.mark.slow
def test_results_file_is_written_under_xdist_by_the_controller(
    pytester: pytest.Pytester,
) -> None:
    suite = SUITES / "examples"
    n = _scenarios_with_references("examples")
    result = pytester.runpytest_subprocess(
        str(suite),
        "-n",
        "2",
        "--llm-model=llmbench/reference",
        "--llm-results=x.json",
        "-p",
        "no:benchmark",  # pytest-benchmark, where installed, refuses to run under xdist
    )
    result.assert_outcomes(passed=n)
    doc = json.loads((pytester.path / "x.json").read_text())
    validator("results").validate(doc)
    assert len({r["nodeid"] for r in doc["results"]}) == n


def test_results_never_contain_secrets(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-live-abcdef1234567890"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    (pytester.path / "s.llmbench.yaml").write_text(
        "suite: demo\n"
        "scenarios:\n"
        "  - id: leak\n"
        f"    user: the key is {secret}\n"
        "    expect: [{contains: key}]\n"
    )
    result = pytester.runpytest("--llm-model=llmbench/echo", "--llm-results=out.json")
    result.assert_outcomes(passed=1)
    text = Path(pytester.path / "out.json").read_text()
    assert secret not in text
    assert "***" in text


HEAVY_AT_END = """
import sys

def pytest_unconfigure(config):
    heavy = sorted(m for m in ("litellm", "aiohttp", "openai", "tiktoken") if m in sys.modules)
    print(f"HEAVY-MODULES-AT-END: {heavy}")
"""


@pytest.mark.slow
@pytest.mark.parametrize(("model", "outcome"), [("reference", "passed"), ("violate", "failed")])
def test_every_shipped_suite_runs_without_importing_litellm(
    pytester: pytest.Pytester, model: str, outcome: str
) -> None:
    """The built-in models are plain in-process clients: a run of every shipped suite against
    them never imports litellm (seconds and ~200 MB of start-up) nor any HTTP client."""
    pytester.makepyfile(heavycheck=HEAVY_AT_END)
    n = sum(_scenarios_with_references(name) for name in available())
    result = pytester.runpytest_subprocess(
        str(SUITES), f"--llm-model=llmbench/{model}", "-p", "heavycheck", "-s", "-q"
    )
    result.assert_outcomes(**{outcome: n})
    result.stdout.fnmatch_lines(["HEAVY-MODULES-AT-END: []"])
