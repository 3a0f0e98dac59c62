"""Gates decide the exit status of real pytest runs (pytester, offline built-in models).

pytest returns ``session.exitstatus`` as it stands after the sessionfinish hooks; these tests
check through ``RunResult.ret`` that assigning it there is what the process would exit with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_llmbench.schema import validator
from tests.conftest import WARNINGS_AS_ERRORS

REF = "--llm-model=llmbench/reference"


def suite_text(n: int, bad: set[int], name: str = "demo") -> str:
    """``n`` scenarios; the reference reply of those in ``bad`` fails its scorer."""
    lines = [f"suite: {name}", "scenarios:"]
    for i in range(n):
        reply = "Lyon" if i in bad else "Paris"
        lines += [
            f"  - id: sc{i}",
            "    user: Capital of France?",
            "    expect: [{contains: Paris}]",
            f"    reference: {{pass: [{reply}], fail: [Nice]}}",
        ]
    return "\n".join(lines) + "\n"


def write(pytester: pytest.Pytester, n: int, bad: set[int], name: str = "demo") -> None:
    (pytester.path / f"{name}.llmbench.yaml").write_text(suite_text(n, bad, name))


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*WARNINGS_AS_ERRORS, REF, *args)


def test_below_the_threshold_exits_non_zero_with_a_message(pytester: pytest.Pytester) -> None:
    write(pytester, 4, {0, 1})
    result = run(pytester, "--llm-fail-under=0.75")
    result.assert_outcomes(passed=2, failed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "llmbench: GATE FAILED: llmbench/reference: pass rate 50.0% (2/4) is below "
            "--llm-fail-under=0.75"
        ]
    )


@pytest.mark.parametrize("rate", ["0.5", "0.25"])
def test_at_or_above_the_threshold_exits_zero_despite_failures(
    pytester: pytest.Pytester, rate: str
) -> None:
    write(pytester, 4, {0, 1})
    result = run(pytester, f"--llm-fail-under={rate}")
    result.assert_outcomes(passed=2, failed=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        ["llmbench: gates passed: exit status 0 although 2 scenario(s) failed"]
    )


def test_all_passing_run_under_a_gate_still_exits_zero(pytester: pytest.Pytester) -> None:
    write(pytester, 3, set())
    assert run(pytester, "--llm-fail-under=1").ret == pytest.ExitCode.OK


def test_ini_thresholds_overall_and_per_suite(pytester: pytest.Pytester) -> None:
    write(pytester, 4, {0}, "easy")
    write(pytester, 4, {0, 1}, "hard")
    pytester.makeini("[pytest]\nllm_fail_under = 0.6\nllm_fail_under_suite =\n    easy=0.75\n")
    assert run(pytester).ret == pytest.ExitCode.OK  # 5/8 overall, easy 3/4
    pytester.makeini("[pytest]\nllm_fail_under_suite =\n    hard = 0.9\n")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["llmbench: GATE FAILED: llmbench/reference: suite hard: pass rate 50.0% (2/4) *0.9"]
    )
    pytester.makeini("[pytest]\nllm_fail_under_suite = hard\n")
    run(pytester).stderr.fnmatch_lines(["*llm_fail_under_suite: expected SUITE=RATE*"])


def test_marker_sets_a_suite_threshold(pytester: pytest.Pytester) -> None:
    write(pytester, 4, {0})
    pytester.makeconftest(
        "import pytest\n"
        "def pytest_collection_modifyitems(items):\n"
        "    for item in items:\n"
        "        item.add_marker(pytest.mark.llm_fail_under(0.9))\n"
    )
    result = run(pytester, "--llm-fail-under=0.5", "--strict-markers")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["*GATE FAILED*suite demo: pass rate 75.0% (3/4) is below its gate 0.9"]
    )


def test_other_failures_are_not_forgiven(pytester: pytest.Pytester) -> None:
    write(pytester, 4, {0})
    pytester.makepyfile(test_plain="def test_broken():\n    assert False\n")
    result = run(pytester, "--llm-fail-under=0.5")
    result.assert_outcomes(passed=3, failed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["llmbench: gates passed, but *keep the exit status non-zero"])


def test_exit_stopped_early_is_not_forgiven(pytester: pytest.Pytester) -> None:
    write(pytester, 4, {0})
    result = run(pytester, "--llm-fail-under=0.5", "-x")
    # The output rides along: this failed once in ~4 full-suite runs and never alone.
    out = f"{result.stdout.str()[-4000:]}\n{result.stderr.str()[-2000:]}"
    assert result.ret == pytest.ExitCode.TESTS_FAILED, out


def baseline(pytester: pytest.Pytester, n: int = 12) -> Path:
    write(pytester, n, set())
    assert run(pytester, "--llm-results=base.json").ret == pytest.ExitCode.OK
    return pytester.path / "base.json"


def test_significant_regression_fails_the_run(pytester: pytest.Pytester) -> None:
    base = baseline(pytester)
    write(pytester, 12, set(range(10)))
    result = run(pytester, f"--llm-baseline={base}", "--llm-fail-on-regression")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    run_id = json.loads(base.read_text())["run"]["run_id"]
    result.stdout.fnmatch_lines(
        [
            f"llmbench: llmbench/reference vs baseline {run_id}: 12 paired scenarios, "
            "10 newly failing, 0 newly passing; exact McNemar p=0.001953 (significant at 0.05)",
            "  newly failing: demo::sc0",
            "llmbench: GATE FAILED: llmbench/reference: significant regression vs baseline "
            "(10 newly failing, 0 newly passing, p=0.001953 < 0.05)",
        ]
    )
    # A stricter level makes the same drop insignificant.
    strict = run(
        pytester, f"--llm-baseline={base}", "--llm-fail-on-regression", "--llm-significance=0.001"
    )
    assert strict.ret == pytest.ExitCode.OK


def test_insignificant_regression_does_not_fail(pytester: pytest.Pytester) -> None:
    base = baseline(pytester)
    write(pytester, 12, {3, 7})
    result = run(pytester, f"--llm-baseline={base}", "--llm-fail-on-regression")
    result.assert_outcomes(passed=10, failed=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "*2 newly failing, 0 newly passing; exact McNemar p=0.5 (not significant at 0.05)",
            "*: cannot reach significance: 2 changed outcome(s) give at best p=0.5; at least 6 "
            "are needed at 0.05",
            "  newly failing: demo::sc3",
            "  newly failing: demo::sc7",
        ]
    )
    # Without the gate the comparison is information only: pytest's status stands.
    assert run(pytester, f"--llm-baseline={base}").ret == pytest.ExitCode.TESTS_FAILED


def test_several_models_get_the_paired_comparison(pytester: pytest.Pytester) -> None:
    write(pytester, 6, {0})
    result = run(pytester, "--llm-model=llmbench/violate")
    result.stdout.fnmatch_lines(
        [
            "llmbench: llmbench/violate vs llmbench/reference: 6 paired scenarios, 5 pass only "
            "with llmbench/reference, 0 pass only with llmbench/violate; exact McNemar "
            "p=0.0625 (not significant at 0.05)"
        ]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--llm-fail-under=1.5"],
            "*--llm-fail-under: expected a pass rate in [[]0, 1], got '1.5'",
        ),
        (["--llm-significance=0"], "*--llm-significance: expected a level in (0, 1), got '0'"),
        (["--llm-baseline=nope.json"], "*--llm-baseline: no such file: 'nope.json'"),
        (["--llm-fail-on-regression"], "*--llm-fail-on-regression needs --llm-baseline=*"),
        (["--llm-hf-repo=nope"], "*--llm-hf-repo: expected a dataset repo OWNER/NAME*"),
    ],
)
def test_bad_values_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    result = pytester.runpytest(REF, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


@pytest.mark.slow
def test_gate_decides_under_xdist(pytester: pytest.Pytester) -> None:
    """The controller counts the workers' reports; its sessionfinish sets the status."""
    write(pytester, 4, {0})
    # pytest-benchmark, where installed, warns that xdist disables it: an error under -W error.
    xdist = ("-n", "2", "-p", "no:benchmark")
    result = run(pytester, *xdist, "--llm-fail-under=0.75")
    result.assert_outcomes(passed=3, failed=1)
    assert result.ret == pytest.ExitCode.OK


def test_a_regression_too_small_to_be_significant_is_said_not_passed(
    pytester: pytest.Pytester,
) -> None:
    """5/5 -> 0/5: exact p = 0.0625, and no 5-scenario suite can ever give p < 0.05."""
    base = baseline(pytester, 5)
    write(pytester, 5, set(range(5)))
    result = run(
        pytester, f"--llm-baseline={base}", "--llm-fail-on-regression", "--llm-results=r.json"
    )
    result.assert_outcomes(failed=5)
    run_id = json.loads(base.read_text())["run"]["run_id"]
    result.stdout.fnmatch_lines(
        [
            "*5 paired scenarios, 5 newly failing, 0 newly passing; exact McNemar p=0.0625 (not "
            "significant at 0.05)",
            f"llmbench: llmbench/reference vs baseline {run_id}: cannot reach significance: 5 "
            "paired scenario(s): even all of them changing gives at best p=0.0625; the exact "
            "McNemar test needs at least 6 changed outcomes at 0.05, so at least 6 paired "
            "scenarios",
            f"llmbench: REGRESSION GATE CANNOT REACH SIGNIFICANCE: llmbench/reference vs baseline "
            f"{run_id}: 5 paired scenario(s); at least 6 are needed for p < 0.05, even if every "
            "one of them changed",
            "llmbench: no gate failed; the regression gate cannot reach significance, so it does "
            "not forgive the 5 failed scenario(s): pytest's exit status stands",
        ]
    )
    assert "gates passed" not in result.stdout.str()
    # Only the regression gate is configured and it found no evidence: pytest's status stands.
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    document = json.loads((pytester.path / "r.json").read_text())
    validator("results").validate(document)
    (cmp,) = document["comparisons"]
    assert cmp["kind"] == "baseline" and cmp["baseline_run"] == run_id
    assert (cmp["pairs"], cmp["newly_failing"], cmp["newly_passing"]) == (5, 5, 0)
    assert cmp["p_value"] == pytest.approx(0.0625) and cmp["significant"] is False
    assert cmp["min_discordant"] == 6 and cmp["can_reach_significance"] is False


def test_one_model_selected_of_two_prints_no_empty_comparison(pytester: pytest.Pytester) -> None:
    write(pytester, 3, set())
    result = run(pytester, "--llm-model=llmbench/violate", "-k", "reference")
    result.assert_outcomes(passed=3)
    assert "paired scenarios" not in result.stdout.str()
