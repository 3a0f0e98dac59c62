"""A run killed with SIGKILL midway resumes without repeating any call that had finished."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from typing import Any

import pytest

from tests.conftest import PYTEST_SUBPROCESS
from tests.reliability.helpers import run_subprocess, write_scenarios
from tests.servers.openai_server import FakeOpenAIServer, last_user_text

N = 50


class Delivered:
    """Script answering "ok" that records each prompt whose reply is about to be sent (the
    server calls the script after its latency, right before the response goes out)."""

    def __init__(self) -> None:
        self.prompts: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> str:
        with self._lock:
            self.prompts.append(last_user_text(body))
        return "ok"

    def snapshot(self) -> set[str]:
        with self._lock:
            return set(self.prompts)


@pytest.mark.slow
def test_sigkill_midway_then_resume_repeats_no_finished_call(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    write_scenarios(pytester.path, N)
    delivered = Delivered()
    fake_server.script(delivered)
    fake_server.latency = 0.3
    cmd = [*PYTEST_SUBPROCESS, "-q"]
    cmd += ["--llm-model=hosted_vllm/fake", f"--llm-api-base={fake_server.base_url}"]
    cmd += [f"--llm-cache-dir={pytester.path / 'cache'}", "--llm-concurrency=4"]
    cmd += ["--llm-progress=off"]
    proc = subprocess.Popen(
        cmd, cwd=pytester.path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while len(delivered.snapshot()) < 10:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no progress"
            time.sleep(0.02)
        finished = delivered.snapshot()
        # Replies sent before the snapshot get a moment to reach the client's cache write.
        time.sleep(0.5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert len(finished) < N, "the run finished before it was killed: nothing tested"

    first_run = len(fake_server.requests)
    fake_server.latency = 0.0
    result = run_subprocess(pytester, fake_server, "--llm-concurrency=4")
    result.assert_outcomes(passed=N)
    resumed = [last_user_text(b) for b in fake_server.requests[first_run:]]
    assert not finished & set(resumed), sorted(finished & set(resumed))
    # Every scenario was asked in the second run unless it had been answered in the first.
    assert set(resumed) | set(delivered.prompts) >= {f"question {i}" for i in range(N)}
    assert len(resumed) == len(set(resumed))
