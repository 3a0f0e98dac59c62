"""A fully cached re-run of 10,000 scenarios vs plain pytest running 10,000 trivial tests.

    python benchmarks/cached_rerun.py [--n 10000]

The first run fills the cache through an instant in-process client (no HTTP: only the
requests' cache keys matter); the second, measured run uses the default litellm client and
answers every call from the cache. Last line: cached re-run time / plain pytest time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import fill_cache, run_pytest, tail, write_suite

MODEL = ("--llm-model=hosted_vllm/fake", "--llm-api-base=http://127.0.0.1:9/v1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    n = ap.parse_args().n
    with tempfile.TemporaryDirectory(prefix="llmbench-cache-") as tmp:
        root = Path(tmp)
        bench, plain = root / "bench", root / "plain"
        write_suite(bench, n)
        cache = f"--llm-cache-dir={bench / 'cache'}"
        filled = fill_cache(bench, *MODEL, cache, "--llm-progress=off")
        # Port 9 (discard) would refuse any call that slipped past the cache: replay mode
        # turns such a miss into an error instead, and the exit code would show it.
        cached, proc = run_pytest(bench, *MODEL, cache, "--llm-cache=replay", "--llm-progress=off")
        if proc.returncode != 0:
            print(tail(proc.stdout), tail(proc.stderr), sep="\n", file=sys.stderr)
            raise SystemExit(f"cached re-run failed: exit {proc.returncode}")
        plain.mkdir()
        (plain / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        (plain / "test_trivial.py").write_text(
            "import pytest\n\n\n"
            f"@pytest.mark.parametrize('i', range({n}))\n"
            "def test_trivial(i):\n    assert i >= 0\n",
            encoding="utf-8",
        )
        base, proc = run_pytest(plain)
        if proc.returncode != 0:
            raise SystemExit(f"plain run failed: exit {proc.returncode}\n{tail(proc.stdout)}")
    print(f"cache fill (instant client, {n} scenarios): {filled:.2f}s")
    print(f"cached re-run of {n} scenarios (--llm-cache=replay): {cached:.2f}s")
    print(f"plain pytest, {n} trivial tests: {base:.2f}s")
    print(f"ratio: {cached / base:.4f}")


if __name__ == "__main__":
    main()
