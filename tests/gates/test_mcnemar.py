"""The exact McNemar test and the scenario pairing behind baseline and model comparisons."""

from __future__ import annotations

import pytest

from pytest_llmbench.gates import (
    baseline_comparisons,
    compare,
    mcnemar_exact,
    scenario_outcomes,
    threshold_failures,
)


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


def row(scenario: str, outcome: str, model: str = "m/a", sample: int = 0) -> dict[str, object]:
    return {
        "suite": "s",
        "scenario": scenario,
        "model": model,
        "sample": sample,
        "outcome": outcome,
    }


def test_scenario_outcomes_need_every_sample_and_skip_errors() -> None:
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
    out = scenario_outcomes(rows)
    assert out["m/a"] == {("s", "a"): True, ("s", "b"): False}
    assert out["llmbench/violate"] == {("s", "v"): True}


def test_compare_counts_flips_on_common_scenarios_only() -> None:
    before = {("s", "a"): True, ("s", "b"): True, ("s", "c"): False, ("s", "old"): True}
    after = {("s", "a"): False, ("s", "b"): True, ("s", "c"): True, ("s", "new"): False}
    cmp = compare(before, after, ("x", "y"))
    assert cmp.pairs == 3
    assert cmp.newly_failing == [("s", "a")] and cmp.newly_passing == [("s", "c")]
    assert cmp.p_value == 1.0 and not cmp.significant_drop(0.05)


def test_baseline_pairs_same_model_or_the_single_baseline_model() -> None:
    base = {"results": [row(str(i), "passed", "old/m") for i in range(10)]}
    now = [row(str(i), "failed", "new/m") for i in range(10)]
    (cmp,), notes = baseline_comparisons(base, now, ["new/m"])
    assert (cmp.before, cmp.after, len(cmp.newly_failing)) == ("old/m", "new/m", 10)
    assert cmp.significant_drop(0.05) and not cmp.significant_drop(0.001)
    two = {"results": [*base["results"], row("0", "passed", "other/m")]}
    cmps, notes = baseline_comparisons(two, now, ["new/m"])
    assert cmps == [] and "baseline has no results for new/m" in notes[0]


def test_threshold_failures_overall_per_model_and_per_suite() -> None:
    summary = [
        {"suite": "a", "model": "m", "passed": 3, "failed": 1, "pass_rate": 0.75},
        {"suite": "b", "model": "m", "passed": 1, "failed": 1, "pass_rate": 0.5},
        {"suite": "a", "model": "n", "passed": 0, "failed": 0, "pass_rate": None},
    ]
    # m: 4 of 6 passed, exactly at the gate: passes; n judged nothing: fails.
    assert threshold_failures(summary, 4 / 6, {}) == [
        "n: no scenario was judged (--llm-fail-under=0.666667)"
    ]
    assert threshold_failures(summary, None, {"a": 0.75}) == ["n: suite a: no scenario was judged"]
    (msg,) = threshold_failures(summary, None, {"b": 0.6})
    assert msg == "m: suite b: pass rate 50.0% (1/2) is below its gate 0.6"
