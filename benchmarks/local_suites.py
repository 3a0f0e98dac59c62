"""Every shipped suite on the embedded model, end to end: ``pytest suites/
--llm-model=local/smollm2``, timed.

    python benchmarks/local_suites.py [--replicas N] [--pytest-arg=...]

One real run from the checkout, with an empty response cache (so every call reaches the model)
and the plugin's defaults: llama.cpp servers started by the run (one per core, at most 4,
unless ``--replicas``), greedy decoding. Prints the wall and CPU time of the pytest process and
its servers, the load average before and after, and the outcome counts; the last line is the
wall time in minutes. Needs the ``local`` extra; takes about as long as it measures (18 minutes
on 2 cores).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from _common import REPO, load_note, pytest_cmd, run_timed, tail

from pytest_llmbench.serve.spec import default_replicas


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicas", type=int, default=None, help="--llm-serve-replicas")
    ap.add_argument("--pytest-arg", action="append", default=[], help="added to the run")
    args = ap.parse_args()
    replicas = args.replicas or default_replicas()
    print(f"start: {load_note()}; {replicas} llama.cpp server(s), one thread each", flush=True)
    with tempfile.TemporaryDirectory(prefix="llmbench-suites-") as tmp:
        cmd = pytest_cmd(
            "suites/",
            "--llm-model=local/smollm2",
            f"--llm-serve-replicas={replicas}",
            f"--llm-cache-dir={Path(tmp) / 'cache'}",  # empty: every call goes to the model
            f"--llm-results={Path(tmp) / 'results.json'}",
            *args.pytest_arg,
        )
        wall, cpu, proc = run_timed(cmd, REPO)
    counts = re.findall(r"(\d+) (passed|failed|errors?|skipped)", proc.stdout.splitlines()[-1])
    if proc.returncode not in (0, 1) or not counts:  # 1: the tiny model fails scenarios
        print(tail(proc.stdout), tail(proc.stderr), sep="\n", file=sys.stderr)
        raise SystemExit(f"run failed: exit {proc.returncode}")
    print(f"end: {load_note()}")
    outcome = ", ".join(f"{n} {what}" for n, what in counts)
    print(
        f"pytest suites/ --llm-model=local/smollm2: {outcome}; wall {wall / 60:.1f} min, "
        f"CPU {cpu / 60:.1f} min (pytest and its servers)"
    )
    print(f"minutes: {wall / 60:.2f}")


if __name__ == "__main__":
    main()
