"""pytest-llmbench vs inspect_ai on the same workload and the same kind of local server.

    python benchmarks/vs_inspect.py [--n 2000] [--profile fast|remote|all] [--repeats 3]

inspect_ai is used from this interpreter when it is importable (``pip install inspect_ai`` in
a development venv; it is not a project dependency), else installed from the package registry
into its own venv (``.bench-venv/`` at the repository root, kept between runs). It is pointed at
the local fake server through its generic OpenAI-compatible provider
(``openai-api/<service>/<model>`` with ``<SERVICE>_BASE_URL``: plain Chat Completions) in its
lightest configuration: ``--display none``, ``--no-log-samples``, ``--no-log-realtime``,
``--no-score-display``, max connections = max samples = C. No other network is used.

Both tools: N single-turn samples scored by substring match, latency L, concurrency C. Two
figures per tool, each the median of ``--repeats`` runs with the tools alternating (A B B A
...): the **whole process** (wall seconds from start to exit: start-up, task or suite loading,
dispatch, scoring, logs or report) and the **dispatch** (at the server: first request arrival
to last response). The CPU seconds of each process (getrusage) are printed beside, since on a
machine loaded by other jobs they are the steadier figure. Last line: inspect whole-process
wall / llmbench whole-process wall for the last profile.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import (
    REPO,
    FakeOpenAIServer,
    ServerClock,
    add_bytecode_option,
    cache_bytecode,
    env,
    load_note,
    median,
    run_timed,
    tail,
)
from throughput import PROFILES, measure

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
    if importlib.util.find_spec("inspect_ai") is not None:
        here = Path(sys.executable).parent / "inspect"
        if here.exists():
            return here
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


def run_inspect(exe: Path, n: int, latency: float, concurrency: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="llmbench-inspect-") as tmp, FakeOpenAIServer() as srv:
        folder = Path(tmp)
        (folder / "bench_task.py").write_text(TASK, encoding="utf-8")
        clock = ServerClock(latency)
        srv.latency = latency
        srv.script(clock)
        e = env()
        e.pop("PYTHONPATH", None)
        e.update(FAKESVC_BASE_URL=srv.base_url, FAKESVC_API_KEY="sk-dummy", INSPECT_LOG_DIR=tmp)
        cmd = [str(exe), "eval", "bench_task.py", "-T", f"n={n}"]
        cmd += ["--model", "openai-api/fakesvc/fake", "--max-connections", str(concurrency)]
        cmd += ["--max-samples", str(concurrency), "--display", "none", "--max-retries", "3"]
        cmd += ["--no-log-samples", "--no-log-realtime", "--no-score-display"]
        cmd += ["--timeout", "60", "--log-dir", str(folder / "logs")]
        wall, cpu, proc = run_timed(cmd, folder, e)
        if proc.returncode != 0 or len(clock.times) < n:
            print(tail(proc.stdout), tail(proc.stderr), sep="\n")
            raise SystemExit(f"inspect run failed: exit {proc.returncode}, {len(clock.times)}/{n}")
        return {
            "wall": wall,
            "cpu": cpu,
            "dispatch": clock.dispatch_seconds(),
            "calls": len(clock.times),
            "max_in_flight": srv.max_in_flight,
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--profile", choices=[*PROFILES, "all"], default="fast")
    ap.add_argument("--repeats", type=int, default=3)
    add_bytecode_option(ap)
    args = ap.parse_args()
    exe = ensure_inspect()
    with tempfile.TemporaryDirectory(prefix="llmbench-pyc-") as pyc:
        print(cache_bytecode(args.cold, Path(pyc)))
        # Unmeasured, both tools: each one's bytecode is cached before anything is timed.
        run_inspect(exe, 100, 0.01, 64)
        measure(100, 0.01, 64)
        compare(args, exe)


def compare(args: argparse.Namespace, exe: Path) -> None:
    n = args.n
    python = exe.parent / "python"
    version = subprocess.run(
        [str(python), "-c", "import inspect_ai; print(inspect_ai.__version__)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"inspect_ai {version} ({exe}); start: {load_note()}")
    names = list(PROFILES) if args.profile == "all" else [args.profile]
    last = 0.0
    for key in names:
        label, latency, conc = PROFILES[key]
        ins: list[dict] = []
        ours: list[dict] = []
        for rep in range(args.repeats):
            for tool in ("inspect", "llmbench") if rep % 2 == 0 else ("llmbench", "inspect"):
                if tool == "inspect":
                    ins.append(run_inspect(exe, n, latency, conc))
                else:
                    ours.append(measure(n, latency, conc))

        def med(rs: list[dict], field: str) -> float:
            return median([float(r[field]) for r in rs])

        ideal = n * latency / conc
        print(
            f"{label}: N={n}, L={latency:g}s, C={conc} (ideal dispatch {ideal:.2f}s), "
            f"medians of {args.repeats} alternating runs; end: {load_note()}"
        )
        for name, rs in (("inspect_ai", ins), ("pytest-llmbench", ours)):
            print(
                f"  {name}: whole process {med(rs, 'wall'):.2f}s wall, {med(rs, 'cpu'):.2f}s CPU; "
                f"dispatch {med(rs, 'dispatch'):.2f}s ({ideal / med(rs, 'dispatch'):.1%} of "
                f"ideal; max in flight {max(r['max_in_flight'] for r in rs)})"
            )
        last = med(ins, "wall") / med(ours, "wall")
        print(
            f"  inspect / llmbench: whole process {last:.2f}x wall, "
            f"{med(ins, 'cpu') / med(ours, 'cpu'):.2f}x CPU; dispatch "
            f"{med(ins, 'dispatch') / med(ours, 'dispatch'):.2f}x"
        )
    print(f"ratio: {last:.4f}")


if __name__ == "__main__":
    main()
