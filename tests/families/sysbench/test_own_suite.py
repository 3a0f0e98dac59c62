"""Our own SysBench-style suite: its coverage, and the built-in models' verdicts on it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pytest_llmbench.families.sysbench import TYPE_KEYS
from pytest_llmbench.scenario import Scenario, load_suite

SUITE = Path(__file__).resolve().parents[3] / "suites" / "sysbench"


def scenarios() -> list[Scenario]:
    return [s for f in sorted(SUITE.glob("*.llmbench.yaml")) for s in load_suite(f).scenarios]


def test_coverage_of_the_own_suite() -> None:
    all_ = scenarios()
    systems = {s.system for s in all_}
    assert len(all_) >= 20 and len(systems) == len(all_)
    types: Counter[str] = Counter()
    alignments: Counter[str] = Counter()
    for s in all_:
        assert s.metadata["benchmark"] == "sysbench"
        assert len(s.turns) == 5, s.id
        assert s.reference_pass and s.reference_fail, s.id
        for t in s.turns:
            (ref,) = t.expect
            assert ref.name == "sysbench/checklist"
            alignments[ref.args["alignment"]] += 1
            for c in ref.args["criteria"]:
                assert "check" in c, f"{s.id}: every constraint must be program-checkable"
                types[c["type"]] += 1
    assert set(types) == set(TYPE_KEYS)
    assert alignments["align"] > 0 and alignments["misalign"] >= len(all_)
    kinds = Counter(s.metadata["dialogue"] for s in all_)
    assert kinds["dependent"] >= 5 and kinds["parallel"] >= 5


@pytest.mark.parametrize(("model", "outcome"), [("reference", "passed"), ("violate", "failed")])
def test_reference_passes_all_and_violate_fails_all(
    pytester: pytest.Pytester, model: str, outcome: str
) -> None:
    n = len(scenarios())
    run = pytester.runpytest(str(SUITE), f"--llm-model=llmbench/{model}", "--llm-results=out.json")
    run.assert_outcomes(**{outcome: n})
    doc = json.loads((pytester.path / "out.json").read_text(encoding="utf-8"))
    agg = doc["aggregates"]["sysbench"]["models"][f"llmbench/{model}"]
    assert agg["errors"] == 0 and agg["program_items"] == agg["constraints"]
    if model == "reference":
        runs = sum(len(s.reference_pass) for s in scenarios())  # one dialogue per reference
        assert agg["dialogues"] == runs and agg["turns"] == 5 * runs
        assert agg["official"]["CSR"] == agg["official"]["ISR"] == agg["official"]["SSR"] == 1.0
    else:
        assert agg["official"]["SSR"] < 1.0 and agg["official"]["R"][-1] == 0.0
