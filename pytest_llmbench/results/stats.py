"""Aggregates per suite × model: counts, pass rate with a Wilson 95% interval, pass@k, tokens,
cost, cache hits and latency percentiles. Pure functions over the gathered payloads."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

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


def summarize(items: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    order: list[tuple[str, str]] = []

    def group(suite: str, model: str | None) -> dict[str, Any]:
        key = (suite, model or "-")
        if key not in groups:
            order.append(key)
            groups[key] = {
                "suite": suite,
                "model": model,
                "scenarios": 0,
                "passed": 0,
                "failed": 0,
                "errors": 0,
                "skipped": 0,
                "no_references": 0,
            }
        return groups[key]

    for it in items:
        g = group(it["suite"], it["model"])
        g["scenarios"] += 1
        outcome = it["outcome"]
        g[{"passed": "passed", "failed": "failed", "error": "errors"}.get(outcome, "skipped")] += 1
        if not it.get("has_references", True):
            g["no_references"] += 1
    per_scenario: dict[tuple[str, str], dict[str, list[bool]]] = defaultdict(dict)
    usage: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        key = (r["suite"], r["model"] or "-")
        if r["outcome"] in ("passed", "failed"):
            per_scenario[key].setdefault(r["nodeid"], []).append(r["outcome"] == "passed")
        if r["outcome"] != "skipped":
            usage[key].append(r)
    out = []
    for key in order:
        g = groups[key]
        judged = g["passed"] + g["failed"]
        g["pass_rate"] = g["passed"] / judged if judged else None
        lo, hi = wilson(g["passed"], judged)
        g["ci95"] = [lo, hi] if judged else None
        samples = per_scenario.get(key, {})
        ks = {len(v) for v in samples.values()}
        if samples and max(ks) > 1:
            n = min(ks)
            g["samples_per_scenario"] = n
            g["sample_pass_rate"] = sum(sum(v) for v in samples.values()) / sum(
                len(v) for v in samples.values()
            )
            g["pass_at_k"] = {
                str(k): sum(pass_at_k(len(v), sum(v), k) for v in samples.values()) / len(samples)
                for k in sorted({1, n})
            }
        rs = usage.get(key, [])
        g["prompt_tokens"] = sum(r["usage"]["prompt_tokens"] for r in rs)
        g["completion_tokens"] = sum(r["usage"]["completion_tokens"] for r in rs)
        costs = [r["cost"] for r in rs if r.get("cost") is not None]
        g["cost"] = sum(costs) if costs else None
        g["calls"] = sum(r.get("calls", 0) for r in rs)
        g["cached_samples"] = sum(1 for r in rs if r.get("cached"))
        lat = [r["latency_s"] for r in rs if r.get("calls") and not r.get("cached")]
        g["latency_p50_s"] = percentile(lat, 0.5)
        g["latency_p95_s"] = percentile(lat, 0.95)
        out.append(g)
    return out
