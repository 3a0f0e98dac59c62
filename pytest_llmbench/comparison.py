"""Paired comparisons of scenario verdicts: against a baseline run, and between the models of
one run.

Each scenario judged in both is a pair; only the flips carry information (b = passed before
and fails now, c = the reverse), tested with the exact McNemar test (``stats.mcnemar_exact``).
The verdicts are read, never recomputed: a results file carries them (``scenarios``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from pytest_llmbench.results.records import ComparisonRecord, ScenarioVerdict
from pytest_llmbench.stats import mcnemar_exact, min_discordant

Key = tuple[str, str]  # (suite, scenario)
MAX_LISTED = 20  # flips listed by name in the terminal; the rest are counted
BASELINE_WORDS = ("newly failing", "newly passing")


def judged(verdicts: Iterable[ScenarioVerdict]) -> dict[str, dict[Key, bool]]:
    """model -> (suite, scenario) -> passed, for the scenarios judged (passed or failed): an
    error or a skip is not a verdict and stays out of the pairs."""
    out: dict[str, dict[Key, bool]] = {}
    for v in verdicts:
        if v["model"] and v["outcome"] in ("passed", "failed"):
            out.setdefault(v["model"], {})[(v["suite"], v["scenario"])] = v["outcome"] == "passed"
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

    @property
    def changed(self) -> int:
        return len(self.newly_failing) + len(self.newly_passing)

    def significant_drop(self, alpha: float) -> bool:
        return len(self.newly_failing) > len(self.newly_passing) and self.p_value < alpha

    def can_reach(self, alpha: float) -> bool:
        """Could the flips seen be significant, had they all gone one way? (Below
        ``min_discordant(alpha)`` flips no split of them is.)"""
        return self.changed >= min_discordant(alpha)

    def unreachable(self, alpha: float) -> str | None:
        """Why this comparison cannot reach significance, or None when it can."""
        need = min_discordant(alpha)
        if self.pairs < need:
            return (
                f"{self.pairs} paired scenario(s): even all of them changing gives at best "
                f"p={mcnemar_exact(self.pairs, 0):.4g}; the exact McNemar test needs at least "
                f"{need} changed outcomes at {alpha:g}, so at least {need} paired scenarios"
            )
        if 0 < self.changed < need:
            return (
                f"{self.changed} changed outcome(s) give at best "
                f"p={mcnemar_exact(self.changed, 0):.4g}; at least {need} are needed at {alpha:g}"
            )
        return None

    def record(
        self, kind: Literal["baseline", "models"], alpha: float, baseline_run: str | None = None
    ) -> ComparisonRecord:
        return ComparisonRecord(
            kind=kind,
            before=self.before,
            after=self.after,
            baseline_run=baseline_run,
            pairs=self.pairs,
            newly_failing=len(self.newly_failing),
            newly_passing=len(self.newly_passing),
            p_value=self.p_value,
            alpha=alpha,
            significant=self.p_value < alpha,
            min_discordant=min_discordant(alpha),
            can_reach_significance=self.unreachable(alpha) is None,
        )


def compare(before: dict[Key, bool], after: dict[Key, bool], names: tuple[str, str]) -> Comparison:
    cmp = Comparison(*names)
    for key in sorted(before.keys() & after.keys()):
        cmp.pairs += 1
        if before[key] and not after[key]:
            cmp.newly_failing.append(key)
        elif after[key] and not before[key]:
            cmp.newly_passing.append(key)
    return cmp


def model_comparisons(verdicts: list[ScenarioVerdict], models: list[str]) -> list[Comparison]:
    """The first model against each other one, on the same scenarios of the same run."""
    outcomes = judged(verdicts)
    first = models[0]
    return [compare(outcomes.get(first, {}), outcomes.get(m, {}), (first, m)) for m in models[1:]]


def baseline_comparisons(
    baseline: list[ScenarioVerdict], verdicts: list[ScenarioVerdict], models: list[str]
) -> tuple[list[Comparison], list[str]]:
    """Each model of this run against the same model in the baseline, or against the
    baseline's only model (a new model replacing an old one); notes for models unpaired."""
    old = judged(baseline)
    new = judged(verdicts)
    out, notes = [], []
    for m in models:
        ref = m if m in old else (next(iter(old)) if len(old) == 1 else None)
        if ref is None:
            notes.append(f"llmbench: baseline has no results for {m}; not compared")
            continue
        out.append(compare(old[ref], new.get(m, {}), (ref, m)))
    return out, notes


def describe(
    cmp: Comparison, label: str, alpha: float, words: tuple[str, str] = BASELINE_WORDS
) -> list[str]:
    b, c = len(cmp.newly_failing), len(cmp.newly_passing)
    if cmp.pairs == 0:
        return [f"llmbench: {label}: no scenario judged in both; not compared"]
    verdict = "significant" if cmp.p_value < alpha else "not significant"
    lines = [
        f"llmbench: {label}: {cmp.pairs} paired scenarios, {b} {words[0]}, {c} {words[1]}; "
        f"exact McNemar p={cmp.p_value:.4g} ({verdict} at {alpha:g})"
    ]
    why = cmp.unreachable(alpha)
    if why is not None:
        lines.append(f"llmbench: {label}: cannot reach significance: {why}")
    for word, keys in ((words[0], cmp.newly_failing), (words[1], cmp.newly_passing)):
        for suite, scenario in keys[:MAX_LISTED]:
            lines.append(f"  {word}: {suite}::{scenario}")
        if len(keys) > MAX_LISTED:
            lines.append(f"  ... and {len(keys) - MAX_LISTED} more {word}")
    return lines


def describe_models(
    verdicts: list[ScenarioVerdict], models: list[str], alpha: float
) -> tuple[list[str], list[ComparisonRecord]]:
    """The terminal lines and the records of the paired comparison between the models of one
    run; none for a model with no scenario judged (e.g. ``-k`` selected another's items)."""
    lines: list[str] = []
    records: list[ComparisonRecord] = []
    for cmp in model_comparisons(verdicts, models) if len(models) > 1 else []:
        if cmp.pairs == 0:
            continue
        words = (f"pass only with {cmp.before}", f"pass only with {cmp.after}")
        lines += describe(cmp, f"{cmp.after} vs {cmp.before}", alpha, words)
        records.append(cmp.record("models", alpha))
    return lines, records
