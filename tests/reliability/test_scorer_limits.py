"""Scorers that hang or crash (issue 19, finding 3): each call runs off the engine's loop
under ``--llm-scorer-timeout``; one past it, or one that raises, makes its item an ERROR naming
the scorer; the other scenarios go on, and Ctrl-C still ends the run at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PYTEST_SUBPROCESS
from tests.reliability.helpers import read_rows, run_subprocess
from tests.servers.openai_server import FakeOpenAIServer

CONFTEST = """
import time

from pytest_llmbench import Score, scorer


@scorer("hang/busy")
def busy():
    def score(ctx):
        while True:  # pure Python: releases the GIL now and then, never returns
            pass
    return score


@scorer("hang/sleep")
def sleep(seconds=3600):
    def score(ctx):
        time.sleep(seconds)
        return Score(True, "woke up")
    return score


@scorer("hang/crash")
def crash():
    def score(ctx):
        raise RuntimeError("scorer bug")
    return score


def pytest_llmbench_add_scorers(registry):
    registry.add(busy, sleep, crash)
"""

REPLY = "a" * 42 + "!"  # 43 characters


def _suite(n_fine: int, hostile: dict[str, str]) -> str:
    lines = ["suite: hostile", "scenarios:"]
    for i in range(n_fine):
        lines += [f"  - id: fine{i}", f"    user: question {i}", "    expect: [{max_words: 3}]"]
    for sid, expect in hostile.items():
        lines += [f"  - id: {sid}", f"    user: question {sid}", f"    expect: [{expect}]"]
    return "\n".join(lines) + "\n"


HOSTILE = {
    # regex (the package) sees through this one: a prompt, correct verdict, no timeout needed.
    "nested-plus": "{regex: {pattern: '^(a+)+$'}}",
    # This one backtracks exponentially in regex too: its match timeout / the limit stop it.
    "alternation": "{regex: {pattern: '^(a|aa)+$'}}",
    "busy": "hang/busy",
    "sleeper": "hang/sleep",
    "crasher": "hang/crash",
}


def test_hanging_and_crashing_scorers_are_errors_naming_the_scorer(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    pytester.makeconftest(CONFTEST)
    (pytester.path / "hostile.llmbench.yaml").write_text(_suite(6, HOSTILE), encoding="utf-8")
    fake_server.script(lambda body: REPLY)
    results = pytester.path / "run.json"
    started = time.monotonic()
    result = run_subprocess(
        pytester, fake_server, "--llm-scorer-timeout=1", f"--llm-results={results}", "-rA"
    )
    elapsed = time.monotonic() - started
    result.assert_outcomes(passed=6, failed=1, errors=4)
    rows = read_rows(results)
    assert rows["nested-plus"]["outcome"] == "failed"
    for sid, scorer in (("alternation", "regex"), ("busy", "hang/busy"), ("sleeper", "hang/sleep")):
        error = rows[sid]["error"]
        assert rows[sid]["outcome"] == "error", sid
        assert error.startswith(f"scorer {scorer}") and "1 s time limit" in error, error
    assert "scorer hang/crash crashed: RuntimeError: scorer bug" in rows["crasher"]["error"]
    assert "Traceback" not in result.stdout.str()
    # Not a timed assert on performance: a run that waited for the hung scorers never ends.
    assert elapsed < 120


@pytest.mark.slow
def test_ctrl_c_ends_a_run_stuck_in_a_scorer(tmp_path: Path, fake_server: FakeOpenAIServer) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    suite = _suite(4, {"sleeper": "hang/sleep"})
    (tmp_path / "hostile.llmbench.yaml").write_text(suite, encoding="utf-8")
    fake_server.script(lambda body: REPLY)
    cmd = [
        *PYTEST_SUBPROCESS,
        "-q",
        "--llm-model=hosted_vllm/fake",
        f"--llm-api-base={fake_server.base_url}",
        "--llm-scorer-timeout=3600",
        "--llm-results=out.json",
        "--llm-progress=off",
        f"--llm-cache-dir={tmp_path / 'cache'}",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while len(fake_server.requests) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # the fine scenarios are scored, the sleeper is in its scorer
        interrupted = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert time.monotonic() - interrupted < 8, "Ctrl-C did not end the run promptly"
    assert proc.returncode == 2, out
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    done = {r["scenario"]: r["outcome"] for r in doc["results"]}
    assert {k: v for k, v in done.items() if k.startswith("fine")} == {
        f"fine{i}": "passed" for i in range(4)
    }
