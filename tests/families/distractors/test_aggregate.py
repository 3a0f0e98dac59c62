"""The paired report: original vs adversarial F1/EM per setting with a bootstrap interval."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_llmbench.families import aggregates, render_aggregates
from pytest_llmbench.families.distractors.aggregate import aggregate, render
from pytest_llmbench.families.distractors.paired import paired_summaries


def row(
    setting: str,
    pair: int,
    version: str,
    f1: float,
    em: float | None = None,
    *,
    model: str = "m",
    suite: str = "multihop",
    outcome: str | None = None,
    extracted: str = "x",
    strict_f1: float | None = None,
    sample: int = 0,
) -> dict[str, Any]:
    em = float(f1 == 1.0) if em is None else em
    strict = f1 if strict_f1 is None else strict_f1
    by_mode = {"official": {"em": em, "f1": f1}, "strict": {"em": float(strict == 1), "f1": strict}}
    score = {
        "name": "distractors/f1",
        "passed": f1 >= 0.5,
        "value": f1,
        "reason": "",
        "metadata": {"mode": "official", "by_mode": by_mode, "extracted": extracted},
    }
    meta: dict[str, Any] = {
        "benchmark": "distractors",
        "setting": setting,
        "pair_id": f"{setting}/{pair}",
        "version": version,
    }
    if version == "adversarial":
        meta["fake_answers"] = ["Decoy Town"]
    return {
        "model": model,
        "suite": suite,
        "scenario": f"{setting}-{pair}-{version}",
        "sample": sample,
        "outcome": outcome or ("passed" if f1 >= 0.5 else "failed"),
        "scores": [score],
        "metadata": meta,
    }


def test_paired_means_drop_and_interval() -> None:
    rows = []
    for i in range(20):
        rows.append(row("named_True_2", i, "original", 1.0))
        rows.append(row("named_True_2", i, "adversarial", 1.0 if i < 12 else 0.0))
    agg = aggregate(rows)
    assert agg is not None
    (g,) = agg["groups"]
    assert (g["model"], g["suite"], g["setting"], g["pairs"], g["unpaired"]) == (
        "m",
        "multihop",
        "named_True_2",
        20,
        0,
    )
    f1 = g["official"]["f1"]
    assert (f1["ori"], f1["adv"]) == (1.0, pytest.approx(0.6))
    assert f1["drop"] == pytest.approx(0.4)
    assert f1["relative_drop"] == pytest.approx(0.4)
    lo, hi = f1["drop_ci95"]
    assert 0.15 < lo < 0.4 < hi < 0.65
    assert f1["relative_drop_ci95"] == pytest.approx(f1["drop_ci95"])  # ori is always 1 here
    assert g["official"]["em"]["drop"] == pytest.approx(0.4)
    assert "bootstrap" in agg["method"]
    assert aggregate(rows) == agg  # fixed seed: the same rows give the same interval


def test_errors_count_zero_samples_average_and_skips_are_ignored() -> None:
    rows = [
        row("s", 0, "original", 1.0),
        row("s", 0, "adversarial", 1.0, sample=0),
        row("s", 0, "adversarial", 0.0, sample=1),  # two samples: mean 0.5
        row("s", 1, "original", 1.0),
        {**row("s", 1, "adversarial", 0.0), "outcome": "error", "scores": []},  # counts 0
        {**row("s", 2, "adversarial", 1.0), "outcome": "skipped", "scores": []},  # ignored
        row("s", 3, "original", 1.0),  # no adversarial twin: unpaired
        {**row("x", 0, "original", 1.0), "metadata": {"benchmark": "statqa"}},  # not ours
    ]
    agg = aggregate(rows)
    assert agg is not None
    (g,) = agg["groups"]
    assert (g["pairs"], g["unpaired"]) == (2, 1)
    assert g["official"]["f1"]["adv"] == pytest.approx(0.25)
    assert g["official"]["f1"]["ori"] == 1.0


def test_unpaired_runs_still_report_each_version() -> None:
    rows = [row("s", i, "adversarial", 1.0 if i else 0.0) for i in range(4)]
    agg = aggregate(rows)
    assert agg is not None
    (g,) = agg["groups"]
    assert (g["pairs"], g["unpaired"], g["items"]) == (0, 4, {"original": 0, "adversarial": 4})
    assert g["all_items"]["official"] == {"adversarial": {"f1": 0.75, "em": 0.75}}
    assert (
        "0 pairs (+4 unpaired, not counted); adversarial F1 75.0 EM 75.0 (4 items)"
        in (render(agg)[1])
    )


def test_other_benchmarks_only_give_no_aggregate() -> None:
    assert aggregate([{**row("s", 0, "original", 1.0), "metadata": {"benchmark": "rules"}}]) is None
    assert aggregate([]) is None


def test_per_setting_pooled_and_both_modes() -> None:
    rows = []
    for setting, adv in (("named_True_2", 0.0), ("other_False_1", 1.0)):
        for i in range(5):
            rows.append(row(setting, i, "original", 1.0))
            rows.append(row(setting, i, "adversarial", adv, strict_f1=1.0, extracted="decoy town"))
    agg = aggregate(rows)
    assert agg is not None
    settings = [g["setting"] for g in agg["groups"]]
    assert settings == ["named_True_2", "other_False_1", "all"]
    pooled = agg["groups"][-1]
    assert pooled["pairs"] == 10
    assert pooled["official"]["f1"]["adv"] == pytest.approx(0.5)
    assert pooled["strict"]["f1"]["adv"] == 1.0
    assert agg["groups"][0]["answered_fake_answer"] == 1.0  # "decoy town" = "Decoy Town"
    lines = render(agg)
    assert lines[0].startswith("distractors (original→adversarial ×100, official scoring;")
    assert "m multihop named_True_2: 5 pairs; F1 100.0→0.0 drop 100.0 [100.0, 100.0]" in lines[1]
    assert "relative 100%" in lines[1] and "EM 100.0→0.0" in lines[1]
    assert "gave a fake answer 100.0%" in lines[1]
    assert lines[3].startswith("  m multihop all: 10 pairs")


def test_imported_suites_pool_by_family_and_do_not_repeat_the_setting() -> None:
    rows = [
        row(s, i, v, 1.0, suite=f"distractors/{s}")
        for s in ("named_True_2", "named_True_4")
        for i in range(3)
        for v in ("original", "adversarial")
    ]
    agg = aggregate(rows)
    assert agg is not None
    assert [(g["suite"], g["setting"]) for g in agg["groups"]][-1] == ("distractors", "all")
    assert "  m distractors/named_True_2: 3 pairs;" in render(agg)[1]


def test_family_dispatch_finds_the_aggregate() -> None:
    rows = [row("s", i, v, 1.0) for i in range(2) for v in ("original", "adversarial")]
    aggs = aggregates(rows)
    assert "distractors" in aggs
    assert any("distractors (original→adversarial" in line for line in render_aggregates(aggs))


def test_paired_summaries_edge_cases() -> None:
    one = paired_summaries({"f1": ([1.0], [0.0])})["f1"]
    assert one["drop"] == 1.0 and one["drop_ci95"] is None  # no interval from one pair
    zero = paired_summaries({"f1": ([0.0, 0.0], [0.0, 1.0])})["f1"]
    assert zero["relative_drop"] is None and zero["relative_drop_ci95"] is None
    const = paired_summaries({"f1": ([1.0, 0.8, 0.6], [0.5, 0.3, 0.1])})["f1"]
    assert const["drop_ci95"] == pytest.approx([0.5, 0.5])  # every pair drops by 0.5
    with pytest.raises(ValueError, match="same number"):
        paired_summaries({"f1": ([1.0], [1.0, 0.0])})


def test_results_file_and_terminal_carry_the_paired_report(pytester: pytest.Pytester) -> None:
    import json

    from pytest_llmbench.families.distractors.generator import suite_text
    from pytest_llmbench.schema import validator

    (pytester.path / "mh.llmbench.yaml").write_text(suite_text(5, 2), encoding="utf-8")
    result = pytester.runpytest("--llm-model=llmbench/violate", "--llm-results=out.json")
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(["*distractors (original→adversarial*", "*F1 0.0→0.0*"])
    doc = json.loads((pytester.path / "out.json").read_text())
    validator("results").validate(doc)
    groups = doc["aggregates"]["distractors"]["groups"]
    assert {g["setting"] for g in groups} == {"named_True_2", "named_True_4", "all"}
    assert all(g["pairs"] == 1 or g["setting"] == "all" for g in groups)


def test_fake_answer_rate_uses_the_scorers_extraction() -> None:
    """Issue #20: the planted fake answer without a "Final Answer:" line (the scorer then scores
    the whole reply) still counts, and the summary says such replies were seen."""
    rows = []
    for i in range(2):
        rows.append(row("s", i, "original", 1.0))
        adv = row("s", i, "adversarial", 0.0, extracted="The answer is Decoy Town.")
        adv["scores"][0]["metadata"]["extraction"] = "fallback"
        rows.append(adv)
    agg = aggregate(rows)
    assert agg is not None
    (g,) = agg["groups"]
    assert g["answered_fake_answer"] == 1.0
    assert g["no_final_answer"] == 2
    assert (
        "gave a fake answer 100.0% (2 adversarial replies without a 'Final Answer:' line)"
        in (render(agg)[1])
    )
    other = row("s", 0, "adversarial", 0.0, extracted="Decoy Townsend is wrong")
    other["scores"][0]["metadata"]["extraction"] = "fallback"
    agg2 = aggregate([row("s", 0, "original", 1.0), other])
    assert agg2 is not None and agg2["groups"][0]["answered_fake_answer"] == 0.0
