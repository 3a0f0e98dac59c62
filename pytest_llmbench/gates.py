"""CI gates: pass-rate thresholds and the regression gate, and the exit status they decide.

With a gate configured the exit status follows the gates instead of single scenarios: a run
at or above its thresholds exits 0 although some scenarios failed. Only scenario *failures*
are forgiven; errors, failures of ordinary tests and runs stopped early keep pytest's status.
Everything here works on values (summary, verdicts, counts); ``session_end`` reads them from
the session and applies the status.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pytest_llmbench.comparison import baseline_comparisons, describe, describe_models
from pytest_llmbench.options import Settings
from pytest_llmbench.results.records import ComparisonRecord, ScenarioVerdict, SuiteSummary
from pytest_llmbench.stats import min_discordant


def threshold_failures(
    summary: list[SuiteSummary], overall: float | None, per_suite: dict[str, float]
) -> list[str]:
    """One message per (model) or (suite, model) below its threshold; an empty list passes."""
    failures = []
    models = list(dict.fromkeys(g["model"] for g in summary if g["model"]))
    if overall is not None:
        for m in models:
            groups = [g for g in summary if g["model"] == m]
            passed = sum(g["passed"] for g in groups)
            judged = passed + sum(g["failed"] for g in groups)
            if not judged:
                failures.append(f"{m}: no scenario was judged (--llm-fail-under={overall:g})")
            elif passed / judged < overall:
                failures.append(
                    f"{m}: pass rate {passed / judged:.1%} ({passed}/{judged}) is below "
                    f"--llm-fail-under={overall:g}"
                )
    for g in summary:
        rate = per_suite.get(g["suite"])
        if rate is None or not g["model"]:
            continue
        pass_rate = g["pass_rate"]
        if pass_rate is None:
            failures.append(f"{g['model']}: suite {g['suite']}: no scenario was judged")
        elif pass_rate < rate:
            failures.append(
                f"{g['model']}: suite {g['suite']}: pass rate {pass_rate:.1%} "
                f"({g['passed']}/{g['passed'] + g['failed']}) is below its gate {rate:g}"
            )
    return failures


def suite_thresholds(ini: dict[str, float], marked: dict[str, float]) -> dict[str, float]:
    """ini lines first; an ``llm_fail_under(rate)`` marker on a suite's items overrides them
    (``marked``: the strictest marker per suite)."""
    return {**ini, **marked}


@dataclass(frozen=True)
class GateResult:
    notes: list[str]
    failures: list[str]
    configured: bool  # False: no gate, pytest's own exit status stands
    comparisons: tuple[ComparisonRecord, ...] = ()
    # Regression gates that could not have failed: too few pairs or flips for significance.
    inconclusive: tuple[str, ...] = ()
    thresholds: bool = False  # a pass-rate gate is configured


def evaluate(
    settings: Settings,
    summary: list[SuiteSummary],
    verdicts: list[ScenarioVerdict],
    per_suite: dict[str, float],
) -> GateResult:
    """Comparisons (between models, against ``--llm-baseline``) and every gate's verdict."""
    s = settings
    notes, records = describe_models(verdicts, list(s.models), s.significance)
    failures: list[str] = []
    inconclusive: list[str] = []
    if s.baseline is not None:
        from pytest_llmbench.errors import ResultsFileError
        from pytest_llmbench.results.reader import read_results

        try:
            baseline = read_results(s.baseline)
        except ResultsFileError as exc:
            notes.append(f"llmbench: baseline: {exc}")
            if s.fail_on_regression:
                failures.append(f"baseline: {exc}")
        else:
            cmps, unpaired = baseline_comparisons(baseline["scenarios"], verdicts, list(s.models))
            notes += unpaired
            run_id = baseline["run"].get("run_id", "?")
            for cmp in cmps:
                notes += describe(cmp, f"{cmp.after} vs baseline {run_id}", s.significance)
                records.append(cmp.record("baseline", s.significance, run_id))
                # Fewer pairs than the fewest flips that can be significant: no outcome of
                # this run could have failed the gate. (Few flips among enough pairs is an
                # answer, "no significant change"; the comparison's lines say how few.)
                need = min_discordant(s.significance)
                if s.fail_on_regression and cmp.pairs < need:
                    inconclusive.append(
                        f"{cmp.after} vs baseline {run_id}: {cmp.pairs} paired scenario(s); "
                        f"at least {need} are needed for p < {s.significance:g}, even if every "
                        "one of them changed"
                    )
                if s.fail_on_regression and cmp.significant_drop(s.significance):
                    failures.append(
                        f"{cmp.after}: significant regression vs baseline "
                        f"({len(cmp.newly_failing)} newly failing, {len(cmp.newly_passing)} "
                        f"newly passing, p={cmp.p_value:.4g} < {s.significance:g})"
                    )
    failures += threshold_failures(summary, s.fail_under, per_suite)
    configured = s.fail_under is not None or bool(per_suite) or s.fail_on_regression
    thresholds = s.fail_under is not None or bool(per_suite)
    return GateResult(notes, failures, configured, tuple(records), tuple(inconclusive), thresholds)


def exit_status(
    status: int,
    failures: list[str],
    *,
    tests_failed: int,
    scenario_failures: int,
    stopped_early: bool,
    inconclusive: tuple[str, ...] = (),
    thresholds: bool = True,
) -> tuple[int, list[str]]:
    """The exit status the gates decide, and what to say about it. Forgiven only when every
    failure pytest counted is one of our scenario failures and the run was not stopped.

    An inconclusive regression gate (``GateResult.inconclusive``: too few pairs or flips for
    any verdict) neither fails the run (it found no evidence of a regression, and failing on
    no evidence would fail as often on noise) nor forgives scenario failures (it could not have
    failed): without a pass-rate gate (``thresholds``) pytest's own status stands. It is never
    reported as passed."""
    if failures:
        new = pytest.ExitCode.TESTS_FAILED if status == pytest.ExitCode.OK else status
        return new, [f"llmbench: GATE FAILED: {f}" for f in failures]
    notes = [f"llmbench: REGRESSION GATE CANNOT REACH SIGNIFICANCE: {w}" for w in inconclusive]
    if inconclusive:
        passed = "no gate failed; the regression gate cannot reach significance"
    else:
        passed = "gates passed"
    if status != pytest.ExitCode.TESTS_FAILED:
        return status, [*notes, f"llmbench: {passed}"]
    if inconclusive and not thresholds:
        return status, [
            *notes,
            f"llmbench: {passed}, so it does not forgive the {scenario_failures} failed "
            "scenario(s): pytest's exit status stands",
        ]
    if tests_failed == scenario_failures and not stopped_early:
        return pytest.ExitCode.OK, [
            *notes,
            f"llmbench: {passed}: exit status 0 although {scenario_failures} scenario(s) failed",
        ]
    return status, [
        *notes,
        f"llmbench: {passed}, but errors, failing non-scenario tests or an early stop keep "
        "the exit status non-zero",
    ]
