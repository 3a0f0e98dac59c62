"""Preflight (#17 point 5, #19 item 7): what cannot work is one usage error (exit code 4)
before the first call — a misspelt built-in model, missing credentials, an unreachable API
base, a Hub upload without a token — never one error per item after retries."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.client.base import ModelSpec, unknown_builtin
from pytest_llmbench.preflight import Target, check_reachable, model_problems
from tests.conftest import PYTEST_SUBPROCESS, WARNINGS_AS_ERRORS
from tests.servers.openai_server import FakeOpenAIServer

SUITE = """
suite: demo
scenarios:
  - id: a
    user: say ok
    expect:
      - contains: ok
  - id: b
    user: say ok again
    expect:
      - contains: ok
  - id: c
    user: and once more
    expect:
      - contains: ok
"""


def closed_port() -> int:
    """A port nothing listens on (bound, then released: the kernel does not reuse it at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def usage_lines(result: pytest.RunResult) -> list[str]:
    return [line for line in result.errlines if line.startswith("ERROR:")]


# -- built-in model names ------------------------------------------------------------------


def test_unknown_builtin_suggests_the_close_one() -> None:
    assert unknown_builtin("llmbench/echoo") is not None
    assert "did you mean llmbench/echo?" in str(unknown_builtin("llmbench/echoo"))
    assert "llmbench/reference" in str(unknown_builtin("llmbench/zzz"))
    assert "did you mean" not in str(unknown_builtin("llmbench/zzz"))
    for ok in ("llmbench/reference", "llmbench/violate", "llmbench/echo", "openai/echoo"):
        assert unknown_builtin(ok) is None


def test_misspelt_builtin_model_is_one_usage_error(
    pytester: pytest.Pytester, write_suite: Any
) -> None:
    write_suite(SUITE)
    result = pytester.runpytest("--llm-model=llmbench/echoo", *WARNINGS_AS_ERRORS)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    lines = usage_lines(result)
    assert len(lines) == 1, result.errlines
    assert (
        "--llm-model: llmbench/echoo is not a built-in model; did you mean llmbench/echo?"
        in (lines[0])
    )
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_misspelt_or_scripted_judge_model_is_a_usage_error(
    pytester: pytest.Pytester, write_suite: Any
) -> None:
    write_suite(SUITE)
    result = pytester.runpytest(
        "--llm-model=llmbench/reference", "--llm-judge-model=llmbench/refrence"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--llm-judge-model: llmbench/refrence is not a built-in model; did you mean " in (
        result.stderr.str()
    )
    result = pytester.runpytest(
        "--llm-model=llmbench/reference", "--llm-judge-model=llmbench/reference"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "cannot judge" in result.stderr.str()


# -- credentials -------------------------------------------------------------------------


@pytest.mark.usefixtures("litellm_imported")
def test_missing_key_is_one_usage_error_not_one_per_item(
    pytester: pytest.Pytester, write_suite: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    write_suite(SUITE)
    result = pytester.runpytest("--llm-model=openai/gpt-4o-mini", "--llm-cache=off")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    text = result.stdout.str() + result.stderr.str()
    assert text.count("OPENAI_API_KEY") == 1, text
    assert "--llm-model: openai/gpt-4o-mini: OPENAI_API_KEY is not set" in text
    assert "no model was called" in text
    result.assert_outcomes()  # no item ran


@pytest.mark.usefixtures("litellm_imported")
def test_unknown_provider_is_a_usage_error(pytester: pytest.Pytester, write_suite: Any) -> None:
    write_suite(SUITE)
    result = pytester.runpytest("--llm-model=nosuchprovider/model", "--llm-cache=off")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "litellm knows no provider 'nosuchprovider'" in result.stderr.str()


def test_local_openai_compatible_server_needs_no_key(
    pytester: pytest.Pytester,
    write_suite: Any,
    fake_server: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    fake_server.script(lambda body: "ok")
    write_suite(SUITE)
    result = pytester.runpytest(
        "--llm-model=openai/fake-model", f"--llm-api-base={fake_server.base_url}"
    )
    result.assert_outcomes(passed=3)


# -- reachability ------------------------------------------------------------------------


def test_probe_names_the_address_and_never_the_userinfo() -> None:
    port = closed_port()
    problem = check_reachable(f"http://user:pw@127.0.0.1:{port}/v1?api_key=zz", timeout=1)
    assert problem is not None
    assert f"cannot reach http://127.0.0.1:{port}" in problem
    assert "pw" not in problem and "zz" not in problem
    with socket.socket() as listening:  # the kernel's backlog completes the handshake
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        assert check_reachable(f"http://127.0.0.1:{listening.getsockname()[1]}/v1") is None


def test_each_api_base_is_probed_once() -> None:
    port = closed_port()
    base = f"http://127.0.0.1:{port}/v1"
    targets = [
        Target(ModelSpec("openai/a", base), "--llm-model"),
        Target(ModelSpec("openai/b", base), "--llm-model"),
        Target(ModelSpec("openai/a", base), "--llm-model"),  # the same model again: once
    ]
    problems = model_problems(targets, timeout=1)
    assert len(problems) == 2
    assert problems[0].startswith("--llm-model: openai/a: cannot reach")


def test_unreachable_api_base_is_one_usage_error(
    pytester: pytest.Pytester, write_suite: Any
) -> None:
    port = closed_port()
    write_suite(SUITE)
    (pytester.path / "out.json").write_text("an earlier run")
    result = pytester.runpytest(
        "--llm-model=openai/m",
        f"--llm-api-base=http://127.0.0.1:{port}/v1",
        "--llm-cache=off",
        "--llm-results=out.json",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    lines = usage_lines(result)
    assert (
        lines[0]
        == f"ERROR: --llm-model: openai/m: cannot reach http://127.0.0.1:{port}: "
        + (lines[0].rsplit(": ", 1)[-1])
    )
    assert len(lines) == 2  # the problem, then "no model was called"
    result.assert_outcomes()
    # Nothing ran: the results file of an earlier run is not replaced by an empty one.
    assert (pytester.path / "out.json").read_text() == "an earlier run"


def test_cached_run_needs_no_server_and_replay_never_probes(
    pytester: pytest.Pytester, write_suite: Any
) -> None:
    write_suite(SUITE)
    with FakeOpenAIServer() as server:
        server.script(lambda body: "ok")
        base = server.base_url
        first = pytester.runpytest("--llm-model=openai/fake-model", f"--llm-api-base={base}")
        first.assert_outcomes(passed=3)
    # The server is gone: every opening request is cached, so nothing is probed or sent.
    again = pytester.runpytest("--llm-model=openai/fake-model", f"--llm-api-base={base}")
    again.assert_outcomes(passed=3)
    replay = pytester.runpytest(
        "--llm-model=openai/fake-model", f"--llm-api-base={base}", "--llm-cache=replay"
    )
    replay.assert_outcomes(passed=3)
    # One new scenario is not cached: now the run would call, and the dead server is found.
    (pytester.path / "more.llmbench.yaml").write_text(
        "suite: more\nscenarios:\n  - id: d\n    user: new\n    expect:\n      - contains: ok\n"
    )
    fresh = pytester.runpytest("--llm-model=openai/fake-model", f"--llm-api-base={base}")
    assert fresh.ret == pytest.ExitCode.USAGE_ERROR
    assert "cannot reach" in fresh.stderr.str()


# -- the Hub upload target -----------------------------------------------------------------


def test_upload_without_token_is_refused_before_the_run(
    pytester: pytest.Pytester,
    write_suite: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from huggingface_hub import constants

    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    write_suite(SUITE)
    result = pytester.runpytest("--llm-model=llmbench/echo", "--llm-hf-repo=me/runs")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--llm-hf-repo=me/runs: no Hugging Face token" in result.stderr.str()
    result.assert_outcomes()
    # Never the real Hub, whatever happens.
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("HF_TOKEN", "hf_pasted token_0123456789")
    result = pytester.runpytest("--llm-model=llmbench/echo", "--llm-hf-repo=me/runs")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "contains spaces or control characters" in result.stderr.str()
    assert "hf_pasted" not in result.stdout.str() + result.stderr.str()


# -- xdist: once, on the controller --------------------------------------------------------


def test_xdist_controller_checks_once_before_workers_start(
    pytester: pytest.Pytester, write_suite: Any
) -> None:
    pytest.importorskip("xdist")
    port = closed_port()
    write_suite(SUITE)
    result = pytester.run(
        *PYTEST_SUBPROCESS,
        "-n",
        "2",
        "--llm-model=openai/m",
        f"--llm-api-base=http://127.0.0.1:{port}/v1",
        "--llm-cache=off",
        timeout=120,
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    text = result.stdout.str() + result.stderr.str()
    assert text.count("cannot reach") == 1, text
