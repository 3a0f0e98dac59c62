"""The embedded model (``--llm-model=local/smollm2``): calls a minute per llama.cpp configuration,
on requests taken from the shipped suites, and an estimate of ``pytest suites/`` on it.

    python benchmarks/local_model.py [--calls 12] [--repeats 2] [--configs t1,t2,...]

1. Records the requests of every shipped suite by running ``pytest suites/`` once through an
   instant in-process client (no model): messages and ``max_tokens`` exactly as the run sends
   them (later turns see "ok" as the earlier replies, so multi-turn prompts are a little short).
2. For each configuration, starts llama-cpp-python's server with the plugin's own command line
   (``serve.spec.build_command``) plus the configuration's items, and sends the same sample of
   those requests one at a time (the plugin sends one at a time to a llama.cpp server). The
   configurations are interleaved: repeat 1 runs every configuration, then repeat 2 in rotated
   order, and so on; the medians are printed. Beside the wall figures, the server's CPU seconds
   per call (``getrusage(RUSAGE_CHILDREN)`` across the server's life) show how much of a slow
   figure is the machine's load rather than the configuration.
3. Greedy decoding must be repeatable: each configuration answers the first request again at
   the end; the reply must equal the first one, and replies are compared with the first
   configuration's.

A ``llama-server`` binary (whose ``--parallel N`` slots decode several requests at once) is
used only when on PATH; the output says whether it was found. Last line: the best
configuration's calls a minute.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from _common import REPO, env, median, tail

from pytest_llmbench.serve.spec import build_command, local_serve_spec

RECORDER = '''
"""Loaded with ``-p _record_client``: answers "ok" and appends each request to $RECORD_TO."""
import json, os
from pytest_llmbench.client.base import ChatResponse


class RecordClient:
    async def complete(self, request, timeout):
        with open(os.environ["RECORD_TO"], "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"messages": list(request.messages),
                                 "params": dict(request.params),
                                 "tools": len(request.tools)}, default=str) + "\\n")
        return ChatResponse(content="ok", finish_reason="stop")

    async def aclose(self):
        pass


def pytest_llmbench_make_client(settings):
    return RecordClient()
'''

# label -> server items added to (and overriding) the plugin's defaults
# ("_module" picks the server module: llama-cpp-python's own reuses the previous prompt's cache)
CONFIGS: dict[str, dict[str, str]] = {
    "t1": {},  # the plugin's default: n_threads 1, n_threads_batch 1, n_batch 512
    "t2": {"n_threads": "2", "n_threads_batch": "2"},
    "t1b2": {"n_threads": "1", "n_threads_batch": "2"},
    "t1-b128": {"n_batch": "128", "n_ubatch": "128"},
    "t1-b2048": {"n_batch": "2048", "n_ubatch": "2048"},
    "t1-reuse": {"_module": "llama_cpp.server"},
    "2x-t1": {"_replicas": "2"},  # two one-thread servers, calls spread over them
}


def record_requests(folder: Path) -> list[dict[str, Any]]:
    out = folder / "requests.jsonl"
    (folder / "_record_client.py").write_text(RECORDER, encoding="utf-8")
    e = env()
    e["PYTHONPATH"] = os.pathsep.join([str(folder), e["PYTHONPATH"]])
    e["RECORD_TO"] = str(out)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "_record_client"]
    cmd += ["suites", "--llm-model=hosted_vllm/rec", "--llm-api-base=http://127.0.0.1:9/v1"]
    cmd += ["--llm-cache=off", "--llm-progress=off", "--llm-concurrency=1"]
    proc = subprocess.run(cmd, cwd=REPO, env=e, capture_output=True, text=True)
    if not out.exists():
        print(tail(proc.stdout), tail(proc.stderr), sep="\n", file=sys.stderr)
        raise SystemExit(f"recording the suites' requests failed: exit {proc.returncode}")
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(base: str, req: dict[str, Any], max_tokens: int) -> tuple[str, int, float]:
    body = {
        "model": "smollm2",
        "messages": req["messages"],
        "temperature": 0,
        "seed": 0,
        "max_tokens": max_tokens,
    }
    data = json.dumps(body).encode()
    r = urllib.request.Request(
        f"{base}/chat/completions", data=data, headers={"Content-Type": "application/json"}
    )
    t0 = time.perf_counter()
    with urllib.request.urlopen(r, timeout=600) as resp:
        doc = json.load(resp)
    took = time.perf_counter() - t0
    msg = doc["choices"][0]["message"]
    return (
        str(msg.get("content") or ""),
        int(doc.get("usage", {}).get("completion_tokens", 0)),
        took,
    )


def start_server(spec: Any, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    with log.open("w") as fh:
        proc = subprocess.Popen(build_command(spec, port), stdout=fh, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(f"{base}/models", timeout=2).close()
            return proc, base
        except (urllib.error.URLError, OSError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"server did not start: see {log}") from None
            time.sleep(0.3)


def run_config(
    items: dict[str, str], sample: list[dict[str, Any]], log: Path, cap: int | None
) -> dict[str, Any]:
    spec = local_serve_spec("local/smollm2")
    items = dict(items)
    module = items.pop("_module", spec.module)
    # "_replicas": that many one-request-at-a-time servers, each call sent to the next one
    # (what --llm-router over several local servers does), one client thread per server.
    replicas = int(items.pop("_replicas", "1"))
    spec = dataclasses.replace(spec, args=spec.args + tuple(items.items()), module=module)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    servers: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for k in range(replicas):
            servers.append(start_server(spec, log.with_suffix(f".{k}.log")))

        def limit(req: dict[str, Any]) -> int:
            asked = int(req["params"].get("max_tokens") or 512)
            return min(asked, cap) if cap else asked

        for _, base in servers:  # warm-up: the first call pays for loading the model's pages
            post(base, sample[0], 8)
        out: list[tuple[str, int, float]] = [("", 0, 0.0)] * len(sample)

        def worker(k: int) -> None:
            for i in range(k, len(sample), replicas):
                out[i] = post(servers[k][1], sample[i], limit(sample[i]))

        t0 = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(replicas)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        replies = [r[0] for r in out]
        lat = [r[2] for r in out]
        toks = sum(r[1] for r in out)
        again = post(servers[-1][1], sample[0], limit(sample[0]))[0]  # another server if >1
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait(timeout=30)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall": wall,
        "calls_per_min": 60 * len(sample) / wall,
        "mean_latency": sum(lat) / len(lat),
        "tokens": toks,
        "tok_per_s": toks / wall,
        "cpu_per_call": cpu
        / (len(sample) + replicas + 1),  # server life, warm-up and repeat included
        "replies": replies,
        "repeatable": again == replies[0],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=12, help="requests per configuration and repeat")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated labels")
    ap.add_argument("--list", action="store_true", help="print the configurations and exit")
    ap.add_argument("--max-tokens-cap", type=int, default=None, help="cap each call's max_tokens")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.list:
        for label, items in CONFIGS.items():
            print(label, json.dumps(items))
        return
    labels = [c for c in args.configs.split(",") if c]
    print(
        "llama-server on PATH:",
        shutil.which("llama-server") or "no (its --parallel slots not measured)",
    )
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="llmbench-local-") as tmp:
        folder = Path(tmp)
        requests = record_requests(folder)
        asked = [int(r["params"].get("max_tokens") or 0) for r in requests]
        print(
            f"shipped suites: {len(requests)} calls; max_tokens asked: "
            f"median {median([float(a) for a in asked]):.0f}, max {max(asked)}, "
            f"{sum(1 for a in asked if not a)} without a limit; "
            f"{sum(1 for r in requests if r['tools'])} with tools (dropped by the GGUF's template)"
        )
        sample = random.Random(args.seed).sample(requests, min(args.calls, len(requests)))
        results: dict[str, list[dict[str, Any]]] = {c: [] for c in labels}
        for rep in range(args.repeats):
            order = labels[rep % len(labels) :] + labels[: rep % len(labels)]
            for label in order:
                r = run_config(
                    CONFIGS[label], sample, folder / f"{label}-{rep}.log", args.max_tokens_cap
                )
                results[label].append(r)
                print(
                    f"  repeat {rep + 1} {label}: {r['calls_per_min']:.1f} calls/min, "
                    f"{r['tok_per_s']:.1f} tok/s, {r['cpu_per_call']:.2f} CPU s/call, "
                    f"load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    reference = results[labels[0]][0]["replies"]
    print(
        f"\nmedians over {args.repeats} interleaved repeats, {len(sample)} calls each "
        "(wall figures are noisy on a loaded machine; CPU s/call is the server's own CPU time):"
    )
    best, best_rate = labels[0], 0.0
    for label in labels:
        rs = results[label]
        rate = median([r["calls_per_min"] for r in rs])
        same = all(r["replies"] == reference for r in rs)
        safe = same and all(r["repeatable"] for r in rs)
        print(
            f"{label:10s} {json.dumps(CONFIGS[label]):45s} "
            f"{rate:6.1f} calls/min  mean latency {median([r['mean_latency'] for r in rs]):5.2f}s  "
            f"{median([r['tok_per_s'] for r in rs]):5.1f} tok/s  "
            f"CPU {median([r['cpu_per_call'] for r in rs]):5.2f} s/call  "
            f"repeatable {all(r['repeatable'] for r in rs)}  same replies as {labels[0]}: {same}"
        )
        if safe and rate > best_rate:  # only a configuration whose replies are repeatable
            best, best_rate = label, rate
    cpu = median([r["cpu_per_call"] for r in results[best]])
    print(
        f"estimate of pytest suites/ --llm-model=local/smollm2 with {best} (fastest repeatable): "
        f"{len(requests)} calls at {best_rate:.1f} calls/min = "
        f"{len(requests) / best_rate:.1f} min "
        f"at this load; x {cpu:.2f} CPU s = {len(requests) * cpu / 60:.1f} CPU min "
        "(start-up excluded; a sample of the suites' own requests)"
    )
    print(f"calls_per_min: {best_rate:.2f}")


if __name__ == "__main__":
    main()
