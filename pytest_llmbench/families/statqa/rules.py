"""The applicability rules behind StatQA's gold method sets (spec §10), α = 0.05.

Each rule returns the gold methods and the difficulty: ``hard`` iff a prerequisite ruled out
some of the sub-task's candidate methods. The checks use only the standard library so the
generator needs neither numpy nor scipy.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from . import methods as m

# Stephens' 5 % critical value of A² for normality with estimated mean and variance, adjusted for
# the sample size as scipy.stats.anderson does (upstream computed its checks with scipy).
ALPHA_5_NORMAL_CRITICAL = 0.752


class NotApplicable(ValueError):
    """No candidate method applies (the benchmark skips such column sets)."""


def anderson_darling_normal(values: Sequence[float]) -> tuple[float, float]:
    """``(A², critical value at 5 %)`` of the Anderson-Darling test for normality with mean and
    standard deviation estimated from the sample; normality is rejected when A² ≥ the critical
    value."""
    n = len(values)
    if n < 8:
        raise ValueError("the Anderson-Darling check needs at least 8 values")
    mean, sd = statistics.fmean(values), statistics.stdev(values)
    if sd == 0:
        raise ValueError("zero variance")
    norm = statistics.NormalDist()
    z = sorted((v - mean) / sd for v in values)
    # log(1 - Φ(z)) is computed as log Φ(-z), which stays accurate far in the upper tail.
    log_cdf = [math.log(max(norm.cdf(x), 1e-300)) for x in z]
    log_sf = [math.log(max(norm.cdf(-x), 1e-300)) for x in z]
    s = sum((2 * i + 1) * (log_cdf[i] + log_sf[n - 1 - i]) for i in range(n))
    a2 = -n - s / n
    critical = round(ALPHA_5_NORMAL_CRITICAL / (1 + 0.75 / n + 2.25 / n**2), 3)
    return a2, critical


def is_normal(values: Sequence[float]) -> bool:
    a2, critical = anderson_darling_normal(values)
    return a2 < critical


def _difficulty(chosen: Sequence[str], candidates: Sequence[str]) -> str:
    return "hard" if len(chosen) < len(candidates) else "easy"


def correlation(n: int, control: bool = False) -> tuple[list[str], str]:
    """Pearson/Spearman need n ≥ 50, Kendall always applies; a control column means the
    partial correlation alone."""
    if control:
        return [m.PARTIAL], "easy"
    chosen = [m.PEARSON, m.SPEARMAN, m.KENDALL] if n >= 50 else [m.KENDALL]
    return chosen, _difficulty(chosen, (m.PEARSON, m.SPEARMAN, m.KENDALL))


def expected_counts(table: Sequence[Sequence[int]]) -> list[list[float]]:
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table, strict=True)]
    total = sum(rows)
    return [[r * c / total for c in cols] for r in rows]


def chi_square_applicable(table: Sequence[Sequence[int]]) -> bool:
    """No expected count below 1 and at most 20 % of the cells below 5 (Cochran's rule)."""
    cells = [e for row in expected_counts(table) for e in row]
    return min(cells) >= 1 and sum(e < 5 for e in cells) <= 0.2 * len(cells)


def contingency(table: Sequence[Sequence[int]], strata: bool = False) -> tuple[list[str], str]:
    """Chi-square under Cochran's rule, Fisher for 2×2 tables only; a strata column means
    Mantel-Haenszel alone."""
    if strata:
        return [m.MANTEL_HAENSZEL], "easy"
    if len(table) < 2 or len(table[0]) < 2:
        raise NotApplicable("a contingency table needs at least two levels on each side")
    chosen = []
    if chi_square_applicable(table):
        chosen.append(m.CHI_SQUARE)
    if len(table) == 2 and len(table[0]) == 2:
        chosen.append(m.FISHER)
    if not chosen:
        raise NotApplicable("neither chi-square (expected counts) nor Fisher (not 2x2) applies")
    return chosen, _difficulty(chosen, (m.CHI_SQUARE, m.FISHER))


def normality(n: int) -> tuple[list[str], str]:
    """Anderson-Darling and KS always; Shapiro-Wilk below 50 rows, Lilliefors above 50."""
    if n == 50:
        # Upstream's handling of exactly 50 rows was not recorded: never claim a gold for it.
        raise NotApplicable("the n = 50 boundary of the normality tests is not documented")
    extra = m.SHAPIRO_WILK if n < 50 else m.LILLIEFORS
    return [m.ANDERSON_DARLING, extra, m.KS_NORMAL], "hard"


def variance(a: Sequence[float], b: Sequence[float]) -> tuple[list[str], str]:
    """Mood always; Levene with more than 2 values per sample; Bartlett and the F-test only when
    both samples pass the Anderson-Darling normality check. Pairs with a value ≤ 0, an infinite
    value or zero variance are skipped, as upstream does."""
    for sample in (a, b):
        if any(v <= 0 or math.isinf(v) for v in sample):
            raise NotApplicable("a value is ≤ 0 or infinite")
        if len(set(sample)) < 2:
            raise NotApplicable("zero variance")
    chosen = [m.MOOD]
    if len(a) > 2 and len(b) > 2:
        chosen.append(m.LEVENE)
    if is_normal(a) and is_normal(b):
        chosen += [m.BARTLETT, m.F_TEST]
    return chosen, _difficulty(chosen, (m.MOOD, m.LEVENE, m.BARTLETT, m.F_TEST))
