"""Throughput of ``--llm-router`` over three local replicas of different speeds, fast path vs
litellm's Router, against the ideal.

    python benchmarks/router.py                   # N=1200, replicas at 50/100/200 ms, C=16 each
    python benchmarks/router.py --n 600 --concurrency 8

ideal = sum over replicas of C / L requests per second (every replica busy all the time);
achieved = N / dispatch time, measured at the servers (first request arrival to last response).
Printed per transport: achieved / ideal, each replica's share of the calls, pytest wall time;
then fast path / litellm (dispatch rates), and one server of the same ideal rate without a
router, for what the spreading costs. Last line: the fast path's ratio to ideal.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _common import FakeOpenAIServer, run_pytest, tail, write_suite
from throughput import measure as measure_single

LATENCIES = (0.05, 0.1, 0.2)


class Stamps:
    """Shared by the three servers' scripts: when each reply leaves, server side."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> str:
        with self._lock:
            self.times.append(time.perf_counter())
        return "ok"


def measure(n: int, concurrency: int, transport: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="llmbench-router-") as tmp:
        folder = Path(tmp)
        write_suite(folder, n)
        stamps = Stamps()
        servers = [FakeOpenAIServer().start() for _ in LATENCIES]
        try:
            lines = ["model_list:"]
            for server, latency in zip(servers, LATENCIES, strict=True):
                server.latency = latency
                server.script(stamps)
                lines += [
                    "  - model_name: replicas",
                    "    litellm_params:",
                    "      model: hosted_vllm/fake",
                    f"      api_base: {server.base_url}",
                ]
            (folder / "router.yaml").write_text("\n".join(lines) + "\n")
            wall, proc = run_pytest(
                folder,
                "--llm-router=router.yaml",
                f"--llm-transport={transport}",
                f"--llm-concurrency={concurrency}",
                "--llm-cache=off",
                "--llm-progress=off",
                "--llm-timeout=60",
            )
            if proc.returncode != 0 or len(stamps.times) != n:
                print(tail(proc.stdout), tail(proc.stderr), sep="\n", file=sys.stderr)
                raise SystemExit(f"run failed: exit {proc.returncode}, {len(stamps.times)}/{n}")
            shares = [len(s.requests) / n for s in servers]
        finally:
            for s in servers:
                s.stop()
    # First arrival: the first reply minus the fastest latency (a lower bound: fair to ideal).
    dispatch = max(stamps.times) - (min(stamps.times) - min(LATENCIES))
    ideal = sum(concurrency / latency for latency in LATENCIES)
    return {
        "wall": wall,
        "dispatch": dispatch,
        "ideal": ideal,
        "achieved": n / dispatch,
        "ratio": (n / dispatch) / ideal,
        "shares": shares,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1200, help="scenarios (default 1200)")
    ap.add_argument("--concurrency", type=int, default=16, help="calls in flight per replica")
    args = ap.parse_args()
    results = {}
    for transport in ("auto", "litellm"):
        r = results[transport] = measure(args.n, args.concurrency, transport)
        label = "fast path" if transport == "auto" else "litellm Router"
        shares = ", ".join(
            f"{latency * 1000:.0f} ms: {share:.0%}"
            for latency, share in zip(LATENCIES, r["shares"], strict=True)
        )
        print(
            f"{label}: N={args.n} C={args.concurrency}/replica  ideal {r['ideal']:.0f} req/s, "
            f"achieved {r['achieved']:.1f} req/s over {r['dispatch']:.2f}s dispatch -> "
            f"{r['ratio']:.1%} of ideal; calls per replica ({shares}); "
            f"pytest wall {r['wall']:.2f}s"
        )
    fast, slow = results["auto"], results["litellm"]
    # The same ideal rate from one server (no router): what spreading itself costs.
    single_c = round(fast["ideal"] * 0.1)
    single = measure_single(args.n, 0.1, single_c)
    print(
        f"one server, same ideal (L=100 ms, C={single_c}): {single['ratio']:.1%} of ideal; "
        f"router fast path / one server: {fast['ratio'] / single['ratio']:.2f}"
    )
    print(f"fast path / litellm Router: {fast['achieved'] / slow['achieved']:.2f}x (dispatch rate)")
    print(f"ratio: {fast['ratio']:.4f}")


if __name__ == "__main__":
    main()
