"""Pure statistics of pass/fail outcomes: intervals, pass@k, percentiles, the exact McNemar
test. No pytest, no I/O: summaries, gates and reports all compute with these."""

from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval: unlike the normal approximation it stays inside [0, 1] and is
    sensible for the small n and extreme rates benchmark suites produce."""
    if n == 0:
        return (0.0, 0.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k (Chen et al. 2021): chance that k of n samples include a pass."""
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value for b and c discordant pairs.

    Under "no change" each flip is a fair coin, so the exact test is a two-sided binomial test
    on b of b + c. It is exact because benchmark flips are few; the chi-square approximation
    is poor below ~25 flips."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1))
    # Integer arithmetic up to the one division keeps the p-value exact for small n.
    p: float = 2 * tail / 2**n
    return min(1.0, p)


def min_discordant(alpha: float) -> int:
    """The fewest discordant pairs with which the exact McNemar test can give p < ``alpha``
    (all of them flipping the same way: p = 2 / 2^n). 6 at 0.05: 5 flips out of 5 give
    p = 0.0625, so a smaller comparison can never be significant, whatever happened."""
    n = 1
    while mcnemar_exact(n, 0) >= alpha:
        n += 1
    return n
