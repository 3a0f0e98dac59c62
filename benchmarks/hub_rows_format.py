"""The Hub rows as JSON Lines (what the upload writes) against Parquet (the alternative).

    python benchmarks/hub_rows_format.py [--rows 5000]

Needs the ``test`` extra (``datasets``, pyarrow). Two kinds of replies: repetitive text (what
benchmark replies mostly are) and random hex (incompressible, Parquet's worst case). For each:
bytes and write time of both formats, then the ratios JSONL / Parquet. The upload stays on
JSONL (docs/ci-and-hub.md): Parquet would put pyarrow in every install of the plugin.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import REPO  # noqa: F401  (importing it puts the repository on sys.path)

from pytest_llmbench.results.jsonl import FEATURES, dataset_rows, to_jsonl


def results(n: int, random_text: bool) -> dict[str, Any]:
    def text(size: int, words: str) -> str:
        return os.urandom(size).hex() if random_text else words * (size // len(words) + 1)

    rows = []
    for i in range(n):
        ok = bool(i % 3)
        rows.append(
            {
                "nodeid": f"s.llmbench.yaml::sc{i}[m]",
                "suite": "s",
                "scenario": f"sc{i}",
                "model": "m",
                "sample": 0,
                "outcome": "passed" if ok else "failed",
                "scores": [
                    {"name": "contains", "passed": ok, "value": None, "reason": "r", "turn": 0}
                ],
                "transcript": [
                    {"role": "system", "content": text(200, "Be helpful. "), "turn": None},
                    {"role": "user", "content": text(80, "Capital of France? "), "turn": 0},
                    {"role": "assistant", "content": text(120, "It is Paris. "), "turn": 0},
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 50},
                "latency_s": 0.5,
                "tags": ["geo"],
                "metadata": {"level": 1},
            }
        )
    return {"run": {"run_id": "r", "started": "2024-01-01T00:00:00+00:00"}, "results": rows}


def main() -> None:
    import datasets

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    n = parser.parse_args().rows
    features = datasets.Features._from_yaml_list(FEATURES)
    with tempfile.TemporaryDirectory() as tmp:
        for label, random_text in (("repetitive", False), ("random", True)):
            rows = dataset_rows(results(n, random_text))  # type: ignore[arg-type]
            t0 = time.perf_counter()
            jsonl = Path(tmp, f"{label}.jsonl")
            jsonl.write_text(to_jsonl(rows), encoding="utf-8")
            t1 = time.perf_counter()
            parquet = Path(tmp, f"{label}.parquet")
            datasets.Dataset.from_list(rows, features=features).to_parquet(str(parquet))
            t2 = time.perf_counter()
            j, p = jsonl.stat().st_size, parquet.stat().st_size
            print(
                f"{label:>10} replies, {n} rows: JSONL {j / 1e6:.2f} MB in {t1 - t0:.2f} s, "
                f"Parquet {p / 1e6:.2f} MB in {t2 - t1:.2f} s; size ratio {j / p:.1f}, "
                f"write-time ratio {(t1 - t0) / (t2 - t1):.2f}"
            )


if __name__ == "__main__":
    main()
