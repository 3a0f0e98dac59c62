"""The summary per suite × model: counts, pass rate with a Wilson 95% interval, pass@k,
tokens, cost, cache hits and latency percentiles, from the scenario verdicts and sample rows."""

from __future__ import annotations

from collections import defaultdict

from pytest_llmbench.results.records import SampleRow, ScenarioVerdict, SuiteSummary
from pytest_llmbench.stats import pass_at_k, percentile, wilson

_COUNTER = {"passed": "passed", "failed": "failed", "error": "errors"}


def summarize(verdicts: list[ScenarioVerdict], rows: list[SampleRow]) -> list[SuiteSummary]:
    groups: dict[tuple[str, str], SuiteSummary] = {}
    for v in verdicts:
        key = (v["suite"], v["model"] or "-")
        g = groups.get(key)
        if g is None:
            g = groups[key] = SuiteSummary(
                suite=v["suite"],
                model=v["model"],
                scenarios=0,
                passed=0,
                failed=0,
                errors=0,
                skipped=0,
                no_references=0,
                pass_rate=None,
                ci95=None,
                prompt_tokens=0,
                completion_tokens=0,
                cost=None,
                calls=0,
                cached_samples=0,
                latency_p50_s=None,
                latency_p95_s=None,
            )
        g["scenarios"] += 1
        counter = _COUNTER.get(v["outcome"], "skipped")
        g[counter] += 1  # type: ignore[literal-required]
        if not v["has_references"]:
            g["no_references"] += 1
    per_scenario: dict[tuple[str, str], dict[str, list[bool]]] = defaultdict(dict)
    usage: dict[tuple[str, str], list[SampleRow]] = defaultdict(list)
    for r in rows:
        key = (r["suite"], r["model"] or "-")
        if r["outcome"] in ("passed", "failed"):
            per_scenario[key].setdefault(r["nodeid"], []).append(r["outcome"] == "passed")
        if r["outcome"] != "skipped":
            usage[key].append(r)
    for key, g in groups.items():
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
        g["cost"] = sum(c for c in costs if c is not None) if costs else None
        g["calls"] = sum(r.get("calls", 0) for r in rs)
        judge_rows = [r["judge"] for r in rs if r.get("judge")]
        if judge_rows:
            g["judge_calls"] = sum(j["calls"] for j in judge_rows)
            g["judge_prompt_tokens"] = sum(j["prompt_tokens"] for j in judge_rows)
            g["judge_completion_tokens"] = sum(j["completion_tokens"] for j in judge_rows)
            judge_costs = [j["cost"] for j in judge_rows if j.get("cost") is not None]
            g["judge_cost"] = sum(c for c in judge_costs if c is not None) if judge_costs else None
        g["cached_samples"] = sum(1 for r in rs if r.get("cached"))
        lat = [r["latency_s"] for r in rs if r.get("calls") and not r.get("cached")]
        g["latency_p50_s"] = percentile(lat, 0.5)
        g["latency_p95_s"] = percentile(lat, 0.95)
    return list(groups.values())
