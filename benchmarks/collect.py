"""Collection time, import overhead and peak memory of the plugin.

    python benchmarks/collect.py [--n 10000] [--rss-n 100000] [--reps 5]

1. ``pytest --collect-only -q`` over one suite of N scenarios (one model): wall time of the
   whole process, and the collection time pytest itself reports.
2. Import overhead with no LLM items: the same trivial test file run with ``-p no:llmbench``
   and with the plugin, several repetitions each, medians compared.
3. Peak RSS (``/usr/bin/time -f %M`` of that run alone) of a fully
   cached run of ``--rss-n`` scenarios (cache filled first through an instant client).
Last line: ``seconds: <collection time of N scenarios>``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import env, fill_cache, median, run_pytest, tail, write_suite

MODEL = ("--llm-model=hosted_vllm/fake", "--llm-api-base=http://127.0.0.1:9/v1")


def collect_time(folder: Path, n: int) -> tuple[float, float]:
    wall, proc = run_pytest(folder, "--collect-only", *MODEL)
    if proc.returncode != 0 or f"{n} tests collected" not in proc.stdout:
        raise SystemExit(f"collection failed: exit {proc.returncode}\n{tail(proc.stdout)}")
    match = re.search(r"collected in (\d+(?:\.\d+)?)s", proc.stdout)
    return wall, float(match.group(1)) if match else wall


def import_overhead(folder: Path, reps: int) -> tuple[float, float]:
    folder.mkdir()
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (folder / "test_plain.py").write_text("def test_one():\n    assert True\n", encoding="utf-8")
    without, with_ = [], []
    for _ in range(reps):  # interleaved, so drifting machine load hits both sides alike
        w, p = run_pytest(folder, "-p", "no:llmbench")
        assert p.returncode == 0, p.stdout
        without.append(w)
        w, p = run_pytest(folder)
        assert p.returncode == 0, p.stdout
        with_.append(w)
    return median(without), median(with_)


def peak_rss(folder: Path, n: int) -> tuple[float, float, float]:
    write_suite(folder, n)
    cache = f"--llm-cache-dir={folder / 'cache'}"
    filled = fill_cache(folder, *MODEL, cache, "--llm-progress=off")
    rss_file = folder / "rss.txt"
    cmd = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file), sys.executable, "-m", "pytest"]
    cmd += ["-q", "-p", "no:cacheprovider", *MODEL, cache, "--llm-cache=replay"]
    cmd += ["--llm-progress=off"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=folder, env=env(), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"cached run failed: exit {proc.returncode}\n{tail(proc.stdout)}")
    after = int(rss_file.read_text().split()[-1])  # KiB, of the measured run alone
    return after / 1024, wall, filled  # ru_maxrss is in KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--rss-n", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="llmbench-collect-") as tmp:
        root = Path(tmp)
        rss = peak_rss(root / "rss", args.rss_n) if args.rss_n else None
        write_suite(root / "collect", args.n)
        wall, collected = collect_time(root / "collect", args.n)
        without, with_ = import_overhead(root / "plain", args.reps)
    if rss is not None:
        mb, rss_wall, filled = rss
        print(
            f"peak RSS, cached run of {args.rss_n} scenarios: {mb:.0f} MiB "
            f"(run {rss_wall:.1f}s; cache fill {filled:.1f}s)"
        )
    print(f"median pytest run, 1 plain test, without plugin: {without:.3f}s, with: {with_:.3f}s")
    print(f"import overhead: {with_ - without:.3f}s (median of {args.reps})")
    print(f"collect-only, {args.n} scenarios: {wall:.2f}s process wall")
    print(f"seconds: {collected:.3f}")


if __name__ == "__main__":
    main()
