"""Paired comparison of original vs adversarial scores with a percentile bootstrap interval.

The two versions of an item share the question and gold answer, so their scores are strongly
correlated; resampling *pairs* (not the two versions independently) keeps that correlation and
gives a much tighter, honest interval for the drop.  The relative drop is a ratio of means, which
a normal interval handles badly; the bootstrap needs no such approximation.  The seed is fixed so
a report is reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20240905  # fixed: the same rows always give the same interval
CI_LEVEL = 0.95


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def _quantile(sorted_xs: list[float], q: float) -> float:
    pos = (len(sorted_xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def _relative(ori: float, adv: float) -> float | None:
    return (ori - adv) / ori if ori > 0 else None


def paired_summaries(
    metrics: dict[str, tuple[Sequence[float], Sequence[float]]],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> dict[str, dict[str, Any]]:
    """Per metric (e.g. ``{"f1": (ori, adv), "em": (ori, adv)}``, item *i* of ``ori`` paired
    with item *i* of ``adv``): the means (as fractions), the drop ori − adv and the relative
    drop (ori − adv) / ori, each drop with a 95% percentile paired-bootstrap interval (``None``
    when undefined).  Every metric uses the same resampled pairs."""
    sizes = {len(o) for o, a in metrics.values()} | {len(a) for o, a in metrics.values()}
    if len(sizes) > 1:
        raise ValueError("paired scores need the same number of originals and adversarials")
    n = sizes.pop() if sizes else 0
    out: dict[str, dict[str, Any]] = {}
    for name, (ori, adv) in metrics.items():
        m_ori, m_adv = _mean(ori), _mean(adv)
        out[name] = {
            "n_pairs": n,
            "ori": m_ori,
            "adv": m_adv,
            "drop": m_ori - m_adv,
            "relative_drop": _relative(m_ori, m_adv),
            "drop_ci95": None,
            "relative_drop_ci95": None,
        }
    if n < 2:
        return out
    rng = random.Random(seed)
    drops: dict[str, list[float]] = {name: [] for name in metrics}
    relatives: dict[str, list[float]] = {name: [] for name in metrics}
    for _ in range(resamples):
        idx = rng.choices(range(n), k=n)
        for name, (ori, adv) in metrics.items():
            so = sum(map(ori.__getitem__, idx)) / n
            sa = sum(map(adv.__getitem__, idx)) / n
            drops[name].append(so - sa)
            rel = _relative(so, sa)
            if rel is not None:
                relatives[name].append(rel)
    alpha = (1 - CI_LEVEL) / 2
    for name, summary in out.items():
        ds = sorted(drops[name])
        summary["drop_ci95"] = [_quantile(ds, alpha), _quantile(ds, 1 - alpha)]
        # Resamples whose original mean is 0 have no relative drop; require most to be defined.
        if len(relatives[name]) >= 0.9 * resamples:
            rs = sorted(relatives[name])
            summary["relative_drop_ci95"] = [_quantile(rs, alpha), _quantile(rs, 1 - alpha)]
    return out
