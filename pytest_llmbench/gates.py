"""CI gates: pass-rate thresholds and paired comparisons (against a baseline run, and between
the models of one run).

With a gate configured the exit status follows the gates instead of single scenarios: a run
at or above its thresholds exits 0 although some scenarios failed. Only scenario *failures*
are forgiven; errors, failures of ordinary tests and runs stopped early keep pytest's status.

Paired comparison: each scenario judged in both runs is a pair; only the flips carry
information (b = passed before and fails now, c = the reverse). Under "no change" each flip
is a fair coin, so the exact McNemar test is a two-sided binomial test on b of b + c. It is
exact because benchmark flips are few; the chi-square approximation is poor below ~25 flips.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_llmbench.run import BenchRun

Key = tuple[str, str]  # (suite, scenario)
MAX_LISTED = 20  # flips listed by name in the terminal; the rest are counted


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value for b and c discordant pairs."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1))
    # Integer arithmetic up to the one division keeps the p-value exact for small n.
    p: float = 2 * tail / 2**n
    return min(1.0, p)


def scenario_outcomes(rows: list[dict[str, Any]]) -> dict[str, dict[Key, bool]]:
    """model -> (suite, scenario) -> passed, for scenarios judged in every sample.

    A scenario passes when all its samples pass (as in the run); one with an error or a skip in
    any sample is not judged and stays out of the pairs. Results files keep sample rows only,
    so the scenario verdict is rebuilt here, for this run and a baseline alike."""
    samples: dict[tuple[str, str, str], list[str]] = {}
    for r in rows:
        if r.get("model"):
            samples.setdefault((r["model"], r["suite"], r["scenario"]), []).append(r["outcome"])
    out: dict[str, dict[Key, bool]] = {}
    for (model, suite, scenario), outcomes in samples.items():
        if all(o in ("passed", "failed") for o in outcomes):
            # llmbench/violate inverts the rule (outcome.ScenarioResult): one slip passes.
            rule = any if model == "llmbench/violate" else all
            out.setdefault(model, {})[(suite, scenario)] = rule(o == "passed" for o in outcomes)
    return out


@dataclass
class Comparison:
    """``before`` vs ``after`` on the scenarios both judged."""

    before: str
    after: str
    pairs: int = 0
    newly_failing: list[Key] = field(default_factory=list)  # b
    newly_passing: list[Key] = field(default_factory=list)  # c

    @property
    def p_value(self) -> float:
        return mcnemar_exact(len(self.newly_failing), len(self.newly_passing))

    def significant_drop(self, alpha: float) -> bool:
        return len(self.newly_failing) > len(self.newly_passing) and self.p_value < alpha


def compare(before: dict[Key, bool], after: dict[Key, bool], names: tuple[str, str]) -> Comparison:
    cmp = Comparison(*names)
    for key in sorted(before.keys() & after.keys()):
        cmp.pairs += 1
        if before[key] and not after[key]:
            cmp.newly_failing.append(key)
        elif after[key] and not before[key]:
            cmp.newly_passing.append(key)
    return cmp


def model_comparisons(rows: list[dict[str, Any]], models: list[str]) -> list[Comparison]:
    """The first model against each other one, on the same scenarios of the same run."""
    outcomes = scenario_outcomes(rows)
    first = models[0]
    return [compare(outcomes.get(first, {}), outcomes.get(m, {}), (first, m)) for m in models[1:]]


def baseline_comparisons(
    baseline: dict[str, Any], rows: list[dict[str, Any]], models: list[str]
) -> tuple[list[Comparison], list[str]]:
    """Each model of this run against the same model in the baseline, or against the
    baseline's only model (a new model replacing an old one); notes for models unpaired."""
    old = scenario_outcomes(baseline.get("results", []))
    new = scenario_outcomes(rows)
    out, notes = [], []
    for m in models:
        ref = m if m in old else (next(iter(old)) if len(old) == 1 else None)
        if ref is None:
            notes.append(f"llmbench: baseline has no results for {m}; not compared")
            continue
        out.append(compare(old[ref], new.get(m, {}), (ref, m)))
    return out, notes


BASELINE_WORDS = ("newly failing", "newly passing")


def describe(
    cmp: Comparison, label: str, alpha: float, words: tuple[str, str] = BASELINE_WORDS
) -> list[str]:
    b, c = len(cmp.newly_failing), len(cmp.newly_passing)
    verdict = "significant" if cmp.p_value < alpha else "not significant"
    lines = [
        f"llmbench: {label}: {cmp.pairs} paired scenarios, {b} {words[0]}, {c} {words[1]}; "
        f"exact McNemar p={cmp.p_value:.4g} ({verdict} at {alpha:g})"
    ]
    for word, keys in ((words[0], cmp.newly_failing), (words[1], cmp.newly_passing)):
        for suite, scenario in keys[:MAX_LISTED]:
            lines.append(f"  {word}: {suite}::{scenario}")
        if len(keys) > MAX_LISTED:
            lines.append(f"  ... and {len(keys) - MAX_LISTED} more {word}")
    return lines


def threshold_failures(
    summary: list[dict[str, Any]], overall: float | None, per_suite: dict[str, float]
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
        if g["pass_rate"] is None:
            failures.append(f"{g['model']}: suite {g['suite']}: no scenario was judged")
        elif g["pass_rate"] < rate:
            failures.append(
                f"{g['model']}: suite {g['suite']}: pass rate {g['pass_rate']:.1%} "
                f"({g['passed']}/{g['passed'] + g['failed']}) is below its gate {rate:g}"
            )
    return failures


def suite_thresholds(run: BenchRun, session: pytest.Session) -> dict[str, float]:
    """ini lines first; an ``llm_fail_under(rate)`` marker on a suite's items overrides them
    (the strictest marker wins). Markers are read from the collected items, so under xdist,
    whose controller collects nothing, only the ini key applies."""
    out = dict(run.settings.fail_under_suite)
    from pytest_llmbench.collect import ScenarioItem

    marked: dict[str, float] = {}
    for item in getattr(session, "items", []):
        mark = item.get_closest_marker("llm_fail_under")
        if isinstance(item, ScenarioItem) and mark is not None and mark.args:
            suite = item.scenario.suite
            marked[suite] = max(marked.get(suite, 0.0), float(mark.args[0]))
    return {**out, **marked}


def _load_baseline(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read baseline {path}: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise ValueError(f"baseline {path} is not a pytest-llmbench results file")
    return document


def apply_gates(run: BenchRun, session: pytest.Session) -> list[str]:
    """Evaluate comparisons and gates, set ``session.exitstatus``, return terminal notes.

    pytest returns ``session.exitstatus`` as read *after* the sessionfinish hooks, so assigning
    it here decides the process exit code (checked with pytester in tests/gates)."""
    s = run.settings
    if run.collector is None or not run.collector.items or not s.models:
        return []
    rows = run.collector.rows
    notes: list[str] = []
    failures: list[str] = []
    for cmp in model_comparisons(rows, list(s.models)) if len(s.models) > 1 else []:
        words = (f"pass only with {cmp.before}", f"pass only with {cmp.after}")
        notes += describe(cmp, f"{cmp.after} vs {cmp.before}", s.significance, words)
    if s.baseline is not None:
        try:
            baseline = _load_baseline(s.baseline)
        except ValueError as exc:
            notes.append(f"llmbench: {exc}")
            if s.fail_on_regression:
                failures.append(str(exc))
        else:
            run_id = baseline.get("run", {}).get("run_id", "?")
            cmps, unpaired = baseline_comparisons(baseline, rows, list(s.models))
            notes += unpaired
            for cmp in cmps:
                notes += describe(cmp, f"{cmp.after} vs baseline {run_id}", s.significance)
                if s.fail_on_regression and cmp.significant_drop(s.significance):
                    failures.append(
                        f"{cmp.after}: significant regression vs baseline "
                        f"({len(cmp.newly_failing)} newly failing, {len(cmp.newly_passing)} "
                        f"newly passing, p={cmp.p_value:.4g} < {s.significance:g})"
                    )
    per_suite = suite_thresholds(run, session)
    failures += threshold_failures(run.summary, s.fail_under, per_suite)
    if s.fail_under is None and not per_suite and not s.fail_on_regression:
        return notes  # no gate: pytest's own exit status stands
    return notes + _decide(run, session, failures)


def _decide(run: BenchRun, session: pytest.Session, failures: list[str]) -> list[str]:
    status = session.exitstatus
    if failures:
        if status == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return [f"llmbench: GATE FAILED: {f}" for f in failures]
    assert run.collector is not None
    failed = sum(1 for it in run.collector.items if it["outcome"] == "failed")
    if status != pytest.ExitCode.TESTS_FAILED:
        return ["llmbench: gates passed"]
    # Forgive only when every failure pytest counted is one of our scenario failures.
    if session.testsfailed == failed and not session.shouldfail and not session.shouldstop:
        session.exitstatus = pytest.ExitCode.OK
        return [f"llmbench: gates passed: exit status 0 although {failed} scenario(s) failed"]
    return [
        "llmbench: gates passed, but errors, failing non-scenario tests or an early stop keep "
        "the exit status non-zero"
    ]
