"""Results documents built in memory for the HTML report tests: every outcome, tags, several
samples, markup in model text, provenance; large enough on request (5,000 rows) to check the
page stays responsive. The summary is computed by the package's own ``summarize``, and the
tests validate each document against the results schema, so these are files a run could write."""

from __future__ import annotations

from typing import Any

from pytest_llmbench.results.summary import summarize

NASTY = (
    "<script>window.pwned = 'script'</script></script><!-- <img src=x "
    "onerror=\"window.pwned = 'img'\"><svg onload=\"window.pwned = 'svg'\"></svg> & \u2028\u2029"
)
OFFICIAL = {"source": "official", "location": "bench-checkout"}


def provenance(comparable: bool) -> dict[str, Any]:
    return {
        "benchmark": "toolbh",
        "wording": OFFICIAL if comparable else {"source": "own"},
        "data": OFFICIAL,
        "decoding": OFFICIAL,
        "comparable": comparable,
    }


def outcome_of(i: int, m: int) -> str:
    """A fixed pattern: mostly passes, then failures, errors and skips, differing by model."""
    k = (i + 3 * m) % 10
    return "failed" if k in (1, 2) else "error" if k == 3 else "skipped" if k == 4 else "passed"


def row(suite: str, i: int, model: str, m: int, sample: int, outcome: str) -> dict[str, Any]:
    scenario = f"case-{i:05d}"
    reply = f"answer {i} from {model} sample {sample}" + (" wrong" if outcome == "failed" else "")
    if i == 7:
        reply += " " + NASTY
    passed = outcome == "passed"
    ran = outcome in ("passed", "failed")
    return {
        "nodeid": f"{suite}.llmbench.yaml::{scenario}[{model}]",
        "suite": suite,
        "scenario": scenario,
        "model": model,
        "file": f"{suite}.llmbench.yaml",
        "line": 3 + 4 * i,
        "provenance": provenance(m == 0) if suite == "bench" else None,
        "tags": ["even" if i % 2 == 0 else "odd"] + (["needle"] if i % 97 == 5 else []),
        "metadata": {},
        "sample": sample,
        "outcome": outcome,
        "scores": [
            {
                "name": "contains",
                "passed": passed,
                "value": 1.0 if passed else 0.0,
                "reason": "found 'answer'" if passed else f"expected 'right' in reply {i}",
                "turn": 0,
                "args": "answer",
            }
        ]
        if ran
        else [],
        "transcript": [
            {"role": "system", "content": f"system text of {scenario}", "turn": 0},
            {"role": "user", "content": f"question number {i}", "turn": 0},
            {"role": "assistant", "content": reply, "turn": 0},
        ]
        if ran
        else [],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        "cost": None,
        "latency_s": 0.01,
        "cached": False,
        "calls": 1 if ran or outcome == "error" else 0,
        "error": f"server said 500 for {scenario}" if outcome == "error" else None,
        "skip_reason": "no reference reply" if outcome == "skipped" else None,
    }


def document(
    scenarios: int,
    models: tuple[str, ...] = ("m/alpha", "m/beta"),
    samples: int = 1,
    suites: tuple[str, ...] = ("bench", "chat"),
    run_id: str = "run-1",
) -> dict[str, Any]:
    """``scenarios`` per suite and model, ``samples`` rows each (skipped items: one row)."""
    rows: list[dict[str, Any]] = []
    verdicts: list[dict[str, Any]] = []
    for suite in suites:
        for i in range(scenarios):
            for m, model in enumerate(models):
                outcome = outcome_of(i, m)
                n = 1 if outcome == "skipped" else samples
                rs = [row(suite, i, model, m, s, outcome) for s in range(n)]
                rows += rs
                first = rs[0]
                verdicts.append(
                    {
                        **{k: first[k] for k in ("nodeid", "suite", "scenario", "model")},
                        **{k: first[k] for k in ("file", "line", "provenance")},
                        "outcome": outcome,
                        "samples_passed": n if outcome == "passed" else 0,
                        "samples_total": 0 if outcome == "skipped" else n,
                        "expected_failure": False,
                        "error": first["error"],
                        "skip_reason": first["skip_reason"],
                        "has_references": True,
                    }
                )
    return {
        "schema_version": 2,
        "run": {
            "run_id": run_id,
            "started": "2026-12-01T10:00:00+00:00",
            "finished": "2026-12-01T10:05:00+00:00",
            "duration_s": 300.0,
            "models": list(models),
            "api_base": None,
            "params": {},
            "versions": {"pytest-llmbench": "0.1.0", "litellm": None, "pytest": "9", "python": "3"},
            "git_revision": None,
            "command": ["pytest"],
            "platform": "Linux",
        },
        "summary": summarize(verdicts, rows),  # type: ignore[arg-type]
        "scenarios": verdicts,
        "results": rows,
        "aggregates": {},
    }
