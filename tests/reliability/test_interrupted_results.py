"""Results on interruption (issue 19, finding 10): the results file has a row for every
scenario whose samples finished, whatever pytest had reported, and lists the rest as not run;
a multi-turn scenario's later calls are not queued behind every other scenario's first call."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PYTEST_SUBPROCESS
from tests.servers.openai_server import FakeOpenAIServer, Fault, last_user_text

N_FAST = 12


def _suite() -> str:
    lines = ["suite: partial", "scenarios:"]
    lines += ["  - id: first", "    turns:"]
    lines += ["      - {user: first turn one, expect: [{contains: ok}]}"]
    lines += ["      - {user: first turn two, expect: [{contains: ok}]}"]
    lines += ["  - id: stuck", "    user: stuck question", "    expect: [{contains: ok}]"]
    for i in range(N_FAST):
        lines += [
            f"  - id: fast{i}",
            f"    user: fast question {i}",
            "    expect: [{contains: ok}]",
        ]
    return "\n".join(lines) + "\n"


def _reply(body: dict[str, Any]) -> Any:
    # The second item never gets an answer: pytest waits on it until Ctrl-C.
    return Fault.timeout(120) if "stuck" in last_user_text(body) else "ok"


def test_ctrl_c_keeps_every_finished_scenario(
    tmp_path: Path, fake_server: FakeOpenAIServer
) -> None:
    (tmp_path / "partial.llmbench.yaml").write_text(_suite(), encoding="utf-8")
    fake_server.script(_reply)
    cmd = [
        *PYTEST_SUBPROCESS,
        "-q",
        "--llm-model=hosted_vllm/fake",
        f"--llm-api-base={fake_server.base_url}",
        "--llm-timeout=300",
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
        while len(fake_server.requests) < N_FAST + 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(fake_server.requests) == N_FAST + 3, "the run never reached the server"
        time.sleep(1.0)  # every answered scenario is scored; pytest waits on "stuck"
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 2, out
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    outcomes = {r["scenario"]: r["outcome"] for r in doc["results"]}
    assert outcomes == {"first": "passed", **{f"fast{i}": "passed" for i in range(N_FAST)}}
    assert {v["scenario"] for v in doc["scenarios"]} == set(outcomes)
    assert [n["scenario"] for n in doc["not_run"]] == ["stuck"]
    assert "1 scenario item(s) not run" in out


def test_a_conversation_under_way_goes_before_new_first_calls(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    (pytester.path / "partial.llmbench.yaml").write_text(
        _suite().replace("stuck question", "another question"), encoding="utf-8"
    )
    fake_server.script(lambda body: "ok")
    fake_server.latency = 0.02
    result = pytester.runpytest(
        "--llm-model=hosted_vllm/fake",
        f"--llm-api-base={fake_server.base_url}",
        "--llm-concurrency=1",
        "--llm-cache=off",
        "--llm-progress=off",
    )
    result.assert_outcomes(passed=N_FAST + 2)
    order = [last_user_text(b) for b in fake_server.requests]
    assert order[0] == "first turn one"
    # One first call took the slot freed by turn one before turn two was asked; no more.
    assert order.index("first turn two") <= 2, order
