"""The exact McNemar test and the scenario pairing behind baseline and model comparisons; the
verdicts of a version 1 results file, rebuilt from its rows."""

from __future__ import annotations

from typing import cast

import pytest

from pytest_llmbench.comparison import baseline_comparisons, compare, describe, judged
from pytest_llmbench.gates import exit_status, threshold_failures
from pytest_llmbench.results.reader import verdicts_from_rows
from pytest_llmbench.results.records import SampleRow, ScenarioVerdict, SuiteSummary
from pytest_llmbench.stats import mcnemar_exact, min_discordant


@pytest.mark.parametrize(
    ("b", "c", "p"),
    [
        (10, 0, 0.001953125),  # 2 / 2**10
        (0, 10, 0.001953125),
        (5, 5, 1.0),
        (0, 0, 1.0),
        (3, 1, 0.625),  # 2 * (1 + 4) / 16
        (6, 1, 0.125),  # 2 * (1 + 7) / 128
        (1, 0, 1.0),
        (6, 0, 0.03125),
        (20, 5, 0.004077315330505371),
    ],
)
def test_known_p_values(b: int, c: int, p: float) -> None:
    assert mcnemar_exact(b, c) == pytest.approx(p, rel=1e-12)


def test_agrees_with_scipy_binomtest() -> None:
    stats = pytest.importorskip("scipy.stats")
    for b in range(0, 30, 3):
        for c in range(0, 30, 4):
            if b + c:
                expected = stats.binomtest(b, b + c, 0.5).pvalue
                assert mcnemar_exact(b, c) == pytest.approx(expected, rel=1e-9)


def row(scenario: str, outcome: str, model: str = "m/a", sample: int = 0) -> SampleRow:
    return cast(
        SampleRow,
        {"suite": "s", "scenario": scenario, "model": model, "sample": sample, "outcome": outcome},
    )


def verdict(scenario: str, outcome: str, model: str = "m/a") -> ScenarioVerdict:
    return cast(
        ScenarioVerdict, {"suite": "s", "scenario": scenario, "model": model, "outcome": outcome}
    )


def test_version_1_verdicts_need_every_sample_and_skip_errors() -> None:
    rows = [
        row("a", "passed"),
        row("a", "passed", sample=1),
        row("b", "passed"),
        row("b", "failed", sample=1),
        row("c", "error"),
        row("d", "skipped"),
        row("v", "failed", "llmbench/violate"),
        row("v", "passed", "llmbench/violate", 1),  # one slipped fail reference: a pass
    ]
    verdicts = verdicts_from_rows(rows)
    assert [(v["scenario"], v["outcome"]) for v in verdicts] == [
        ("a", "passed"),
        ("b", "failed"),
        ("c", "error"),
        ("d", "skipped"),
        ("v", "passed"),
    ]
    assert [v["expected_failure"] for v in verdicts] == [False] * 4 + [True]
    assert [(v["samples_passed"], v["samples_total"]) for v in verdicts][:2] == [(2, 2), (1, 2)]
    out = judged(verdicts)
    assert out["m/a"] == {("s", "a"): True, ("s", "b"): False}
    assert out["llmbench/violate"] == {("s", "v"): True}


def test_judged_reads_the_verdicts_and_leaves_out_errors_and_skips() -> None:
    out = judged([verdict("a", "passed"), verdict("b", "failed"), verdict("c", "error")])
    assert out == {"m/a": {("s", "a"): True, ("s", "b"): False}}
    assert judged([verdict("d", "skipped"), {**verdict("x", "passed"), "model": None}]) == {}


def test_compare_counts_flips_on_common_scenarios_only() -> None:
    before = {("s", "a"): True, ("s", "b"): True, ("s", "c"): False, ("s", "old"): True}
    after = {("s", "a"): False, ("s", "b"): True, ("s", "c"): True, ("s", "new"): False}
    cmp = compare(before, after, ("x", "y"))
    assert cmp.pairs == 3
    assert cmp.newly_failing == [("s", "a")] and cmp.newly_passing == [("s", "c")]
    assert cmp.p_value == 1.0 and not cmp.significant_drop(0.05)


def test_baseline_pairs_same_model_or_the_single_baseline_model() -> None:
    base = [verdict(str(i), "passed", "old/m") for i in range(10)]
    now = [verdict(str(i), "failed", "new/m") for i in range(10)]
    (cmp,), notes = baseline_comparisons(base, now, ["new/m"])
    assert (cmp.before, cmp.after, len(cmp.newly_failing)) == ("old/m", "new/m", 10)
    assert cmp.significant_drop(0.05) and not cmp.significant_drop(0.001)
    two = [*base, verdict("0", "passed", "other/m")]
    cmps, notes = baseline_comparisons(two, now, ["new/m"])
    assert cmps == [] and "baseline has no results for new/m" in notes[0]


def test_threshold_failures_overall_per_model_and_per_suite() -> None:
    summary = cast(
        list[SuiteSummary],
        [
            {"suite": "a", "model": "m", "passed": 3, "failed": 1, "pass_rate": 0.75},
            {"suite": "b", "model": "m", "passed": 1, "failed": 1, "pass_rate": 0.5},
            {"suite": "a", "model": "n", "passed": 0, "failed": 0, "pass_rate": None},
        ],
    )
    # m: 4 of 6 passed, exactly at the gate: passes; n judged nothing: fails.
    assert threshold_failures(summary, 4 / 6, {}) == [
        "n: no scenario was judged (--llm-fail-under=0.666667)"
    ]
    assert threshold_failures(summary, None, {"a": 0.75}) == ["n: suite a: no scenario was judged"]
    (msg,) = threshold_failures(summary, None, {"b": 0.6})
    assert msg == "m: suite b: pass rate 50.0% (1/2) is below its gate 0.6"


@pytest.mark.parametrize(
    ("status", "failures", "tests_failed", "stopped", "expected"),
    [
        (0, ["below"], 0, False, 1),  # a gate failed: non-zero even if every test passed
        (1, [], 3, False, 0),  # only scenario failures, gates passed: forgiven
        (1, [], 4, False, 1),  # a failing ordinary test is not forgiven
        (1, [], 3, True, 1),  # nor a run stopped early
        (2, [], 0, False, 2),  # an interrupted run keeps its status
    ],
)
def test_exit_status(
    status: int, failures: list[str], tests_failed: int, stopped: bool, expected: int
) -> None:
    new, notes = exit_status(
        status, failures, tests_failed=tests_failed, scenario_failures=3, stopped_early=stopped
    )
    assert new == expected
    assert notes


@pytest.mark.parametrize(("alpha", "need"), [(0.05, 6), (0.1, 5), (0.01, 8), (0.001, 11), (0.5, 3)])
def test_min_discordant_is_the_fewest_flips_that_can_be_significant(
    alpha: float, need: int
) -> None:
    assert min_discordant(alpha) == need
    assert mcnemar_exact(need, 0) < alpha <= mcnemar_exact(need - 1, 0)


def test_a_comparison_too_small_for_significance_says_so() -> None:
    before = {("s", f"sc{i}"): True for i in range(5)}
    after = dict.fromkeys(before, False)
    cmp = compare(before, after, ("a", "b"))  # 5/5 -> 0/5
    assert cmp.p_value == pytest.approx(0.0625)
    lines = describe(cmp, "b vs a", 0.05)
    assert lines[1] == (
        "llmbench: b vs a: cannot reach significance: 5 paired scenario(s): even all of them "
        "changing gives at best p=0.0625; the exact McNemar test needs at least 6 changed "
        "outcomes at 0.05, so at least 6 paired scenarios"
    )
    assert cmp.record("baseline", 0.05, "r1")["can_reach_significance"] is False
    # Enough pairs but too few flips: the flips are what is short.
    big = {("s", f"sc{i}"): True for i in range(40)}
    few = {**big, ("s", "sc0"): False, ("s", "sc1"): False}
    (why,) = [x for x in describe(compare(big, few, ("a", "b")), "b vs a", 0.05) if "cannot" in x]
    assert why.endswith("2 changed outcome(s) give at best p=0.5; at least 6 are needed at 0.05")
    # Six flips one way can be significant: no such line.
    six = {**big, **{("s", f"sc{i}"): False for i in range(6)}}
    assert not any("cannot" in x for x in describe(compare(big, six, ("a", "b")), "b", 0.05))
    assert compare({}, {}, ("a", "b")).pairs == 0
    assert describe(compare({}, {}, ("a", "b")), "b vs a", 0.05) == [
        "llmbench: b vs a: no scenario judged in both; not compared"
    ]


def test_an_inconclusive_regression_gate_is_never_reported_as_passed() -> None:
    why = ("m vs baseline r: 5 paired scenario(s), 5 changed outcome(s); ...",)
    new, notes = exit_status(
        0, [], tests_failed=0, scenario_failures=0, stopped_early=False, inconclusive=why
    )
    assert new == 0  # no evidence of a regression is not a failure ...
    assert notes[0].startswith("llmbench: REGRESSION GATE CANNOT REACH SIGNIFICANCE: m vs")
    assert not any(n.endswith("gates passed") for n in notes)  # ... nor a pass
    assert notes[-1] == "llmbench: no gate failed; the regression gate cannot reach significance"
