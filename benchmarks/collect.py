"""Collection time, import overhead and peak memory of the plugin.

    python benchmarks/collect.py [--n 10000] [--rss-n 100000] [--reps 5]

1. ``pytest --collect-only -q`` over one suite of N scenarios (one model): wall time of the
   whole process, and the collection time pytest itself reports.
2. Import overhead with no LLM items: the same trivial test file run with ``-p no:llmbench``
   and with the plugin, several repetitions each, medians compared.
3. Peak RSS (``/usr/bin/time -f %M`` of that run alone) of a fully
   cached run of ``--rss-n`` scenarios (cache filled first through an instant client).
Last line: ``seconds: <collection time of N scenarios>``.

``--warm`` gives the child processes a bytecode cache (``PYTHONPYCACHEPREFIX`` in a temporary
folder, ``PYTHONDONTWRITEBYTECODE`` removed) and warms it with one untimed run first, as on a
user's machine from the second run on. Without it the environment is used as it is; where
``PYTHONDONTWRITEBYTECODE=1`` is set, every run compiles (and assertion-rewrites) every module
it imports from source, which dominated the import-overhead figure. ``--pytest-arg`` (repeatable)
is added to every pytest run, e.g. ``--pytest-arg=-p --pytest-arg=no:hypothesispytest`` to
leave out an unrelated plugin installed in the environment.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import env, fill_cache, median, run_pytest, tail, write_suite

MODEL = ("--llm-model=hosted_vllm/fake", "--llm-api-base=http://127.0.0.1:9/v1")


EXTRA: list[str] = []  # --pytest-arg values


def collect_time(folder: Path, n: int, warm: bool) -> tuple[float, float]:
    if warm:
        run_pytest(folder, "--collect-only", *MODEL, *EXTRA)
    wall, proc = run_pytest(folder, "--collect-only", *MODEL, *EXTRA)
    if proc.returncode != 0 or f"{n} tests collected" not in proc.stdout:
        raise SystemExit(f"collection failed: exit {proc.returncode}\n{tail(proc.stdout)}")
    match = re.search(r"collected in (\d+(?:\.\d+)?)s", proc.stdout)
    return wall, float(match.group(1)) if match else wall


def import_overhead(folder: Path, reps: int, warm: bool) -> tuple[float, float]:
    folder.mkdir()
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (folder / "test_plain.py").write_text("def test_one():\n    assert True\n", encoding="utf-8")
    if warm:
        run_pytest(folder, *EXTRA)
    without, with_ = [], []
    for _ in range(reps):  # interleaved, so drifting machine load hits both sides alike
        w, p = run_pytest(folder, "-p", "no:llmbench", *EXTRA)
        assert p.returncode == 0, p.stdout
        without.append(w)
        w, p = run_pytest(folder, *EXTRA)
        assert p.returncode == 0, p.stdout
        with_.append(w)
    return median(without), median(with_)


def peak_rss(folder: Path, n: int) -> tuple[float, float, float]:
    write_suite(folder, n)
    cache = f"--llm-cache-dir={folder / 'cache'}"
    filled = fill_cache(folder, *MODEL, cache, "--llm-progress=off")
    rss_file = folder / "rss.txt"
    cmd = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file), sys.executable, "-m", "pytest"]
    cmd += ["-q", "-p", "no:cacheprovider", *MODEL, cache, "--llm-cache=replay", *EXTRA]
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
    ap.add_argument("--warm", action="store_true", help="bytecode cache on and warmed first")
    ap.add_argument("--pytest-arg", action="append", default=[], help="added to every run")
    args = ap.parse_args()
    EXTRA.extend(args.pytest_arg)
    with tempfile.TemporaryDirectory(prefix="llmbench-collect-") as tmp:
        root = Path(tmp)
        if args.warm:  # children inherit os.environ through _common.env()
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
            os.environ["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        rss = peak_rss(root / "rss", args.rss_n) if args.rss_n else None
        write_suite(root / "collect", args.n)
        wall, collected = collect_time(root / "collect", args.n, args.warm)
        without, with_ = import_overhead(root / "plain", args.reps, args.warm)
    bytecode = "warm bytecode cache" if args.warm else "bytecode as the environment has it"
    print(f"({bytecode}; extra pytest args: {' '.join(EXTRA) or 'none'})")
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
