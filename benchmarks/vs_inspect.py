"""pytest-llmbench vs inspect_ai on the fast-local-server workload, against the same server.

    python benchmarks/vs_inspect.py [--n 2000]

inspect_ai is installed from the package registry into its own venv (``.bench-venv/`` at the
repository root, kept between runs) and pointed at the local fake server through its generic
OpenAI-compatible provider (``openai-api/<service>/<model>`` with ``<SERVICE>_BASE_URL``); no
other network is used. Both runs: N single-turn samples, latency 100 ms, 64 connections,
scored by substring match. Throughput = N / dispatch seconds measured at the server (first
request arrival to last response). Last line: llmbench throughput / inspect_ai throughput.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, FakeOpenAIServer, ServerClock, env, tail
from throughput import measure

LATENCY, CONCURRENCY = 0.1, 64
VENV = REPO / ".bench-venv"

TASK = """
from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import includes
from inspect_ai.solver import generate


@task
def bench(n: int = 2000):
    samples = [Sample(input=f"question {i}", target="ok") for i in range(int(n))]
    return Task(dataset=MemoryDataset(samples), solver=generate(), scorer=includes())
"""


def ensure_inspect() -> Path:
    exe = VENV / "bin" / "inspect"
    if exe.exists():
        return exe
    steps = [
        [sys.executable, "-m", "venv", str(VENV)],
        [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", "inspect_ai", "openai"],
    ]
    for cmd in steps:
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"cannot install inspect_ai: {' '.join(cmd)} exited {proc.returncode}")
            print(tail(proc.stdout + proc.stderr))
            raise SystemExit(1)
    if not exe.exists():
        print(f"cannot install inspect_ai: {exe} missing after pip install")
        raise SystemExit(1)
    return exe


def run_inspect(exe: Path, n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="llmbench-inspect-") as tmp, FakeOpenAIServer() as srv:
        folder = Path(tmp)
        (folder / "bench_task.py").write_text(TASK, encoding="utf-8")
        clock = ServerClock(LATENCY)
        srv.latency = LATENCY
        srv.script(clock)
        e = env()
        e.pop("PYTHONPATH", None)
        e.update(FAKESVC_BASE_URL=srv.base_url, FAKESVC_API_KEY="sk-dummy", INSPECT_LOG_DIR=tmp)
        cmd = [str(exe), "eval", "bench_task.py", "-T", f"n={n}"]
        cmd += ["--model", "openai-api/fakesvc/fake", "--max-connections", str(CONCURRENCY)]
        cmd += ["--max-samples", str(CONCURRENCY), "--display", "none", "--max-retries", "3"]
        cmd += ["--log-dir", str(folder / "logs")]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=folder, env=e, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0 or len(clock.times) < n:
            print(tail(proc.stdout), tail(proc.stderr), sep="\n")
            raise SystemExit(f"inspect run failed: exit {proc.returncode}, {len(clock.times)}/{n}")
        dispatch = clock.dispatch_seconds()
        return {
            "wall": wall,
            "dispatch": dispatch,
            "rps": n / dispatch,
            "calls": len(clock.times),
            "max_in_flight": srv.max_in_flight,
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    n = ap.parse_args().n
    exe = ensure_inspect()
    version = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", "import inspect_ai; print(inspect_ai.__version__)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    ideal = CONCURRENCY / LATENCY
    ins = run_inspect(exe, n)
    ours = measure(n, LATENCY, CONCURRENCY)
    print(
        f"inspect_ai {version}: {ins['rps']:.1f} req/s over {ins['dispatch']:.2f}s dispatch "
        f"({ins['rps'] / ideal:.1%} of ideal {ideal:.0f}; {ins['calls']} calls, max in flight "
        f"{ins['max_in_flight']}); wall {ins['wall']:.2f}s"
    )
    print(
        f"pytest-llmbench: {ours['achieved_rps']:.1f} req/s over {ours['dispatch']:.2f}s dispatch "
        f"({ours['ratio']:.1%} of ideal; max in flight {ours['max_in_flight']}); "
        f"wall {ours['wall']:.2f}s"
    )
    print(f"wall-time ratio (inspect wall / llmbench wall): {ins['wall'] / ours['wall']:.3f}")
    print(f"ratio: {ours['achieved_rps'] / ins['rps']:.4f}")


if __name__ == "__main__":
    main()
