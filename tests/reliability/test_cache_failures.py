"""A cache that cannot be written (issue 19, finding 6) costs the cache, never a verdict: every
reply that arrived is scored, one warning says so (and the summary repeats it), no traceback."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

import pytest_llmbench.cache as cache_module
from pytest_llmbench import atomicfile
from tests.reliability.helpers import write_scenarios
from tests.servers.openai_server import FakeOpenAIServer

N = 6
WARNING = "could not be written"


def _check_run(result: pytest.RunResult, results: Path) -> None:
    out = result.stdout.str()
    result.assert_outcomes(passed=N)
    assert "Traceback" not in out
    assert out.count(WARNING) == 2, out  # the warning when it happened, the summary note
    rows = json.loads(results.read_text(encoding="utf-8"))["results"]
    assert len(rows) == N
    assert all(r["outcome"] == "passed" and r["error"] is None for r in rows)


def _run_with_default_cache(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, results: Path
) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--llm-model=hosted_vllm/fake",
        f"--llm-api-base={fake_server.base_url}",
        "--llm-progress=off",
        f"--llm-results={results}",
        "-rA",
    )


def test_a_default_cache_folder_that_is_a_file_costs_only_the_cache(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    write_scenarios(pytester.path, N)
    fake_server.script(lambda body: "ok")
    (pytester.path / ".pytest_cache").write_text("not a folder")
    results = pytester.path / "run.json"
    result = _run_with_default_cache(pytester, fake_server, results)
    _check_run(result, results)
    assert "NotADirectoryError" in result.stdout.str()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes into read-only folders: permission bits cannot be tested as root "
    "(the permission case is simulated below)",
)
def test_a_read_only_default_cache_folder_costs_only_the_cache(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    write_scenarios(pytester.path, N)
    fake_server.script(lambda body: "ok")
    folder = pytester.path / ".pytest_cache" / "llmbench"
    folder.mkdir(parents=True)
    folder.chmod(0o555)
    results = pytester.path / "run.json"
    try:
        result = _run_with_default_cache(pytester, fake_server, results)
    finally:
        folder.chmod(0o755)
    _check_run(result, results)


@pytest.mark.parametrize(
    "error",
    [OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), PermissionError(errno.EACCES, "denied")],
    ids=["disk-full", "permission"],
)
def test_a_cache_failing_midway_costs_only_the_cache(
    pytester: pytest.Pytester,
    fake_server: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    error: OSError,
) -> None:
    write_scenarios(pytester.path, N)
    fake_server.script(lambda body: "ok")
    real = atomicfile.write_atomic
    writes = []

    def failing_after_two(path: Path, data: Any) -> None:
        writes.append(path)
        if len(writes) > 2:
            raise error
        real(path, data)

    monkeypatch.setattr(cache_module, "write_atomic", failing_after_two)
    results = pytester.path / "run.json"
    result = pytester.runpytest(
        "--llm-model=hosted_vllm/fake",
        f"--llm-api-base={fake_server.base_url}",
        f"--llm-cache-dir={pytester.path / 'cache'}",
        "--llm-progress=off",
        "--llm-concurrency=1",
        f"--llm-results={results}",
    )
    _check_run(result, results)
    assert len(writes) == 3  # after the first failure, no more attempts
    assert f"{N - 2} replies were not cached" in result.stdout.str()
