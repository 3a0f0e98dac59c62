"""--llm-shard in real pytest runs (pytester): usage errors, deselection, disjoint shards,
models kept together, stability under -k, balance by expected calls."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import WARNINGS_AS_ERRORS

MODELS = ("--llm-model=llmbench/reference", "--llm-model=llmbench/violate")


def write_suites(pytester: pytest.Pytester) -> None:
    for name, n in (("alpha", 7), ("beta", 5)):
        lines = [f"suite: {name}", "scenarios:"]
        for i in range(n):
            lines += [
                f"  - id: {name}{i}",
                "    user: Capital of France?",
                "    expect: [{contains: Paris}]",
                "    reference: {pass: [Paris], fail: [Nice]}",
            ]
        (pytester.path / f"{name}.llmbench.yaml").write_text("\n".join(lines) + "\n")


def ran(result: pytest.RunResult) -> set[str]:
    return {
        m.group(1)
        for line in result.outlines
        if (m := re.match(r"^(\S+\.llmbench\.yaml::\S+) (PASSED|FAILED)", line))
    }


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*WARNINGS_AS_ERRORS, "-v", "-p", "no:cacheprovider", *MODELS, *args)


@pytest.mark.parametrize("value", ["0/3", "4/3", "1of3", "x"])
def test_a_bad_shard_is_a_usage_error_naming_the_option(
    pytester: pytest.Pytester, value: str
) -> None:
    write_suites(pytester)
    result = run(pytester, f"--llm-shard={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--llm-shard*K/N*"])
    assert "Traceback" not in result.stderr.str()


def test_a_bad_shard_in_the_ini_file_names_the_key(pytester: pytest.Pytester) -> None:
    write_suites(pytester)
    pytester.makeini("[pytest]\nllm_shard = 2/1\n")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*llm_shard*K/N*"])


def test_shards_are_disjoint_cover_the_run_and_are_reported_as_deselected(
    pytester: pytest.Pytester,
) -> None:
    write_suites(pytester)
    everything = ran(run(pytester))
    assert len(everything) == 24
    parts = []
    for k in (1, 2, 3):
        result = run(pytester, f"--llm-shard={k}/3")
        part = ran(result)
        assert part
        result.stdout.fnmatch_lines([f"*{24 - len(part)} deselected*"])
        parts.append(part)
    assert set().union(*parts) == everything
    assert sum(len(p) for p in parts) == len(everything)
    for part in parts:  # both models of a scenario in the same shard
        scenarios = {p.split("[")[0] for p in part}
        assert part == {f"{s}[{m.split('=')[1]}]" for s in scenarios for m in MODELS}


def test_a_shard_under_k_runs_what_both_select(pytester: pytest.Pytester) -> None:
    write_suites(pytester)
    shard = ran(run(pytester, "--llm-shard=2/3"))
    only_alpha = ran(run(pytester, "--llm-shard=2/3", "-k", "alpha"))
    assert only_alpha == {p for p in shard if "alpha" in p}


def test_the_ini_key_shards_and_the_results_record_it(pytester: pytest.Pytester) -> None:
    write_suites(pytester)
    pytester.makeini("[pytest]\nllm_shard = 1/2\n")
    result = run(pytester, "--llm-results=r.json")
    assert 0 < len(ran(result)) < 24
    shard = json.loads(Path(pytester.path / "r.json").read_text())["run"]["shard"]
    assert (shard["index"], shard["count"], shard["groups"]) == (1, 2, 12)
    assert len(shard["order"]) == len(ran(result))


def test_balance_is_by_expected_calls(pytester: pytest.Pytester) -> None:
    # One scenario of 6 turns, six of one turn: file order would give shard 1 the heavy one
    # and three more; balanced, the heavy one is alone.
    turns = "\n".join(f"      - user: q{t}\n        expect: [{{contains: a}}]" for t in range(6))
    refs = "[" + ", ".join("a" for _ in range(6)) + "]"
    text = (
        "suite: mixed\nscenarios:\n  - id: heavy\n    turns:\n"
        + turns
        + f"\n    reference: {{pass: [{refs}], fail: [{refs}]}}\n"
    )
    for i in range(6):
        text += f"  - id: light{i}\n    user: q\n    expect: [{{contains: a}}]\n"
        text += "    reference: {pass: [a], fail: [b]}\n"
    (pytester.path / "mixed.llmbench.yaml").write_text(text)
    parts = [ran(run(pytester, f"--llm-shard={k}/2")) for k in (1, 2)]
    heavy = next(p for p in parts if any("heavy" in i for i in p))
    assert {i.split("::")[1].split("[")[0] for i in heavy} == {"heavy"}


def test_under_xdist_a_shard_runs_the_same_items_and_records_the_shard(
    pytester: pytest.Pytester,
) -> None:
    write_suites(pytester)
    alone = run(pytester, "--llm-shard=2/3", "--llm-results=alone.json")
    # A subprocess, as in tests/run/test_xdist.py: the controller needs a clean process.
    spread = pytester.runpytest_subprocess(
        "-n", "2", "-p", "no:cacheprovider", *MODELS, "--llm-shard=2/3",
        "--llm-results=xdist.json", timeout=180,
    )  # fmt: skip
    assert spread.ret == alone.ret
    a = json.loads((pytester.path / "alone.json").read_text())
    x = json.loads((pytester.path / "xdist.json").read_text())
    assert sorted(v["nodeid"] for v in x["scenarios"]) == sorted(
        v["nodeid"] for v in a["scenarios"]
    )
    assert x["run"]["shard"] == a["run"]["shard"]  # told by a worker to the controller
