"""Aggregate statistics, terminal-safe failure reports and secret-free results files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.report import failure
from pytest_llmbench.report.failure import describe_failure
from pytest_llmbench.report.safe import clip, plain
from pytest_llmbench.results.summary import summarize
from pytest_llmbench.results.writer import dumps
from pytest_llmbench.scenario import Scenario, Turn
from pytest_llmbench.scenario_result import SampleResult, ScenarioResult
from pytest_llmbench.scoring.api import Message, Score, ToolCall
from pytest_llmbench.stats import pass_at_k, percentile, wilson

# --------------------------------------------------------------------------- wilson


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (5, 10, 0.2366, 0.7634),
        (50, 100, 0.4038, 0.5962),
        (1, 1, 0.2065, 1.0),
        (0, 1, 0.0, 0.7935),
    ],
)
def test_wilson_known_values(successes: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson(successes, n)
    assert lo == pytest.approx(low, abs=1e-4)
    assert hi == pytest.approx(high, abs=1e-4)
    assert 0.0 <= lo <= successes / n + 1e-12
    assert successes / n - 1e-12 <= hi <= 1.0


def test_wilson_empty() -> None:
    assert wilson(0, 0) == (0.0, 0.0)


def test_wilson_narrows_with_more_samples() -> None:
    lo10, hi10 = wilson(5, 10)
    lo1000, hi1000 = wilson(500, 1000)
    assert hi1000 - lo1000 < hi10 - lo10


# --------------------------------------------------------------------------- pass@k


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (5, 0, 1, 0.0),
        (5, 0, 5, 0.0),
        (5, 5, 1, 1.0),
        (5, 5, 5, 1.0),
        (5, 1, 1, 0.2),
        (5, 2, 2, 0.7),  # 1 - C(3,2)/C(5,2)
        (5, 1, 5, 1.0),
        (10, 3, 5, 1 - 21 / 252),
        (1, 1, 1, 1.0),
        (1, 0, 1, 0.0),
    ],
)
def test_pass_at_k(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected)


# --------------------------------------------------------------------------- percentile


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 0.5, None),
        ([3.0], 0.5, 3.0),
        ([3.0], 0.95, 3.0),
        ([1.0, 2.0, 3.0], 0.5, 2.0),
        ([3.0, 1.0, 2.0, 4.0], 0.5, 2.5),  # unsorted input, interpolated
        ([1.0, 2.0, 3.0, 4.0, 5.0], 0.0, 1.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 1.0, 5.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 0.95, 4.8),
        ([0.0, 10.0], 0.25, 2.5),
    ],
)
def test_percentile(values: list[float], q: float, expected: float | None) -> None:
    got = percentile(values, q)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


# --------------------------------------------------------------------------- summarize


def item(suite: str, model: str | None, outcome: str, refs: bool = True) -> dict[str, Any]:
    return {"suite": suite, "model": model, "outcome": outcome, "has_references": refs}


def row(
    suite: str,
    model: str | None,
    nodeid: str,
    outcome: str,
    *,
    tokens: tuple[int, int] = (10, 5),
    cost: float | None = None,
    calls: int = 1,
    cached: bool = False,
    latency: float = 1.0,
) -> dict[str, Any]:
    return {
        "suite": suite,
        "model": model,
        "nodeid": nodeid,
        "outcome": outcome,
        "usage": {"prompt_tokens": tokens[0], "completion_tokens": tokens[1]},
        "cost": cost,
        "calls": calls,
        "cached": cached,
        "latency_s": latency,
    }


def test_summarize_counts_rates_and_usage() -> None:
    items = [
        item("a", "m1", "passed"),
        item("a", "m1", "passed", refs=False),
        item("a", "m1", "failed"),
        item("a", "m1", "error"),
        item("a", "m1", "skipped"),
        item("a", "m2", "passed"),
        item("b", None, "error"),
    ]
    rows = [
        # a/m1 node1: 2 of 3 samples pass; node2: none of 3 pass
        row("a", "m1", "n1", "passed", cost=0.5, latency=1.0),
        row("a", "m1", "n1", "passed", cached=True, latency=99.0),
        row("a", "m1", "n1", "failed", cost=0.25, latency=3.0),
        row("a", "m1", "n2", "failed", latency=2.0),
        row("a", "m1", "n2", "failed", latency=4.0),
        row("a", "m1", "n2", "failed", latency=5.0),
        row("a", "m1", "n3", "error", calls=0, latency=50.0, tokens=(1, 0)),
        row("a", "m1", "n4", "skipped", tokens=(1000, 1000), calls=9, latency=70.0),
        row("a", "m2", "n1", "passed", tokens=(7, 3), latency=0.5),
        row("b", None, "n9", "error", calls=2, tokens=(4, 0), latency=8.0),
    ]
    a1, a2, b = summarize(items, rows)

    assert (a1["suite"], a1["model"]) == ("a", "m1")
    assert {k: a1[k] for k in ("scenarios", "passed", "failed", "errors", "skipped")} == {
        "scenarios": 5,
        "passed": 2,
        "failed": 1,
        "errors": 1,
        "skipped": 1,
    }
    assert a1["no_references"] == 1
    assert a1["pass_rate"] == pytest.approx(2 / 3)  # errors and skips are not judged
    assert a1["ci95"] == pytest.approx(list(wilson(2, 3)))
    assert a1["samples_per_scenario"] == 3
    assert a1["sample_pass_rate"] == pytest.approx(2 / 6)
    assert a1["pass_at_k"] == pytest.approx({"1": (2 / 3 + 0) / 2, "3": (1 + 0) / 2})
    # skipped rows cost nothing; error rows still count their tokens
    assert a1["prompt_tokens"] == 6 * 10 + 1
    assert a1["completion_tokens"] == 6 * 5
    assert a1["cost"] == pytest.approx(0.75)
    assert a1["calls"] == 6
    assert a1["cached_samples"] == 1
    # cached rows and rows without calls are left out of latency
    assert a1["latency_p50_s"] == pytest.approx(3.0)
    assert a1["latency_p95_s"] == pytest.approx(percentile([1.0, 3.0, 2.0, 4.0, 5.0], 0.95))

    assert (a2["suite"], a2["model"], a2["scenarios"], a2["passed"]) == ("a", "m2", 1, 1)
    assert a2["pass_rate"] == 1.0
    assert "pass_at_k" not in a2  # one sample per scenario: no pass@k
    assert "samples_per_scenario" not in a2
    assert a2["cost"] is None
    assert (a2["prompt_tokens"], a2["completion_tokens"]) == (7, 3)
    assert a2["latency_p50_s"] == 0.5

    assert (b["suite"], b["model"], b["errors"]) == ("b", None, 1)
    assert b["pass_rate"] is None
    assert b["ci95"] is None
    assert b["calls"] == 2
    assert b["latency_p50_s"] == 8.0


def test_summarize_all_cached_has_no_latency() -> None:
    (g,) = summarize(
        [item("a", "m", "passed")], [row("a", "m", "n", "passed", cached=True, latency=3.0)]
    )
    assert g["cached_samples"] == 1
    assert g["latency_p50_s"] is None
    assert g["latency_p95_s"] is None


def test_summarize_empty() -> None:
    assert summarize([], []) == []


# --------------------------------------------------------------------------- safe text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("\x9b2J", "\\x9b2J"),  # C1 CSI
        ("a\rb", "a\\x0db"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("back\x08space", "back\\x08space"),
        ("line\nnext\ttab", "line\nnext\ttab"),
        ("héllo 你好 🙂 — ok\u00a0", "héllo 你好 🙂 — ok\u00a0"),
        ("[bold]not markup[/bold]", "[bold]not markup[/bold]"),
        ("", ""),
        (None, ""),
    ],
)
def test_plain(text: str | None, expected: str) -> None:
    assert plain(text) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("abc", 3, "abc"), ("abcdef", 4, "abc…"), ("", 1, "")],
)
def test_clip(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected
    assert len(clip(text, limit)) <= limit


ANSI = "\x1b[31m"


def failing_sample(n: int, stopped: int | None = None) -> SampleResult:
    return SampleResult(
        sample=n,
        messages=(
            Message("system", f"{ANSI}system"),
            Message("user", f"hi {ANSI}there", turn=0),
            Message(
                "assistant",
                None,
                (ToolCall("c1", f"look{ANSI}up", f'{{"q": "{ANSI}x"}}'),),
                turn=0,
            ),
            Message("tool", f"result {ANSI}", tool_call_id="c1", name=f"look{ANSI}up", turn=0),
            Message("assistant", f"line one\n{ANSI}line two\x9b", turn=0),
        ),
        turn_scores=((Score(False, f"expected {ANSI}Paris", name="contains"), Score(True)),),
        conversation_scores=(Score(False, f"said \x1b[2J{ANSI}", name="not_contains"),),
        stopped_at_turn=stopped,
        reference="fail[0]",
    )


SCENARIO = Scenario(
    id="capital",
    suite="demo",
    path=Path("suites/demo.llmbench.yaml"),
    line=12,
    turns=(Turn("hi"),),
)


def test_describe_failure_never_prints_raw_control_codes() -> None:
    passing = SampleResult(sample=1, messages=(Message("assistant", "fine\x1b[0m"),))
    result = ScenarioResult((failing_sample(0, stopped=0), passing))
    text = describe_failure(SCENARIO, "openai/gpt-x", result)

    assert "\x1b" not in text
    assert "\x9b" not in text
    assert "\\x1b[31m" in text  # shown, but harmless
    lines = text.splitlines()
    # First line: the first failing reason (what pytest's short summary shows); then where.
    assert lines[0] == "turn 0 contains: expected \\x1b[31mParis"
    assert lines[1] == "demo.llmbench.yaml:12: scenario 'capital' with openai/gpt-x"
    assert "── sample 0 (fail[0]) " in text
    assert "  ✗ turn 0 contains: expected \\x1b[31mParis" in lines
    assert "  ✗ conversation not_contains: said \\x1b[2J\\x1b[31m" in lines
    assert "  stopped after turn 0 (stop_on_failure)" in lines
    assert "    [tool look\\x1b[31mup] result \\x1b[31m" in lines
    assert any("→ call look\\x1b[31mup(" in line for line in lines)
    assert "sample 1" not in text  # passing samples are not shown
    assert lines[-1] == "1/2 samples passed"
    # multi-line replies stay indented under their role
    i = lines.index("    [assistant] line one")
    assert lines[i + 1] == " " * len("    [assistant] ") + "\\x1b[31mline two\\x9b"


def test_describe_failure_for_violate_and_long_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(failure, "MAX_MESSAGE", 20)
    sample = SampleResult(
        sample=0,
        messages=(Message("assistant", "x" * 100),),
        turn_scores=((Score(False, "nope", name="exact"),),),
    )
    text = describe_failure(SCENARIO, "openai/gpt-x", ScenarioResult((sample,), True))
    assert "llmbench/violate" in text
    assert "    [assistant] " + "x" * 19 + "…" in text.splitlines()
    assert "samples passed" not in text  # a single sample needs no tally


# --------------------------------------------------------------------------- secrets


SECRET = "sk-test-1234567890"


def test_dumps_scrubs_env_secrets_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("TINY_TOKEN", "abc1234")
    monkeypatch.setenv("LLMBENCH_MODEL", "openai/not-a-secret-model")
    document = {
        "run": {"api_base": f"http://127.0.0.1:8000/v1?key={SECRET}", "model": "openai/x"},
        SECRET: "as a key",
        "results": [
            {"transcript": [{"role": "user", "content": f"my key is {SECRET}!"}]},
            {"note": "abc1234 openai/not-a-secret-model"},
        ],
    }
    text = dumps(document)
    assert SECRET not in text
    assert text.count("***") == 3
    back = json.loads(text)
    assert back["run"]["api_base"] == "http://127.0.0.1:8000/v1?key=***"
    assert back["***"] == "as a key"
    assert back["results"][0]["transcript"][0]["content"] == "my key is ***!"
    assert back["results"][1]["note"] == "abc1234 openai/not-a-secret-model"


@pytest.mark.parametrize(
    "secret",
    ['pa"ss-word-123', "back\\slash-secret", "tab\tseparated-secret", "ünïcødé-sécret"],
)
def test_dumps_scrubs_secrets_that_json_escapes(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("DB_PASSWORD", secret)
    text = dumps({"prompt": f"use {secret} to log in"})
    assert json.loads(text) == {"prompt": "use *** to log in"}
