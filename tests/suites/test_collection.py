"""Collection behaviour, in-process with pytester: what becomes an item, ids, skips, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

WriteSuite = Callable[..., Path]

SUITE = """
    suite: demo
    scenarios:
      - id: greet
        tags: [smoke]
        user: Say hello
        expect: [{contains: hello}]
        reference: {pass: [hello there], fail: [goodbye]}
      - id: count
        tags: [math, long-tag]
        user: Count to three
        expect: [{regex: "1.*2.*3"}]
        reference: {pass: ["1, 2, 3"], fail: ["one two"]}
"""


def test_only_llmbench_yaml_files_are_collected(
    pytester: pytest.Pytester, write_suite: WriteSuite
) -> None:
    write_suite(SUITE)
    pytester.makefile(".yaml", ci="jobs: {build: {runs-on: ubuntu}}")
    pytester.makefile(".yml", data="- 1\n- 2\n")
    result = pytester.runpytest("--collect-only", "-q", "--llm-model=llmbench/echo")
    result.stdout.fnmatch_lines(
        [
            "demo.llmbench.yaml::greet[[]llmbench/echo[]]",
            "demo.llmbench.yaml::count[[]llmbench/echo[]]",
            "2 tests collected*",
        ]
    )
    assert "ci.yaml" not in result.stdout.str()
    assert result.ret == 0


def test_ini_globs_add_suite_files(pytester: pytest.Pytester, write_suite: WriteSuite) -> None:
    write_suite(SUITE, name="extra_scenarios.yaml")
    pytester.makeini("[pytest]\nllm_suite_globs = extra_*.yaml\n")
    result = pytester.runpytest("--collect-only", "-q", "--llm-model=llmbench/echo")
    result.stdout.fnmatch_lines(["extra_scenarios.yaml::greet*", "2 tests collected*"])


def test_one_item_per_model(pytester: pytest.Pytester, write_suite: WriteSuite) -> None:
    write_suite(SUITE)
    result = pytester.runpytest(
        "--collect-only", "-q", "--llm-model=llmbench/echo", "--llm-model=llmbench/reference"
    )
    result.stdout.fnmatch_lines(["4 tests collected*"])


def test_no_model_skips_with_one_line_hint(
    pytester: pytest.Pytester, write_suite: WriteSuite
) -> None:
    write_suite(SUITE)
    pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    result = pytester.runpytest("-rs")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*no model configured: pass --llm-model=*"])
    assert "Traceback" not in result.stdout.str()
    # No summary table for a project whose own tests merely live beside suites.
    assert "pass rate" not in result.stdout.str()


def test_model_from_ini(pytester: pytest.Pytester, write_suite: WriteSuite) -> None:
    write_suite(SUITE)
    pytester.makeini("[pytest]\nllm_model = llmbench/reference\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)


def test_model_from_environment(
    pytester: pytest.Pytester, write_suite: WriteSuite, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(SUITE)
    monkeypatch.setenv("LLMBENCH_MODEL", "llmbench/violate")
    result = pytester.runpytest()
    result.assert_outcomes(failed=2)


def test_keyword_and_marker_selection(pytester: pytest.Pytester, write_suite: WriteSuite) -> None:
    write_suite(SUITE)
    result = pytester.runpytest("--llm-model=llmbench/reference", "-k", "count", "-v")
    result.assert_outcomes(passed=1, deselected=1)
    result.stdout.fnmatch_lines(["*count*PASSED*"])
    # Tags are markers, registered on the fly so --strict-markers accepts them.
    result = pytester.runpytest("--llm-model=llmbench/reference", "--strict-markers", "-m", "smoke")
    result.assert_outcomes(passed=1, deselected=1)
    result = pytester.runpytest("--llm-model=llmbench/reference", "-m", "llmbench and not math")
    result.assert_outcomes(passed=1, deselected=1)


def test_last_failed_reruns_only_failures(
    pytester: pytest.Pytester, write_suite: WriteSuite
) -> None:
    write_suite(
        """
        suite: demo
        scenarios:
          - id: good
            user: hi
            expect: [{contains: hi}]
            reference: {pass: [hi], fail: [nah]}
          - id: bad
            user: hi
            expect: [{contains: hi}]
            reference: {pass: [nope], fail: [nah]}
        """
    )
    first = pytester.runpytest("--llm-model=llmbench/reference")
    first.assert_outcomes(passed=1, failed=1)
    again = pytester.runpytest("--llm-model=llmbench/reference", "--lf")
    again.assert_outcomes(failed=1, passed=0)
    again.stdout.fnmatch_lines(["*rerun previous 1 failure*"])


def test_junitxml_has_one_testcase_per_scenario(
    pytester: pytest.Pytester, write_suite: WriteSuite
) -> None:
    write_suite(SUITE)
    result = pytester.runpytest("--llm-model=llmbench/violate", "--junitxml=junit.xml")
    result.assert_outcomes(failed=2)
    xml = (pytester.path / "junit.xml").read_text()
    assert xml.count("<testcase") == 2
    assert 'name="greet[llmbench/violate]"' in xml
    # The results payload travels in user_properties but never reaches junit's properties.
    assert '<property name="llmbench"' not in xml
    assert '"nodeid"' not in xml


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "suite: demo\nscenarios:\n  - id: a\n    user: hi\n    expect: [{contans: hi}]\n",
            "demo.llmbench.yaml:5: scenario 'a': unknown scorer 'contans'"
            " (did you mean 'contains'?)",
        ),
        (
            "suite: demo\nscenarios:\n  - id: a\n    user: 'hi\n",
            "demo.llmbench.yaml:*: invalid YAML*",
        ),
        (
            "suite: demo\nscenarios:\n  - id: a\n    usr: hi\n    expect: [exact]\n",
            "demo.llmbench.yaml:4: scenario 'a': scenarios/0: unknown key 'usr'"
            " (did you mean 'user'?)",
        ),
        (
            "suite: demo\nscenarios:\n  - id: a\n    expect: [exact]\n",
            "demo.llmbench.yaml:3: scenario 'a': no 'user' message and no 'turns'",
        ),
        (
            "suite: demo\nscenarios:\n  - id: a\n    user: hi\n    expect: [{max_words: -1}]\n",
            "demo.llmbench.yaml:5: scenario 'a': bad arguments for scorer 'max_words'*",
        ),
        (
            "suite: demo\nscenarios:\n  - id: a\n    user: hi\n    expect: [{regex: '(('}]\n",
            "demo.llmbench.yaml:5: scenario 'a': bad arguments for scorer 'regex'*",
        ),
        (
            "suite: demo\nscenarios:\n  - id: a\n    user: hi\n"
            "    expect: [{contains: {txt: x}}]\n",
            "demo.llmbench.yaml:5: scenario 'a': bad arguments for scorer 'contains'*",
        ),
    ],
)
def test_malformed_suite_is_one_collection_error(
    pytester: pytest.Pytester, write_suite: WriteSuite, text: str, expected: str
) -> None:
    write_suite(text)
    write_suite(SUITE, name="other.llmbench.yaml")
    result = pytester.runpytest("--llm-model=llmbench/reference")
    result.stdout.fnmatch_lines([expected])
    out = result.stdout.str()
    assert "Traceback" not in out
    assert result.ret == pytest.ExitCode.INTERRUPTED  # collection errors stop the run
    result.stdout.fnmatch_lines(["*1 error*"])


EVERY_ERROR = """\
suite: demo
scenarios:
  - id: a
    usr: hi
    expect: [exact]
  - id: b
    user: hi
    expect: [{contans: hi}, {max_words: -1}]
  - id: c
    user: hi
    expect: [{contains: hi}]
  - id: d
    user: hi
    tags: [ok]
    expect: [{exact: hi}]
    tgas: [x]
  - id: c
    user: hi
    expect: [{contains: hi}]
  - id: e
    user: hi
    history: [{role: usr, content: x}]
    expect: [{contains: hi}]
"""


def test_collection_reports_every_error_of_a_file(
    pytester: pytest.Pytester, write_suite: WriteSuite
) -> None:
    """Schema errors, scorer errors and a duplicate id, across scenarios and within one, all
    in one collection error, each on its own file:line, in line order."""
    write_suite(EVERY_ERROR)
    result = pytester.runpytest("--llm-model=llmbench/reference")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting demo.llmbench.yaml*",
            "demo.llmbench.yaml:4: scenario 'a': scenarios/0: unknown key 'usr'"
            " (did you mean 'user'?)",
            "demo.llmbench.yaml:8: scenario 'b': unknown scorer 'contans'"
            " (did you mean 'contains'?)",
            "demo.llmbench.yaml:8: scenario 'b': bad arguments for scorer 'max_words'*",
            "demo.llmbench.yaml:16: scenario 'd': scenarios/3: unknown key 'tgas'"
            " (did you mean 'tags'?)",
            "demo.llmbench.yaml:17: scenario 'c': duplicate scenario id (first at line 9)",
            "demo.llmbench.yaml:22: scenario 'e': scenarios/5/history/0/role: 'usr' is not one"
            " of ['user', 'assistant'] (did you mean 'user'?)",
            "*short test summary*",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*1 error*"])


def test_malformed_suite_with_continue_on_collection_errors_keeps_others(
    pytester: pytest.Pytester, write_suite: WriteSuite
) -> None:
    write_suite("suite: demo\nscenarios: []\n")
    write_suite(SUITE, name="other.llmbench.yaml")
    result = pytester.runpytest("--llm-model=llmbench/reference", "--continue-on-collection-errors")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["demo.llmbench.yaml:2: scenarios: [[][]] should be non-empty*"])


def test_packaged_suite_by_name(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--llm-suite=examples", "--llm-model=llmbench/reference", "-q")
    assert result.ret == 0
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1
    assert "failed" not in outcomes


def test_unknown_packaged_suite_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--llm-suite=nope", "--llm-model=llmbench/reference")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--llm-suite=nope: no such packaged suite (available: *examples*"]
    )
