"""CSR / ISR / SSR exactly as spec §6.2 defines them, from result rows."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_llmbench.families import aggregates, render_aggregates
from pytest_llmbench.families.sysbench.aggregate import aggregate, render

Item = tuple[str, str, str]  # (type, official label, strict label)


def turn(alignment: str, *its: Item) -> tuple[str, list[Item]]:
    return alignment, list(its)


def row(
    scenario: str,
    rounds: list[tuple[str, list[Item]]],
    kind: str = "dependent",
    outcome: str = "failed",
    model: str = "m",
    first_round: int = 1,
    **meta: Any,
) -> dict[str, Any]:
    scores = []
    for k, (alignment, its) in enumerate(rounds):
        items = [
            {"id": str(i), "type": t, "official": o, "strict": s, "judge": o, "program": None}
            for i, (t, o, s) in enumerate(its, 1)
        ]
        info = {"round": first_round + k, "alignment": alignment, "items": items}
        scores.append({"name": "sysbench/checklist", "turn": k, "metadata": {"sysbench": info}})
    return {
        "model": model,
        "file": "f.yaml",
        "scenario": scenario,
        "sample": 0,
        "outcome": outcome,
        "metadata": {"benchmark": "sysbench", "dialogue": kind, **meta},
        "scores": scores,
    }


YES: Item = ("format", "yes", "yes")
NO: Item = ("format", "no", "no")
NA: Item = ("content", "不适用", "不适用")


def five(*passes: bool, kind: str = "dependent", name: str = "d") -> dict[str, Any]:
    return row(name, [turn("align", YES if p else NO) for p in passes], kind=kind)


def test_csr_is_a_micro_average_and_other_labels_count_as_unsatisfied() -> None:
    rows = [row("d1", [turn("align", YES, NO, NA), turn("misalign", ("action", "yes", "yes"))])]
    m = aggregate(rows)["models"]["m"]  # type: ignore[index]
    assert m["constraints"] == 4 and m["turns"] == 2 and m["dialogues"] == 1
    assert m["official"]["CSR"] == pytest.approx(2 / 4)
    assert m["official"]["CSR_by_type"]["format"] == pytest.approx(1 / 2)
    assert m["official"]["CSR_by_type"]["content"] == 0.0
    assert m["official"]["CSR_by_type"]["role"] is None  # no items of that type
    assert m["official"]["other_labels"] == 1


def test_other_labels_do_not_fail_an_official_turn_but_fail_a_strict_one() -> None:
    rows = [row("d1", [turn("align", YES, NA), turn("misalign", YES)])]
    m = aggregate(rows)["models"]["m"]  # type: ignore[index]
    assert m["official"]["ISR"] == 1.0
    assert m["strict"]["ISR"] == 0.5
    assert m["official"]["ISR_by_alignment"] == {"align": 1.0, "misalign": 1.0}
    assert m["strict"]["ISR_by_alignment"] == {"align": 0.0, "misalign": 1.0}


def test_a_failure_at_turn_one_gives_k_zero_even_if_later_turns_pass() -> None:
    m = aggregate([five(False, True, True, True, True)])["models"]["m"]  # type: ignore[index]
    assert m["official"]["SSR"] == 0.0
    assert m["official"]["R"] == [0.0] * 5
    assert m["official"]["ISR"] == pytest.approx(4 / 5)


def test_turns_after_the_first_failure_never_count() -> None:
    rows = [
        five(True, True, False, True, True, name="a"),
        five(True, True, True, True, True, name="b"),
    ]
    m = aggregate(rows)["models"]["m"]  # type: ignore[index]
    assert m["official"]["SSR"] == pytest.approx((2 / 5 + 5 / 5) / 2)
    assert m["official"]["R"] == [1.0, 1.0, 0.5, 0.5, 0.5]


def test_ssr_is_the_mean_of_r1_to_r5_as_published_for_gpt4o_dependent() -> None:
    # k distribution giving GPT-4o's published dependent R1..R5 (84.8 68.5 53.1 43.3 33.7).
    counts = {5: 337, 4: 96, 3: 98, 2: 154, 1: 163, 0: 152}
    rows = [
        five(*[j < k for j in range(5)], name=f"{k}-{i}")
        for k, n in counts.items()
        for i in range(n)
    ]
    s = aggregate(rows)["models"]["m"]["official"]  # type: ignore[index]
    assert [round(100 * r, 1) for r in s["R"]] == [84.8, 68.5, 53.1, 43.3, 33.7]
    assert round(100 * s["SSR"], 1) == 56.7
    assert s["SSR"] == pytest.approx(sum(s["R"]) / 5)


def test_ssr_is_split_by_dependent_and_parallel_dialogues() -> None:
    rows = [
        five(True, True, True, True, True, name="a"),
        five(True, False, True, True, True, kind="parallel", name="b"),
        five(False, True, True, True, True, kind="parallel", name="c"),
    ]
    m = aggregate(rows)["models"]["m"]  # type: ignore[index]
    split = m["official"]["by_dialogue_type"]
    assert split["dependent"] == {"dialogues": 1, "SSR": 1.0, "R": [1.0] * 5}
    assert split["parallel"]["dialogues"] == 2
    assert split["parallel"]["SSR"] == pytest.approx((1 / 5 + 0) / 2)
    assert m["dialogues_by_type"] == {"dependent": 1, "parallel": 2}


def test_dialogues_with_errors_are_excluded_and_counted() -> None:
    rows = [
        five(True, True, True, True, True, name="ok"),
        {**five(False, False, False, False, False, name="bad"), "outcome": "error"},
    ]
    m = aggregate(rows)["models"]["m"]  # type: ignore[index]
    assert m["errors"] == 1 and m["dialogues"] == 1
    assert m["official"]["ISR"] == 1.0


def test_reference_history_rounds_are_regrouped_by_dialogue_id() -> None:
    rows = [
        row(f"d-r{k}", [turn("align", YES if k != 2 else NO)], first_round=k, dialogue_id="d")
        for k in range(1, 6)
    ]
    m = aggregate(rows)["models"]["m"]  # type: ignore[index]
    assert m["dialogues"] == 1 and m["turns"] == 5
    assert m["official"]["SSR"] == pytest.approx(1 / 5)


def test_models_are_aggregated_separately_and_other_rows_ignored() -> None:
    rows = [
        five(True, True, True, True, True),
        {**five(False, True, True, True, True), "model": "other"},
        {"model": "m", "metadata": {"benchmark": "rules"}, "scores": [], "outcome": "passed"},
        {**five(True, True, True, True, True, name="skip"), "outcome": "skipped"},
    ]
    agg = aggregate(rows)
    assert agg is not None and set(agg["models"]) == {"m", "other"}
    assert agg["models"]["m"]["dialogues"] == 1
    assert aggregate([{"metadata": {}, "scores": []}]) is None


def test_render_and_the_family_registry() -> None:
    rows = [
        five(True, True, False, True, True),
        five(True, True, True, True, True, kind="parallel", name="p"),
    ]
    aggs = aggregates(rows)
    assert set(aggs) >= {"sysbench"}
    lines = render_aggregates({"sysbench": aggs["sysbench"]})
    assert lines == render(aggs["sysbench"])
    text = "\n".join(lines)
    assert "sysbench [m]: 2 dialogues, 10 turns, 10 constraints" in text
    assert "official CSR 90.0  ISR 90.0  SSR 70.0" in text
    assert "CSR by type: format 90.0" in text
    assert "dependent 40.0 (n=1, R1.. 100.0 100.0 0.0 0.0 0.0); parallel 100.0" in text


SKIP: Item = ("style", "not scored", "not scored")


def test_a_run_without_a_judge_gets_a_labelled_program_only_csr_and_no_official_numbers() -> None:
    rows = [
        row("d1", [turn("align", YES, SKIP), turn("align", NO, ("content", "yes", "yes"))]),
        five(True, True, True, True, True, name="d2"),  # a dialogue without judge items
    ]
    m = aggregate(rows)["models"]["m"]  # type: ignore[index]
    assert m["official"] is None and m["strict"] is None  # never SysBench numbers
    only = m["program_only"]
    assert (only["scored"], only["not_scored"]) == (8, 1)
    assert only["CSR"] == pytest.approx(7 / 8)
    assert only["CSR_by_type"]["format"] == pytest.approx(6 / 7)
    assert only["CSR_by_type"]["style"] is None  # only "not scored" items of that type
    assert m["not_scored_items"] == 1
    text = "\n".join(render(aggregate(rows)))  # type: ignore[arg-type]
    assert "program checks only: CSR 87.5 over 8 program-checked constraints; 1 not scored" in text
    assert "not SysBench's CSR" in text and "not comparable with the published numbers" in text
    mode_lines = [x for x in text.splitlines() if x.lstrip().startswith(("official", "strict"))]
    assert mode_lines == [] and "ISR" not in text.split("no ISR")[0]


def test_a_model_with_every_item_scored_keeps_its_official_numbers() -> None:
    m = aggregate([five(True, True, False, True, True)])["models"]["m"]  # type: ignore[index]
    assert "program_only" not in m and m["official"]["SSR"] == pytest.approx(0.4)
