"""Unwritable outputs (issue 19, finding 7): ``--llm-results`` and an explicit
``--llm-cache-dir`` are checked before the first model call; the answer is one usage error
naming the option, never a traceback after the run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytest_llmbench.writable import check_writable
from tests.reliability.helpers import run_subprocess, write_scenarios
from tests.servers.openai_server import FakeOpenAIServer


def test_unwritable_outputs_are_usage_errors_before_any_call(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    write_scenarios(pytester.path, 3)
    (pytester.path / "plain-file").write_text("x")
    blocked = pytester.path / "plain-file" / "run.json"
    result = run_subprocess(pytester, fake_server, f"--llm-results={blocked}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    err = result.stderr.str()
    assert f"--llm-results={blocked}: not writable: " in err
    assert "is not a folder" in err and "Traceback" not in err
    assert fake_server.requests == []

    folder_results = pytester.path / "a-folder"
    folder_results.mkdir()
    result = run_subprocess(pytester, fake_server, f"--llm-results={folder_results}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"--llm-results={folder_results}: not writable: {folder_results} is a folder" in (
        result.stderr.str()
    )

    cache_file = pytester.path / "plain-file"
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--llm-model=hosted_vllm/fake",
        f"--llm-api-base={fake_server.base_url}",
        f"--llm-cache-dir={cache_file}",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"--llm-cache-dir={cache_file}: not writable: " in result.stderr.str()
    assert fake_server.requests == []

    # A results path in folders yet to be made is fine: the run creates them.
    ok = pytester.path / "new" / "deeper" / "run.json"
    result = run_subprocess(pytester, fake_server, f"--llm-results={ok}")
    result.assert_outcomes(failed=3)  # the echo server never says "ok"
    assert ok.is_file()


def test_check_writable_reports_nothing_for_a_writable_path(tmp_path: Path) -> None:
    assert check_writable("--x", tmp_path / "a" / "b.json") is None
    assert check_writable("--x", tmp_path / "a", folder=True) is None
    assert not (tmp_path / "a").exists()  # the check leaves nothing behind
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes into read-only folders: permission bits cannot be tested as root",
)
def test_a_read_only_folder_is_not_writable(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        problem = check_writable("--llm-results", ro / "run.json")
        assert problem is not None and "cannot create files in" in problem
    finally:
        ro.chmod(0o755)
