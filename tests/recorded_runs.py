"""Comparing what pytest-llmbench sends with what an official harness sends.

Both sides post to a local recording server (``tests/servers/openai_server.py``): the official
code in a child process, and a pytest run of an imported suite. The request bodies are compared
as multisets of canonical JSON: every official request is sent exactly once, byte for byte
(messages, roles, order, text, generation parameters), and nothing else is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PYTEST_SUBPROCESS, REPO
from tests.servers.openai_server import FakeOpenAIServer, last_user_text

# The full official sets (thousands of requests) run when slow tests are asked for: the default
# run checks a deterministic sample (docs/statqa.md, docs/distractors.md give the command).
FULL_SET = pytest.mark.slow


def skip_unless_slow_selected(request: pytest.FixtureRequest) -> None:
    """For a fixture parametrized ``["sample", pytest.param("full", marks=FULL_SET)]``: the
    ``full`` parameter runs only under ``-m slow`` (on 2 shared cores it takes minutes)."""
    expression = request.config.option.markexpr or ""
    if request.param == "full" and ("slow" not in expression or "not slow" in expression):
        pytest.skip("the full official set runs with -m slow")


def write_subset(doc: dict[str, Any], keep: Callable[[dict[str, Any]], bool], path: Path) -> Path:
    """A copy of an imported suite with only the scenarios ``keep`` selects."""
    subset = {**doc, "scenarios": [sc for sc in doc["scenarios"] if keep(sc)]}
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.dump(subset, Dumper=dumper, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return path


def canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def run_official(
    script: Path, spec: dict[str, Any], work: Path
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run an official-harness script (``SPEC.json OUT.json``) against a recording server;
    give its output and the requests it sent."""
    work.mkdir(parents=True, exist_ok=True)
    with FakeOpenAIServer() as server:
        server.script(lambda body: "ok")
        spec = {**spec, "gpt_url": f"{server.base_url}/chat/completions"}
        (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, str(script), str(work / "spec.json"), str(work / "out.json")],
            capture_output=True,
            text=True,
            env={**os.environ, "TQDM_DISABLE": "1"},
            timeout=900,
        )
        assert proc.returncode == 0, (
            f"official harness failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
        out = json.loads((work / "out.json").read_text(encoding="utf-8"))
        return out, server.requests


def run_suites(
    paths: Sequence[Path],
    answers: dict[str, str],
    *extra: str,
    cwd: Path,
    model: str = "hosted_vllm/fake",
) -> tuple[list[dict[str, Any]], subprocess.CompletedProcess[str]]:
    """One pytest run over ``paths`` against a recording server that answers each request by
    its last user message (``answers``); give the requests received and the run."""
    with FakeOpenAIServer() as server:
        server.script(lambda body: answers.get(last_user_text(body), "no answer"))
        proc = subprocess.run(
            [
                *PYTEST_SUBPROCESS,
                *map(str, paths),
                f"--llm-model={model}",
                f"--llm-api-base={server.base_url}",
                "--llm-cache=off",
                "--llm-progress=off",
                "-q",
                "--tb=line",
                "-rN",
                *extra,
            ],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=900,
        )
        return server.requests, proc


def assert_same_requests(
    expected: list[dict[str, Any]],
    sent: list[dict[str, Any]],
    describe: Callable[[dict[str, Any]], str] = lambda body: last_user_text(body)[-300:],
) -> None:
    want, got = Counter(map(canonical, expected)), Counter(map(canonical, sent))
    missing, extra = want - got, got - want
    if missing or extra:
        first_missing = json.loads(next(iter(missing))) if missing else None
        first_extra = json.loads(next(iter(extra))) if extra else None
        raise AssertionError(
            f"{sum(missing.values())} official request(s) not sent, {sum(extra.values())} sent "
            f"that the official harness does not send (of {len(expected)} / {len(sent)}).\n"
            f"first missing: {first_missing and describe(first_missing)!r}\n"
            f"first extra:   {first_extra and describe(first_extra)!r}\n"
            f"missing keys: {first_missing and sorted(first_missing)} "
            f"extra keys: {first_extra and sorted(first_extra)}"
        )


__all__ = [
    "FULL_SET",
    "REPO",
    "assert_same_requests",
    "canonical",
    "run_official",
    "run_suites",
    "skip_unless_slow_selected",
    "write_subset",
]
