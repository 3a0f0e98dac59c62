"""Shared helpers of the robustness tests: suites, runs in a subprocess, results, cache."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.servers.openai_server import FakeOpenAIServer, Reply, last_user_text


def write_scenarios(folder: Path, n: int, name: str = "load.llmbench.yaml") -> Path:
    """``n`` scenarios ``s<i>`` asking ``question <i>``, each passing on a reply containing ok."""
    lines = ["suite: load", "scenarios:"]
    for i in range(n):
        lines += [f"  - id: s{i}", f"    user: question {i}", "    expect:", "      - contains: ok"]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_subprocess(
    pytester: pytest.Pytester, server: FakeOpenAIServer, *args: str, model: str = "hosted_vllm/fake"
) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        f"--llm-model={model}",
        f"--llm-api-base={server.base_url}",
        f"--llm-cache-dir={pytester.path / 'cache'}",
        "--llm-progress=off",
        *args,
        timeout=300,
    )


def read_rows(path: Path) -> dict[str, dict[str, Any]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {r["scenario"]: r for r in doc["results"]}


def cached_contents(pytester: pytest.Pytester) -> list[str | None]:
    root = pytester.path / "cache"
    files = sorted(root.rglob("*.json")) if root.exists() else []
    out = []
    for f in files:
        if f.name.startswith(".tmp-") or f.parent.name == "runs":
            continue
        out.append(json.loads(f.read_text(encoding="utf-8"))["response"]["content"])
    return out


def assistant_texts(row: dict[str, Any]) -> list[str | None]:
    return [m.get("content") for m in row["transcript"] if m.get("role") == "assistant"]


class PerPromptScript:
    """A server script choosing each reply from the scenario number and how many times that
    scenario's prompt has been seen: ``behave(i, attempt) -> Reply``."""

    def __init__(self, behave: Callable[[int, int], Reply]) -> None:
        self.behave = behave
        self.seen: dict[int, int] = {}
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> Reply:
        i = int(last_user_text(body).rsplit(" ", 1)[-1])
        with self._lock:
            attempt = self.seen.get(i, 0)
            self.seen[i] = attempt + 1
        return self.behave(i, attempt)


def all_outputs(pytester: pytest.Pytester, result: pytest.RunResult) -> dict[str, str]:
    """Everything a run left for anyone to read: its terminal output and every file it wrote
    in the pytester folder (results, JUnit XML, cache entries, log files), suites aside."""
    outputs = {"stdout": result.stdout.str(), "stderr": result.stderr.str()}
    for path in pytester.path.rglob("*"):
        if path.is_file() and not path.name.endswith((".yaml", ".py", ".toml", ".ini")):
            outputs[str(path.relative_to(pytester.path))] = path.read_text(errors="replace")
    return outputs


def leaks(outputs: dict[str, str], *secrets: str) -> list[tuple[str, str]]:
    """(output, secret) for every secret found in an output."""
    return [(name, s) for name, text in outputs.items() for s in secrets if s in text]
