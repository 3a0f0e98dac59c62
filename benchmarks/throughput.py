"""Throughput of the full plugin against the local fake OpenAI-compatible server.

    python benchmarks/throughput.py                  # both profiles, N=2000
    python benchmarks/throughput.py --profile fast --n 500
    python benchmarks/throughput.py --pytest-arg=--llm-transport=litellm   # one step at a time

ideal = C / L requests per second; achieved = N / dispatch time, measured at the server (first
request arrival to last response). The pytest wall time (start-up and collection included) is
printed too. Last line: the fast-local-server ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import FakeOpenAIServer, ServerClock, run_pytest, tail, write_suite

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
        wall, proc = run_pytest(
            folder,
            f"--llm-model={model}",
            f"--llm-api-base={server.base_url}",
            f"--llm-concurrency={concurrency}",
            "--llm-cache=off",
            "--llm-progress=off",
            "--llm-timeout=60",
            *extra,
        )
        if proc.returncode != 0 or len(clock.times) != n:
            print(tail(proc.stdout), tail(proc.stderr), sep="\n", file=sys.stderr)
            raise SystemExit(f"run failed: exit {proc.returncode}, {len(clock.times)}/{n} calls")
        dispatch = clock.dispatch_seconds()
        starts = sorted(t for t, _, _ in server.arrivals)
        # How long the first window of C requests took to arrive: connection set-up and the
        # hand-off of C requests, paid once per run (all later rounds are pipelined behind it).
        ramp = starts[min(concurrency, len(starts)) - 1] - starts[0]
        ideal = concurrency / latency
        achieved = n / dispatch
        return {
            "n": n,
            "wall": wall,
            "dispatch": dispatch,
            "ideal_rps": ideal,
            "achieved_rps": achieved,
            "ratio": achieved / ideal,
            "wall_ratio": (n / wall) / ideal,
            "max_in_flight": server.max_in_flight,
            "ramp": ramp,
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="scenarios per profile (default 2000)")
    ap.add_argument("--profile", choices=[*PROFILES, "all"], default="all")
    ap.add_argument("--model", default="hosted_vllm/fake", help="litellm route")
    ap.add_argument(
        "--pytest-arg",
        action="append",
        default=[],
        help="added to the pytest run (repeatable), e.g. --pytest-arg=--llm-transport=litellm",
    )
    args = ap.parse_args()
    names = list(PROFILES) if args.profile == "all" else [args.profile]
    last = 0.0
    for key in names:
        label, latency, conc = PROFILES[key]
        r = measure(args.n, latency, conc, model=args.model, extra=tuple(args.pytest_arg))
        print(
            f"{label}: N={r['n']} L={latency:g}s C={conc}  ideal {r['ideal_rps']:.0f} req/s, "
            f"achieved {r['achieved_rps']:.1f} req/s over {r['dispatch']:.2f}s dispatch "
            f"(server side; max in flight {r['max_in_flight']}; first {conc} requests arrived over "
            f"{r['ramp']:.2f}s) -> {r['ratio']:.1%} of ideal; "
            f"pytest wall {r['wall']:.2f}s -> {r['wall_ratio']:.1%} of ideal"
        )
        last = r["ratio"]
    print(f"ratio: {last:.4f}")


if __name__ == "__main__":
    main()
