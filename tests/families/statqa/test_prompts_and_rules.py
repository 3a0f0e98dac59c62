"""Prompt assembly (strategies, column lines, seeded demonstrations) and the applicability rules."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pytest_llmbench.families.statqa import methods as m
from pytest_llmbench.families.statqa import rules
from pytest_llmbench.families.statqa.prompts import (
    STRATEGIES,
    build_prompt,
    choose_demonstrations,
    column_line,
    generation_params,
)
from pytest_llmbench.families.statqa.scorers import score_reply
from pytest_llmbench.families.statqa.source import METADATA_DIR, load_column_metadata
from pytest_llmbench.families.statqa.wording import (
    DEMONSTRATIONS,
    INSTRUCTION,
    RESPONSE,
    TASK_DESCRIPTION,
    knowledge_block,
    method_list,
)

JOB = {
    "dataset": "Jobs",
    "column_header": "job_category",
    "data_type": "cate",
    "column_description": "never shown",
    "num_of_rows": "9355",
    "is_normality": "False",
}
LOR = {**JOB, "column_header": "LOR ", "data_type": "quant", "is_normality": "True"}


def test_column_lines_official_mangles_headers_strict_maps_only_the_type() -> None:
    assert column_line(JOB, "official") == (
        "column_header: job_categoricalgory; data_type: categorical; num_of_rows: 9355; "
        "is_normality: False."
    )
    assert column_line(JOB, "strict").startswith(
        "column_header: job_category; data_type: categorical;"
    )
    line = column_line(LOR, "strict")
    assert (
        line
        == "column_header: LOR ; data_type: quantitative; num_of_rows: 9355; is_normality: True."
    )
    assert "never shown" not in line and "Jobs" not in line
    assert column_line({**JOB, "data_type": "Other"}, "strict").count("data_type: Other;") == 1


def _sections(prompt: str) -> list[str]:
    return [line for line in prompt.splitlines() if line.startswith("### ")]


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_every_strategy_builds_sections_in_the_benchmark_order(strategy: str) -> None:
    demos = choose_demonstrations(strategy, 0, 7)
    prompt = build_prompt(strategy, [column_line(LOR)], "Is it normal?", demos)
    heads = _sections(prompt)
    assert heads[:2] == ["### Task description", "### Instruction"]
    assert heads[-3:] == ["### Column information", "### Statistical question", "### Response"]
    assert len([h for h in heads if h.startswith("### Demonstration")]) == len(demos)
    assert len(demos) == {"zero-shot": 0, "zero-shot-CoT": 0, "two-shot": 2}.get(strategy, 1)
    assert ("step by step" in prompt) == strategy.endswith("CoT")
    assert prompt.rstrip().endswith("The answer, as one JSON object, follows.")
    assert generation_params(strategy)["max_tokens"] == (1024 if "CoT" in strategy else 256)
    assert '"columns"' in prompt and '"methods"' in prompt
    listing = knowledge_block() if strategy == "stats-prompt" else method_list()
    assert listing in prompt
    assert all(name in prompt for name in m.ALL_METHODS)


def test_cot_demonstrations_carry_a_worked_explanation() -> None:
    plain = build_prompt("one-shot", [], "q", ["variance"])
    cot = build_prompt("one-shot-CoT", [], "q", ["variance"])
    assert "Mood's and Levene's tests always apply" in cot
    assert "Mood's and Levene's tests always apply" not in plain


def test_demonstrations_are_seeded_per_item() -> None:
    draws = [choose_demonstrations("one-shot", 3, i) for i in range(40)]
    assert draws == [choose_demonstrations("one-shot", 3, i) for i in range(40)]
    assert len(set(draws)) == 5  # all five examples get used
    assert draws != [choose_demonstrations("one-shot", 4, i) for i in range(40)]
    pair = choose_demonstrations("two-shot", 3, 1)
    assert len(set(pair)) == 2


def test_unknown_strategy_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown prompt strategy"):
        build_prompt("three-shot", [], "q")


def test_demonstration_answers_follow_the_rules_and_pass_the_scorer() -> None:
    expected = {
        "correlation": rules.correlation(120)[0],
        "contingency": [m.CHI_SQUARE, m.FISHER],
        "distribution": rules.normality(35)[0],
        "variance": [m.MOOD, m.LEVENE, m.BARTLETT, m.F_TEST],
        "descriptive": ["Median"],
    }
    for demo in DEMONSTRATIONS:
        assert sorted(demo.methods) == sorted(expected[demo.id])
        gold = demo.answer_json()
        assert score_reply(gold, demo.render(cot=True), "strict").passed


# --- applicability rules (spec §10) -----------------------------------------------------------


def test_correlation_rules() -> None:
    assert rules.correlation(50) == ([m.PEARSON, m.SPEARMAN, m.KENDALL], "easy")
    assert rules.correlation(49) == ([m.KENDALL], "hard")
    assert rules.correlation(20, control=True) == ([m.PARTIAL], "easy")


def test_contingency_rules() -> None:
    assert rules.contingency([[20, 20], [20, 20]]) == ([m.CHI_SQUARE, m.FISHER], "easy")
    assert rules.contingency([[9, 2], [3, 1]]) == ([m.FISHER], "hard")
    assert rules.contingency([[20, 20], [20, 20], [20, 20]]) == ([m.CHI_SQUARE], "hard")
    assert rules.contingency([[1, 1]], strata=True) == ([m.MANTEL_HAENSZEL], "easy")
    with pytest.raises(rules.NotApplicable):
        rules.contingency([[9, 1, 1], [9, 1, 1]])  # not 2x2 and expected counts too small
    with pytest.raises(rules.NotApplicable):
        rules.contingency([[5, 5]])


def test_cochran_rule_boundaries() -> None:
    assert rules.expected_counts([[10, 30], [10, 30]]) == [[10.0, 30.0], [10.0, 30.0]]
    # 10 cells: two (20 %) below 5 are allowed, four (40 %) are not; a cell below 1 is fatal.
    assert rules.chi_square_applicable([[3, 20, 20, 20, 20], [3, 20, 20, 20, 20]])
    assert not rules.chi_square_applicable([[3, 3, 20, 20, 20], [3, 3, 20, 20, 20]])
    assert not rules.chi_square_applicable([[0, 200, 200], [1, 200, 200]])


def test_normality_rules_avoid_the_undocumented_boundary() -> None:
    assert rules.normality(49) == ([m.ANDERSON_DARLING, m.SHAPIRO_WILK, m.KS_NORMAL], "hard")
    assert rules.normality(51) == ([m.ANDERSON_DARLING, m.LILLIEFORS, m.KS_NORMAL], "hard")
    with pytest.raises(rules.NotApplicable, match="n = 50"):
        rules.normality(50)


def test_variance_rules() -> None:
    rng = random.Random(5)
    normal_a = [round(rng.gauss(50, 5), 1) for _ in range(40)]
    normal_b = [round(rng.gauss(60, 7), 1) for _ in range(40)]
    skewed = [round(1 + rng.expovariate(0.1), 1) for _ in range(40)]
    assert rules.variance(normal_a, normal_b) == ([m.MOOD, m.LEVENE, m.BARTLETT, m.F_TEST], "easy")
    assert rules.variance(normal_a, skewed) == ([m.MOOD, m.LEVENE], "hard")
    with pytest.raises(rules.NotApplicable):
        rules.variance([*normal_a, 0.0], normal_b)
    with pytest.raises(rules.NotApplicable):
        rules.variance([3.0] * 10, normal_b)
    with pytest.raises(rules.NotApplicable):
        rules.variance([*normal_a, float("inf")], normal_b)


NEAR_NORMAL = [12.1, 9.8, 10.4, 11.0, 10.9, 9.5, 10.2, 10.0, 11.3, 9.9, 10.6, 10.1, 8.9, 10.8]
NEAR_NORMAL += [11.7, 10.3, 9.7, 10.5, 10.0, 9.6]


@pytest.mark.parametrize(
    ("sample", "a2", "critical"),
    [  # (A², 5 % critical value) as scipy.stats.anderson (1.17) gives them for these samples
        ([1.0, 2.0, 2.5, 3.0, 3.1, 4.0, 4.5, 5.0, 7.0, 9.0], 0.3181325686078331, 0.685),
        ([1, 1, 1, 1, 1, 1, 1, 1, 2, 30], 3.07269712251939, 0.685),
        (
            NEAR_NORMAL,
            0.2294429339246129,
            0.721,
        ),
    ],
)
def test_anderson_darling_matches_scipy(sample: list[float], a2: float, critical: float) -> None:
    got_a2, got_critical = rules.anderson_darling_normal(sample)
    assert got_a2 == pytest.approx(a2, abs=1e-9)
    assert got_critical == critical
    assert rules.is_normal(sample) == (a2 < critical)


# --- own wording: the same task as the official prompts, no extra hints ------------------------


def test_own_instruction_names_no_prerequisite_the_official_one_does_not() -> None:
    """The official instruction asks for every applicable method and stops there; a hint to
    leave out methods whose prerequisites fail told the model where the task is hard."""
    prompt = build_prompt("zero-shot", [], "Is it normal?")
    fixed = "\n".join((TASK_DESCRIPTION, INSTRUCTION, RESPONSE)).lower()
    assert INSTRUCTION in prompt and TASK_DESCRIPTION in prompt
    for word in (
        "prerequisite",
        "sample size",
        "normally",
        "table shape",
        "leave out",
        "strata ta",
    ):
        assert word not in fixed
    assert "all applicable methods" in prompt


def test_own_domain_knowledge_states_no_threshold_behind_the_gold() -> None:
    """The gold sets were built from row counts, expected cell counts and table shapes (spec
    §10); the 1-shot+DK block says what each method is for, never those cut-offs."""
    block = knowledge_block()
    assert not any(ch.isdigit() for ch in block), block
    for giveaway in ("alone", " only", "rows", "expected count", "2x2", "2×2"):
        assert giveaway not in block
    assert all(name in block for name in m.ALL_METHODS)
    assert "small samples" in block and "normally distributed" in block


def test_column_metadata_prints_as_pandas_prints_it(tmp_path: Path) -> None:
    """Upstream reads the metadata with pandas and prints each value: a column's type comes
    from all its cells, a missing cell prints nan and turns integers into floats."""
    pd = pytest.importorskip("pandas")
    folder = tmp_path / METADATA_DIR
    folder.mkdir(parents=True)
    text = (
        "dataset,column_header,data_type,column_description,num_of_rows,is_normality,extra\n"
        "T,NA,cate,,12,TRUE,007\n"
        "T,LOR ,quant,d,,false,1.50\n"
        "T,2019,Other,d,3,True,x\n"
    )
    (folder / "T_col_meta.csv").write_text(text, encoding="utf-8")
    ours = load_column_metadata(tmp_path, "T")
    frame = pd.read_csv(folder / "T_col_meta.csv")
    theirs = [{h: str(frame.iloc[i][h]) for h in frame.columns} for i in range(len(frame))]
    assert ours == theirs
    assert ours[1]["num_of_rows"] == "nan" and ours[0]["num_of_rows"] == "12.0"
    assert column_line(ours[0]) == (
        "column_header: nan; data_type: categorical; num_of_rows: 12.0; is_normality: True; "
        "extra: 007."
    )
