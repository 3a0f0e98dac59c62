"""Throughput of the full plugin against the local fake OpenAI-compatible server.

    python benchmarks/throughput.py                  # both profiles, N=2000
    python benchmarks/throughput.py --profile fast --n 500
    python benchmarks/throughput.py --pytest-arg=--llm-transport=litellm   # one step at a time

ideal = C / L requests per second; achieved = N / dispatch time, measured at the server (first
request arrival to last response). The whole-process figure is the ideal time (N x L / C) over
the pytest process's wall time: start-up, collection, every item and the report included. The
fake server runs in this script's process, not in pytest's. Each profile runs ``--repeats``
times and the medians are printed, with the pytest process's CPU seconds (getrusage), which
depend little on other jobs on the machine. Last lines: the whole-process and the dispatch
ratio of the last profile (fast local server by default).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    FakeOpenAIServer,
    ServerClock,
    add_bytecode_option,
    cache_bytecode,
    load_note,
    median,
    pytest_cmd,
    run_timed,
    tail,
    write_suite,
)

PROFILES = {
    "remote": ("remote-like", 1.0, 256),
    "fast": ("fast local server", 0.1, 64),
}


def measure(
    n: int,
    latency: float,
    concurrency: int,
    *,
    model: str = "hosted_vllm/fake",
    extra: tuple[str, ...] = (),
) -> dict:
    with tempfile.TemporaryDirectory(prefix="llmbench-tp-") as tmp, FakeOpenAIServer() as server:
        folder = Path(tmp)
        write_suite(folder, n)
        clock = ServerClock(latency)
        server.latency = latency
        server.script(clock)
        cmd = pytest_cmd(
            f"--llm-model={model}",
            f"--llm-api-base={server.base_url}",
            f"--llm-concurrency={concurrency}",
            "--llm-cache=off",
            "--llm-progress=off",
            "--llm-timeout=60",
            *extra,
        )
        started = time.perf_counter()
        wall, cpu, proc = run_timed(cmd, folder)
        if proc.returncode != 0 or len(clock.times) != n:
            print(tail(proc.stdout), tail(proc.stderr), sep="\n", file=sys.stderr)
            raise SystemExit(f"run failed: exit {proc.returncode}, {len(clock.times)}/{n} calls")
        dispatch = clock.dispatch_seconds()
        starts = sorted(t for t, _, _ in server.arrivals)
        # How long the first window of C requests took to arrive: connection set-up and the
        # hand-off of C requests, paid once per run (all later rounds are pipelined behind it).
        ramp = starts[min(concurrency, len(starts)) - 1] - starts[0]
        ideal = concurrency / latency
        # The whole process minus the dispatch: before the first request (interpreter start,
        # imports, collection) and after the last response (the last items, the report).
        before = min(clock.times) - latency - started
        after = started + wall - max(clock.times)
        achieved = n / dispatch
        return {
            "n": n,
            "wall": wall,
            "cpu": cpu,
            "dispatch": dispatch,
            "ideal_rps": ideal,
            "achieved_rps": achieved,
            "ratio": achieved / ideal,
            "wall_ratio": (n / wall) / ideal,
            "max_in_flight": server.max_in_flight,
            "ramp": ramp,
            "before": before,
            "after": after,
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="scenarios per profile (default 2000)")
    ap.add_argument("--profile", choices=[*PROFILES, "all"], default="all")
    ap.add_argument("--model", default="hosted_vllm/fake", help="litellm route")
    ap.add_argument("--repeats", type=int, default=3, help="runs per profile (medians printed)")
    ap.add_argument(
        "--pytest-arg",
        action="append",
        default=[],
        help="added to the pytest run (repeatable), e.g. --pytest-arg=--llm-transport=litellm",
    )
    add_bytecode_option(ap)
    args = ap.parse_args()
    names = list(PROFILES) if args.profile == "all" else [args.profile]
    with tempfile.TemporaryDirectory(prefix="llmbench-pyc-") as pyc:
        print(cache_bytecode(args.cold, Path(pyc)))
        # Unmeasured: writes the bytecode cache (and warms the disk cache) for every profile.
        measure(200, 0.01, 64, model=args.model, extra=tuple(args.pytest_arg))
        report(args, names)


def report(args: argparse.Namespace, names: list[str]) -> None:
    print(f"start: {load_note()}")
    runs: dict[str, list[dict]] = {k: [] for k in names}
    for rep in range(args.repeats):
        for key in names if rep % 2 == 0 else names[::-1]:  # interleaved profiles
            _, latency, conc = PROFILES[key]
            r = measure(args.n, latency, conc, model=args.model, extra=tuple(args.pytest_arg))
            runs[key].append(r)
            print(
                f"  repeat {rep + 1} {key}: dispatch {r['dispatch']:.2f}s ({r['ratio']:.1%}), "
                f"wall {r['wall']:.2f}s ({r['wall_ratio']:.1%}), CPU {r['cpu']:.2f}s",
                flush=True,
            )
    print(f"end: {load_note()}")
    whole = ratio = 0.0
    for key in names:
        label, latency, conc = PROFILES[key]
        rs = runs[key]

        def med(field: str, rs: list[dict] = rs) -> float:
            return median([float(r[field]) for r in rs])

        ratio, whole = med("ratio"), med("wall_ratio")
        print(
            f"{label}: N={args.n} L={latency:g}s C={conc}, medians of {len(rs)}: ideal "
            f"{conc / latency:.0f} req/s, achieved {med('achieved_rps'):.1f} req/s over "
            f"{med('dispatch'):.2f}s dispatch (server side; max in flight "
            f"{max(r['max_in_flight'] for r in rs)}; first {conc} requests arrived over "
            f"{med('ramp'):.2f}s) -> {ratio:.1%} of ideal; whole process: pytest wall "
            f"{med('wall'):.2f}s vs ideal {args.n * latency / conc:.2f}s -> {whole:.1%}; "
            f"pytest CPU {med('cpu'):.2f}s; {med('before'):.2f}s before the first request, "
            f"{med('after'):.2f}s after the last response"
        )
    print(f"whole-process ratio: {whole:.4f}")
    print(f"ratio: {ratio:.4f}")


if __name__ == "__main__":
    main()
