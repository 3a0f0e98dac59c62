"""Ctrl-C during a run: outstanding calls are cancelled, the run ends promptly, and what had
finished is kept (results file written, cache entries present for a resumed run)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PYTEST_SUBPROCESS
from tests.servers.openai_server import FakeOpenAIServer


def _suite(n: int) -> str:
    lines = ["suite: slow", "scenarios:"]
    for i in range(n):
        lines += [f"  - id: s{i}", f"    user: question {i}", "    expect: [{contains: echo}]"]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_ctrl_c_cancels_outstanding_calls_and_keeps_results(
    tmp_path: Path, fake_server: FakeOpenAIServer
) -> None:
    (tmp_path / "slow.llmbench.yaml").write_text(_suite(20))
    fake_server.latency = 1.0
    cmd = [
        *PYTEST_SUBPROCESS,
        "-q",
        "--llm-model=hosted_vllm/fake",
        f"--llm-api-base={fake_server.base_url}",
        "--llm-concurrency=2",
        "--llm-results=out.json",
        f"--llm-cache-dir={tmp_path / 'cache'}",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + 60
    while len(fake_server.requests) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(fake_server.requests) >= 4, "the run never reached the server"
    interrupted_at = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert time.monotonic() - interrupted_at < 10, "the run did not stop promptly"
    assert proc.returncode == 2, out  # pytest's exit code for an interrupted run
    assert "KeyboardInterrupt" in out
    seen = len(fake_server.requests)
    time.sleep(1.5)
    assert len(fake_server.requests) == seen, "calls kept going after the run ended"
    assert seen < 20
    doc = json.loads((tmp_path / "out.json").read_text())
    finished = {r["scenario"] for r in doc["results"]}
    assert all(r["outcome"] == "passed" for r in doc["results"])
    # Every call that completed before the interrupt is in the cache: a re-run repeats none.
    cached = list((tmp_path / "cache").rglob("*.json"))
    assert len(cached) >= len(finished)
    fake_server.reset()
    rerun = subprocess.run(
        [c for c in cmd if not c.startswith("--llm-concurrency")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stdout[-2000:]
    assert len(fake_server.requests) == 20 - len(cached)
