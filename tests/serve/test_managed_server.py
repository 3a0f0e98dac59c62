"""``--llm-serve``: the launcher's command lines, and the whole lifecycle of a managed server
(healthy start, failed start, slow start, stop at session end, Ctrl-C, a killed run) against a
stand-in executable that speaks the OpenAI API (a real vLLM cannot run here)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pytest_llmbench.errors import ServeError
from pytest_llmbench.serve.process import ManagedServer
from pytest_llmbench.serve.spec import ServeSpec, build_command, parse_serve_spec
from tests.conftest import PYTEST_SUBPROCESS

STANDIN = Path(__file__).with_name("standin.py")
SUITE = """\
suite: served
scenarios:
  - id: one
    user: first question
    expect: [{contains: echo}]
  - id: two
    user: second question
    expect: [{contains: echo}]
"""


# -- spec parsing and command lines -----------------------------------------------------------
def test_vllm_spec_with_pass_through_arguments() -> None:
    spec = parse_serve_spec("vllm:Qwen/Qwen2.5-7B,max-model-len=4096,enforce-eager,port=1")
    assert spec == ServeSpec(
        "vllm",
        "Qwen/Qwen2.5-7B",
        (("max-model-len", "4096"), ("enforce-eager", None), ("port", "1")),
        "Qwen2.5-7B",
    )
    assert spec.model_name == "hosted_vllm/Qwen2.5-7B"
    assert build_command(spec, 8123) == [
        "vllm",
        "serve",
        "Qwen/Qwen2.5-7B",
        "--host",
        "127.0.0.1",
        "--port",
        "8123",  # the managed port always wins: the health check must find the server
        "--served-model-name",
        "Qwen2.5-7B",
        "--max-model-len",
        "4096",
        "--enforce-eager",
    ]


def test_llamacpp_spec_python_server_and_binary(tmp_path: Path) -> None:
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    spec = parse_serve_spec(f"llamacpp:{gguf},n_ctx=4096,n_threads=2,exe={sys.executable}")
    assert spec.alias == "tiny" and spec.target == str(gguf.resolve())
    assert build_command(spec, 9000) == [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf.resolve()),
        "--host",
        "127.0.0.1",
        "--port",
        "9000",
        "--model_alias",
        "tiny",
        "--n_threads",
        "2",
        "--n_threads_batch",
        "1",
        "--n_ctx",
        "4096",
    ]
    binary = parse_serve_spec(f"llamacpp:{gguf},alias=small,exe=/opt/bin/llama-server")
    assert build_command(binary, 9001) == [
        "/opt/bin/llama-server",
        "--model",
        str(gguf.resolve()),
        "--host",
        "127.0.0.1",
        "--port",
        "9001",
        "--alias",
        "small",
        "--threads",
        "1",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ollama:llama3", "expected llamacpp:"),
        ("vllm:", "no model given"),
        ("llamacpp:/no/such/model.gguf", "no such GGUF file"),
        ("vllm:m,=3", "empty argument"),
    ],
)
def test_bad_specs_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        parse_serve_spec(text)


def test_missing_program_is_a_clear_error(tmp_path: Path) -> None:
    spec = parse_serve_spec("vllm:some/model,exe=/nonexistent/vllm")
    server = ManagedServer(spec, timeout=30, log_dir=tmp_path)
    for _ in range(2):  # remembered: a second caller gets the same error, no second start
        with pytest.raises(ServeError, match="exited with code 127") as info:
            server.ensure_started()
        assert "cannot run /nonexistent/vllm" in str(info.value)
    assert len(list(tmp_path.glob("model-*.log"))) == 1


# -- lifecycle against the stand-in -----------------------------------------------------------
def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.is_dir() and Path("/proc/self").exists():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        return state not in ("Z", "X")  # a zombie is dead, just not reaped yet
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return not _alive(pid)


class Bench:
    """A folder with a suite, a stand-in ``vllm`` on PATH and the pytest command line."""

    def __init__(self, root: Path) -> None:
        self.root = root
        bin_dir = root / "bin"
        bin_dir.mkdir()
        exe = bin_dir / "vllm"
        exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STANDIN}" "$@"\n')
        exe.chmod(0o755)
        (root / "served.llmbench.yaml").write_text(SUITE)
        self.pidfile = root / "server.pid"
        self.argvfile = root / "server.argv"
        self.env = {
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
            "STANDIN_PIDFILE": str(self.pidfile),
            "STANDIN_ARGV": str(self.argvfile),
        }

    def command(self, *extra: str) -> list[str]:
        return [
            *PYTEST_SUBPROCESS,
            "-rA",
            "--llm-serve=vllm:org/Some-Model,max-model-len=2048,enforce-eager",
            f"--llm-cache-dir={self.root / 'cache'}",
            *extra,
        ]

    def run(self, *extra: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*extra),
            cwd=self.root,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def popen(self, *extra: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*extra),
            cwd=self.root,
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def server_pid(self) -> int:
        return int(self.pidfile.read_text())

    def wait_healthy(self, seconds: float = 30) -> int:
        """Wait until the stand-in answers on its port; return its pid."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.argvfile.exists() and self.pidfile.exists():
                argv = json.loads(self.argvfile.read_text())
                port = argv[argv.index("--port") + 1]
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1):
                        return self.server_pid()
                except OSError:
                    pass
            time.sleep(0.1)
        raise AssertionError("the managed server never became healthy")


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return Bench(tmp_path)


@pytest.mark.slow
def test_healthy_server_serves_the_run_and_stops_at_session_end(bench: Bench) -> None:
    result = bench.run("--llm-results=out.json")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "2 passed" in out
    assert "served.llmbench.yaml::one[hosted_vllm/Some-Model]" in out
    argv = json.loads(bench.argvfile.read_text())
    assert argv[:2] == ["serve", "org/Some-Model"]
    assert argv[argv.index("--served-model-name") + 1] == "Some-Model"
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert argv[-3:] == ["--max-model-len", "2048", "--enforce-eager"]
    assert _wait_gone(bench.server_pid(), 5), "the server outlived the run"
    doc = json.loads((bench.root / "out.json").read_text())
    assert {r["outcome"] for r in doc["results"]} == {"passed"}
    # The log of the server is kept next to the cache.
    logs = list((bench.root / "cache" / "serve").glob("Some-Model-*.log"))
    assert len(logs) == 1 and "standin: ready" in logs[0].read_text()


@pytest.mark.slow
def test_second_run_is_served_from_the_cache(bench: Bench) -> None:
    """The cache key names the managed server, not its port (new on every run)."""
    first = bench.run()
    assert first.returncode == 0, first.stdout
    bench.pidfile.unlink()
    again = bench.run("--llm-cache=replay")  # a miss would be an error
    assert again.returncode == 0, again.stdout
    assert "2 passed" in again.stdout
    # replay never calls the model, so it starts no server (a GPU host's vLLM takes minutes).
    assert not bench.pidfile.exists(), "--llm-cache=replay started the managed server"
    # ... and a scenario missing from the cache is an error naming the miss, not a server error.
    new_question = SUITE.replace("first question", "a question never asked")
    (bench.root / "served.llmbench.yaml").write_text(new_question)
    missing = bench.run("--llm-cache=replay")
    assert missing.returncode == 1, missing.stdout
    assert "no cached response" in missing.stdout and "failed" not in missing.stdout
    assert not bench.pidfile.exists()


@pytest.mark.slow
def test_server_that_exits_at_once_makes_items_errors_with_its_log_tail(bench: Bench) -> None:
    started = time.monotonic()
    result = bench.run(STANDIN_MODE="fail")
    out = result.stdout
    assert time.monotonic() - started < 60
    assert result.returncode == 1, out
    assert "2 errors" in out and "failed" not in out, out
    assert "ERROR served.llmbench.yaml::one[hosted_vllm/Some-Model]" in out
    assert "vllm server (vllm) exited with code 3 before it became healthy" in out
    assert "CUDA error: no GPU found (simulated)" in out  # the log tail
    assert "Traceback" not in out


@pytest.mark.slow
def test_server_not_healthy_in_time_is_stopped_and_reported(bench: Bench) -> None:
    started = time.monotonic()
    result = bench.run("--llm-serve-timeout=1", STANDIN_MODE="slow", STANDIN_DELAY="60")
    out = result.stdout
    assert time.monotonic() - started < 40, "the run waited for the slow server"
    assert result.returncode == 1, out
    assert "2 errors" in out and "failed" not in out, out
    assert "was not healthy after 1s" in out
    assert "standin: starting in mode slow" in out
    assert _wait_gone(bench.server_pid(), 5), "the slow server was left running"


@pytest.mark.slow
def test_server_dying_mid_run_is_an_error_with_its_log_tail(bench: Bench) -> None:
    result = bench.run(STANDIN_MODE="crash")
    out = result.stdout
    assert result.returncode == 1, out
    assert "2 errors" in out and "failed" not in out, out
    assert "vllm server exited with code 5 during the run" in out
    assert "segmentation fault (simulated)" in out


@pytest.mark.slow
def test_ctrl_c_stops_the_server(bench: Bench) -> None:
    proc = bench.popen(STANDIN_LATENCY="60")
    try:
        pid = bench.wait_healthy()
        time.sleep(0.5)  # the calls are in flight
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 2, out
    assert _wait_gone(pid, 5), "the server outlived the interrupted run"


@pytest.mark.slow
def test_killed_run_leaves_no_server_behind(bench: Bench) -> None:
    proc = bench.popen(STANDIN_LATENCY="60")
    try:
        pid = bench.wait_healthy()
        time.sleep(0.5)
        proc.kill()  # SIGKILL: no hook, no atexit, no finally runs in pytest
        proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert _wait_gone(pid, 10), "the server outlived the killed pytest process"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("served", "args", "message"),
    [
        (True, ["--llm-api-base=http://127.0.0.1:1/v1"], "--llm-serve and --llm-api-base exclude"),
        (False, ["--llm-serve=llamacpp:/nope"], "no such GGUF file"),
        (True, ["--llm-serve-replicas=2"], "--llm-serve-replicas is for llama.cpp servers"),
        (
            False,
            ["--llm-model=llmbench/echo", "--llm-serve-replicas=2"],
            "--llm-serve-replicas needs --llm-serve or a local/ model",
        ),
    ],
)
def test_usage_errors(bench: Bench, served: bool, args: list[str], message: str) -> None:
    """``served``: on top of the bench's own ``--llm-serve=vllm:...``."""
    command = bench.command(*args) if served else [*PYTEST_SUBPROCESS, *args]
    result = subprocess.run(
        command, cwd=bench.root, env=bench.env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 4, result.stdout + result.stderr
    assert message in result.stderr


def run_llamacpp_replicas(
    bench: Bench, *extra: str
) -> tuple[subprocess.CompletedProcess[str], list[int], list[Path]]:
    """Eight scenarios on a stand-in ``llama-server`` with ``replicas=2``: the run, the calls
    each replica answered, and the replicas' logs."""
    server = bench.root / "bin" / "llama-server"
    server.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STANDIN}" "$@"\n')
    server.chmod(0o755)
    gguf = bench.root / "m.gguf"
    gguf.write_bytes(b"GGUF")
    scenarios = "".join(
        f"  - id: q{i}\n    user: question {i}\n    expect: [{{contains: echo}}]\n"
        for i in range(8)
    )
    (bench.root / "served.llmbench.yaml").write_text(f"suite: served\nscenarios:\n{scenarios}")
    calls = bench.root / "calls"
    calls.mkdir()
    result = subprocess.run(
        [
            *PYTEST_SUBPROCESS,
            f"--llm-serve=llamacpp:{gguf},exe={server},replicas=2",
            f"--llm-cache-dir={bench.root / 'cache'}",
            "--llm-cache=off",
            *extra,
        ],
        cwd=bench.root,
        env={**bench.env, "STANDIN_CALLS": str(calls), "STANDIN_LATENCY": "0.2"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    per_replica = sorted(len(f.read_text().splitlines()) for f in calls.glob("*.txt"))
    return result, per_replica, list((bench.root / "cache" / "serve").glob("m-*.log"))


@pytest.mark.slow
def test_llamacpp_replicas_share_a_run_and_all_stop(bench: Bench) -> None:
    """``replicas=2``: two servers started, each given calls one at a time, both stopped."""
    result, per_replica, logs = run_llamacpp_replicas(bench)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 passed" in result.stdout
    assert len(per_replica) == 2 and sum(per_replica) == 8, per_replica
    assert min(per_replica) >= 2, f"one replica was left idle: {per_replica}"
    assert len(logs) == 2 and all("standin: stopped" in log.read_text() for log in logs)


def test_replicas_are_checked(tmp_path: Path) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    assert parse_serve_spec(f"llamacpp:{gguf},replicas=3").replicas == 3
    assert parse_serve_spec(f"llamacpp:{gguf}").replicas == 1
    for bad in ("0", "two", "-1", "65"):
        with pytest.raises(argparse.ArgumentTypeError, match="replicas: expected a whole number"):
            parse_serve_spec(f"llamacpp:{gguf},replicas={bad}")
    with pytest.raises(argparse.ArgumentTypeError, match="vLLM batches them itself"):
        parse_serve_spec("vllm:org/M,replicas=2")
