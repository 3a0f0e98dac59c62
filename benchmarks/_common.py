"""Helpers shared by the benchmark scripts (run as ``python benchmarks/<name>.py``).

Nothing here is imported by the plugin or its tests. Every pytest run is a subprocess with
litellm offline, so no figure includes a network stall.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.servers.openai_server import FakeOpenAIServer  # noqa: E402

__all__ = [
    "REPO",
    "FakeOpenAIServer",
    "ServerClock",
    "add_bytecode_option",
    "cache_bytecode",
    "env",
    "fill_cache",
    "load_note",
    "median",
    "pytest_cmd",
    "run_pytest",
    "run_timed",
    "tail",
    "write_suite",
]


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.setdefault("LITELLM_OFFLINE_MODE", "true")
    e.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    e.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), e.get("PYTHONPATH", "")]))
    return e


def add_bytecode_option(ap: argparse.ArgumentParser) -> None:
    ap.add_argument(
        "--cold",
        action="store_true",
        help="keep the environment's bytecode setting instead of Python's default cache "
        "(with PYTHONDONTWRITEBYTECODE=1 every run compiles every module it imports)",
    )


def cache_bytecode(cold: bool, folder: Path) -> str:
    """Measure with Python's default: compiled modules cached after the first run, as on a
    user's machine or CI job after its first test run. This machine's environment sets
    PYTHONDONTWRITEBYTECODE=1, which makes every run compile the plugin's modules (an editable
    install has no bytecode) and re-apply pytest's assertion rewriting to third-party plugins:
    0.3-0.4 s a run that no user pays twice. The cache goes to ``folder``
    (PYTHONPYCACHEPREFIX), not into the checkout or the venv; the caller makes one unmeasured
    warm-up run first. Returns the note the script prints."""
    if cold:
        setting = os.environ.get("PYTHONDONTWRITEBYTECODE")
        return f"bytecode as the environment has it (PYTHONDONTWRITEBYTECODE={setting or 'unset'})"
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # children inherit os.environ via env()
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder)
    return "bytecode cached (Python's default; --cold compiles on every run), one warm-up run first"


def write_suite(folder: Path, n: int, name: str = "bench.llmbench.yaml") -> Path:
    """One suite of ``n`` single-turn scenarios, each scored by ``contains: ok``."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["suite: bench", "scenarios:"]
    for i in range(n):
        lines += [f"  - id: s{i}", f"    user: question {i}", "    expect:", "      - contains: ok"]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # An empty conftest/ini stops pytest from walking up into the project's own config.
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return path


def run_pytest(folder: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    """``python -m pytest`` in ``folder``; returns (wall seconds, completed process)."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=folder, env=env(), capture_output=True, text=True)
    return time.perf_counter() - t0, proc


def run_timed(
    cmd: list[str], cwd: Path, environ: dict[str, str] | None = None
) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run ``cmd``; returns (wall seconds, CPU seconds of the child and its reaped children,
    completed process). CPU time (``getrusage(RUSAGE_CHILDREN)`` before and after) counts only
    the work of the run itself, so on a machine loaded by other jobs it is the steadier figure:
    wall time there also counts the time the run waited for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=environ or env(), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def pytest_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"


class ServerClock:
    """A fake-server script that answers "ok" and records, server side, when each reply leaves
    (the script runs after the configured latency, i.e. just before the response is sent)."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.times: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> str:
        with self._lock:
            self.times.append(time.perf_counter())
        return "ok"

    def dispatch_seconds(self) -> float:
        """First request arrival (first reply minus latency) to last response."""
        return max(self.times) - (min(self.times) - self.latency)


def tail(text: str, n: int = 15) -> str:
    return "\n".join(text.splitlines()[-n:])


INSTANT_CLIENT = '''
"""Loaded with ``-p _instant_client`` to fill a cache fast: answers "ok" with no network."""
from pytest_llmbench.client.base import ChatResponse


class InstantClient:
    async def complete(self, request, timeout):
        return ChatResponse(content="ok", finish_reason="stop")

    async def aclose(self):
        pass


def pytest_llmbench_make_client(settings):
    return InstantClient()
'''


def fill_cache(folder: Path, *args: str) -> float:
    """Run the suites in ``folder`` once through an instant in-process client (no HTTP), cache
    on, so that the next run of the same requests is fully cached. Returns the wall seconds."""
    (folder / "_instant_client.py").write_text(INSTANT_CLIENT, encoding="utf-8")
    wall, proc = run_pytest(folder, "-p", "_instant_client", "--llm-cache=readwrite", *args)
    if proc.returncode != 0:
        print(tail(proc.stdout), tail(proc.stderr), sep="\n", file=sys.stderr)
        raise SystemExit(f"cache fill failed: exit {proc.returncode}")
    return wall


def median(values: list[float]) -> float:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2
