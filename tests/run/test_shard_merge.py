"""Sharded runs merged equal the unsharded run: the shipped suites with llmbench/reference and
llmbench/violate, unsharded and as three shards + ``llmbench merge`` (real processes), compared
scenario by scenario, in the summary, the family aggregates and the gates' exit status."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.packaged import available
from tests.conftest import PYTEST_SUBPROCESS

MODELS = ("--llm-model=llmbench/reference", "--llm-model=llmbench/violate")
FAST_SUITES = ("examples", "toolbh")


def pytest_run(cwd: Path, suites: tuple[str, ...], *args: str) -> int:
    cmd = [*PYTEST_SUBPROCESS, "-q", *MODELS, *(f"--llm-suite={s}" for s in suites), *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600).returncode


def merge(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "pytest_llmbench.cli", "merge", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def without_timing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "latency_s"} for r in rows]


def timeless_summary(summary: list[dict[str, Any]]) -> list[dict[str, Any]]:
    drop = ("latency_p50_s", "latency_p95_s")
    return [{k: v for k, v in g.items() if k not in drop} for g in summary]


def shard_and_merge(tmp: Path, suites: tuple[str, ...]) -> None:
    assert pytest_run(tmp, suites, "--llm-results=full.json") == pytest.ExitCode.TESTS_FAILED
    for k in (1, 2, 3):
        pytest_run(tmp, suites, f"--llm-shard={k}/3", f"--llm-results=s{k}.json")
    done = merge(tmp, "s3.json", "s1.json", "s2.json", "--output", "merged.json")
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stderr  # as the full run
    full, merged = load(tmp / "full.json"), load(tmp / "merged.json")
    from pytest_llmbench.schema import validator

    for doc in (merged, load(tmp / "s1.json")):  # shard and merged files are results files
        validator("results").validate(doc)
    assert merged["scenarios"] == full["scenarios"]
    assert without_timing(merged["results"]) == without_timing(full["results"])
    assert timeless_summary(merged["summary"]) == timeless_summary(full["summary"])
    assert merged["aggregates"] == full["aggregates"]
    assert "shard" not in merged["run"]
    assert len(merged["run"]["merged_from"]) == 3
    shard_sizes = [len(load(tmp / f"s{k}.json")["scenarios"]) for k in (1, 2, 3)]
    assert all(shard_sizes) and sum(shard_sizes) == len(full["scenarios"])


def gate_cases(tmp: Path) -> dict[str, tuple[list[str], list[str]]]:
    """name -> (pytest gate options, llmbench merge gate options)."""
    full = load(tmp / "full.json")
    regressed = copy.deepcopy(full)  # a baseline where llmbench/violate passed everything
    for v in regressed["scenarios"]:
        if v["model"] == "llmbench/violate" and v["outcome"] == "failed":
            v["outcome"] = "passed"
    (tmp / "better.json").write_text(json.dumps(regressed))
    return {
        "same-baseline": (
            ["--llm-baseline=full.json", "--llm-fail-on-regression"],
            ["--baseline=full.json", "--fail-on-regression"],
        ),
        "regression": (
            ["--llm-baseline=better.json", "--llm-fail-on-regression"],
            ["--baseline=better.json", "--fail-on-regression"],
        ),
        "rate-missed": (["--llm-fail-under=0.5"], ["--fail-under=0.5"]),
    }


def check_gates(tmp: Path, suites: tuple[str, ...]) -> None:
    seen = set()
    for name, (pytest_args, merge_args) in gate_cases(tmp).items():
        expected = pytest_run(tmp, suites, *pytest_args)
        got = merge(tmp, "s1.json", "s2.json", "s3.json", "-o", f"m-{name}.json", *merge_args)
        assert got.returncode == expected, (name, got.stdout, got.stderr)
        seen.add(expected)
        if name == "regression":
            assert "GATE FAILED: llmbench/violate: significant regression" in got.stdout
    assert seen == {0, 1}  # both outcomes exercised


@pytest.fixture(scope="module")
def fast_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("shards")
    shard_and_merge(tmp, FAST_SUITES)
    return tmp


def test_merged_shards_equal_the_unsharded_run(fast_runs: Path) -> None:
    assert (fast_runs / "merged.json").is_file()


def test_gates_on_the_merge_exit_as_on_the_unsharded_run(fast_runs: Path) -> None:
    check_gates(fast_runs, FAST_SUITES)


@pytest.mark.slow
def test_every_shipped_suite_sharded_and_merged(tmp_path: Path) -> None:
    suites = tuple(available())
    assert len(suites) >= 6
    shard_and_merge(tmp_path, suites)
    check_gates(tmp_path, suites)


def refused(tmp: Path, *files: str) -> str:
    result = merge(tmp, *files, "--output", "bad.json")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert not (tmp / "bad.json").exists()
    return result.stderr


def test_a_missing_shard_is_refused(fast_runs: Path) -> None:
    assert "shard(s) 2/3 missing" in refused(fast_runs, "s1.json", "s3.json")


def test_a_shard_given_twice_is_refused(fast_runs: Path) -> None:
    assert "shard 1/3 given twice" in refused(fast_runs, "s1.json", "s1.json", "s2.json", "s3.json")


def test_overlapping_shards_are_refused(fast_runs: Path) -> None:
    twin = load(fast_runs / "s1.json")
    twin["run"]["shard"]["index"] = 2  # claims to be shard 2 but holds shard 1's scenarios
    (fast_runs / "twin.json").write_text(json.dumps(twin))
    assert "the shards overlap" in refused(fast_runs, "s1.json", "twin.json", "s3.json")


def test_shards_of_different_suites_are_refused(fast_runs: Path) -> None:
    other = fast_runs / "other"
    other.mkdir()
    pytest_run(other, ("examples",), "--llm-shard=2/3", "--llm-results=s2.json")
    assert "collected different scenarios" in refused(
        fast_runs, "s1.json", "other/s2.json", "s3.json"
    )


def test_a_different_suite_version_is_refused(fast_runs: Path) -> None:
    changed = load(fast_runs / "s2.json")
    changed["run"]["shard"]["fingerprint"] = "0" * 64  # what an edited suite file gives
    (fast_runs / "changed.json").write_text(json.dumps(changed))
    assert "collected different scenarios" in refused(
        fast_runs, "s1.json", "changed.json", "s3.json"
    )


def test_an_unsharded_results_file_is_refused(fast_runs: Path) -> None:
    assert "not the results of a sharded run" in refused(fast_runs, "full.json")
