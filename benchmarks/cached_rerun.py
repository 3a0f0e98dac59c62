"""A fully cached re-run of 10,000 scenarios vs plain pytest running 10,000 trivial tests.

    python benchmarks/cached_rerun.py [--n 10000] [--repeats 3]

The cache is filled once through an instant in-process client (no HTTP: only the requests'
cache keys matter); each measured cached run uses the default client and answers every call
from the cache (``--llm-cache=replay``: a miss would be an error). The two runs are interleaved
(cached, plain, plain, cached, ...) and repeated; the medians of wall and CPU seconds are
compared. CPU seconds (the child's own, from getrusage) hardly depend on other jobs on the
machine; wall seconds do. Last line: the median over repeats of cached wall / plain wall.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import (
    add_bytecode_option,
    cache_bytecode,
    fill_cache,
    load_note,
    median,
    pytest_cmd,
    run_timed,
    tail,
    write_suite,
)

MODEL = ("--llm-model=hosted_vllm/fake", "--llm-api-base=http://127.0.0.1:9/v1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    add_bytecode_option(ap)
    args = ap.parse_args()
    n = args.n
    with tempfile.TemporaryDirectory(prefix="llmbench-cache-") as tmp:
        root = Path(tmp)
        print(cache_bytecode(args.cold, root / "pyc"))
        bench, plain = root / "bench", root / "plain"
        write_suite(bench, n)
        cache = f"--llm-cache-dir={bench / 'cache'}"
        filled = fill_cache(bench, *MODEL, cache, "--llm-progress=off")
        plain.mkdir()
        (plain / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        (plain / "test_trivial.py").write_text(
            "import pytest\n\n\n"
            f"@pytest.mark.parametrize('i', range({n}))\n"
            "def test_trivial(i):\n    assert i >= 0\n",
            encoding="utf-8",
        )
        runs = {
            "cached": (
                bench,
                pytest_cmd(*MODEL, cache, "--llm-cache=replay", "--llm-progress=off"),
            ),
            "plain": (plain, pytest_cmd()),
        }
        for folder, cmd in runs.values():  # unmeasured: caches both runs' bytecode
            run_timed(cmd, folder)
        print(f"start: {load_note()}")
        walls: dict[str, list[float]] = {k: [] for k in runs}
        cpus: dict[str, list[float]] = {k: [] for k in runs}
        for rep in range(args.repeats):
            for key in ("cached", "plain") if rep % 2 == 0 else ("plain", "cached"):
                folder, cmd = runs[key]
                wall, cpu, proc = run_timed(cmd, folder)
                if proc.returncode != 0:
                    print(tail(proc.stdout), tail(proc.stderr), sep="\n", file=sys.stderr)
                    raise SystemExit(f"{key} run failed: exit {proc.returncode}")
                walls[key].append(wall)
                cpus[key].append(cpu)
                print(f"  repeat {rep + 1} {key}: wall {wall:.2f}s, CPU {cpu:.2f}s", flush=True)
    cw, pw = median(walls["cached"]), median(walls["plain"])
    cc, pc = median(cpus["cached"]), median(cpus["plain"])
    # Ratios within each repeat (its two runs are back to back) drift less than the medians
    # when the machine's speed changes over the minutes of the script.
    pair_wall = median([c / p for c, p in zip(walls["cached"], walls["plain"], strict=True)])
    pair_cpu = median([c / p for c, p in zip(cpus["cached"], cpus["plain"], strict=True)])
    print(f"end: {load_note()}")
    print(f"cache fill (instant client, {n} scenarios): {filled:.2f}s")
    print(
        f"medians of {args.repeats} interleaved runs: cached re-run of {n} scenarios "
        f"(--llm-cache=replay) wall {cw:.2f}s, CPU {cc:.2f}s; plain pytest, {n} trivial tests, "
        f"wall {pw:.2f}s, CPU {pc:.2f}s"
    )
    print(f"ratio of the medians: wall {cw / pw:.4f}, CPU {cc / pc:.4f}")
    print(f"CPU-time ratio, median of the repeats' ratios (steadier when loaded): {pair_cpu:.4f}")
    print(f"ratio: {pair_wall:.4f}")


if __name__ == "__main__":
    main()
