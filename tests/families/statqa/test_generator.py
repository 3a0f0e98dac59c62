"""Generated items: deterministic, gold re-derivable from the rows shown, references that work,
and the shipped suite is exactly what the generator gives for its seed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from pytest_llmbench.cli import main
from pytest_llmbench.families.statqa import methods as m
from pytest_llmbench.families.statqa import rules
from pytest_llmbench.families.statqa.generator import VARIANTS, GenItem, generate
from pytest_llmbench.families.statqa.gensuite import FILE_NAME, suite_document, write_generated
from pytest_llmbench.families.statqa.scorers import score_reply
from pytest_llmbench.families.statqa.suitefile import answer_json
from pytest_llmbench.families.statqa.tables import Column, crosstab
from pytest_llmbench.suite_writer import dump_suite
from tests.conftest import REPO

SHIPPED = REPO / "suites" / "statqa" / FILE_NAME
ITEMS = generate(99, 3 * len(VARIANTS))


def _floats(c: Column) -> list[float]:
    return [float(v) for v in c.values]


def _rederive(item: GenItem) -> tuple[list[str], str]:
    """The gold from the rows alone, independently of the generator's intent."""
    cols = {c.header: c for c in item.table}
    rel = [cols[h] for h in item.columns]
    if item.task == m.CORRELATION:
        return rules.correlation(len(rel[0].values), control=len(rel) == 3)
    if item.task == m.CONTINGENCY:
        return rules.contingency(crosstab(rel[0], rel[1]), strata=len(rel) == 3)
    if item.task == m.VARIANCE:
        return rules.variance(_floats(rel[0]), _floats(rel[1]))
    if item.variant.startswith("normality"):
        return rules.normality(len(rel[0].values))
    return list(item.methods), "easy"  # single-method items: the method the question names


@pytest.mark.parametrize("item", ITEMS, ids=[f"{i}-{x.variant}" for i, x in enumerate(ITEMS)])
def test_gold_follows_from_the_rows_shown(item: GenItem) -> None:
    assert (list(item.methods), item.difficulty) == _rederive(item)
    n = len(item.table[0].values)
    assert all(len(c.values) == n for c in item.table) and n != 50
    for c in item.table:
        if c.data_type == "quantitative":
            assert c.normal == rules.is_normal(_floats(c))  # is_normality shown = the check
        else:
            assert c.normal is False
    assert set(item.methods) <= set(m.METHODS_BY_TASK[item.task])
    assert set(item.columns) < {c.header for c in item.table}  # distractor columns exist
    assert item.table[0].data_type == "id"


def test_every_variant_is_covered_with_the_intended_difficulty() -> None:
    seen = Counter((i.variant, i.difficulty) for i in ITEMS)
    assert {v for v, _ in seen} == {v for v, _ in VARIANTS}
    hard = {"correlation-small", "contingency-2x2-sparse", "contingency-rxc", "variance-skewed"}
    for (variant, level), _count in seen.items():
        if variant.startswith("normality") or variant in hard:
            assert level == "hard", variant
        else:
            assert level == "easy", variant


def test_generation_is_deterministic_and_seed_dependent() -> None:
    assert dump_suite(suite_document(5, 14)) == dump_suite(suite_document(5, 14))
    assert dump_suite(suite_document(5, 14)) != dump_suite(suite_document(6, 14))


def test_references_pass_and_fail_as_documented() -> None:
    doc = suite_document(99, 2 * len(VARIANTS))
    for sc in doc["scenarios"]:
        args = sc["expect"][0]["statqa/answer"]
        gold = answer_json(args["columns"], args["methods"])
        for mode in ("official", "strict"):
            assert all(score_reply(gold, r, mode).passed for r in sc["reference"]["pass"])
            fails = [score_reply(gold, r, mode) for r in sc["reference"]["fail"]]
            assert not any(f.passed for f in fails)
            # one fail reference gets the methods wrong, the other the columns
            assert [f.metadata["columns_score"] for f in fails] == [1, 0]
            assert [f.metadata["methods_score"] for f in fails] == [0, 1]


def test_prompt_embeds_the_table_as_csv() -> None:
    sc = suite_document(3, 1)["scenarios"][0]
    prompt = sc["user"]
    assert "### Table data (CSV)" in prompt and "its rows as CSV" in prompt
    assert prompt.index("### Column information") < prompt.index("### Table data (CSV)")
    assert prompt.index("### Table data (CSV)") < prompt.index("### Statistical question")
    rows = prompt.split("### Table data (CSV)\n")[1].split("\n###")[0].splitlines()
    assert len(rows) == sc["metadata"]["num_of_rows"] + 1


def test_shipped_suite_is_the_generator_output_for_its_seed() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    seed, n = doc["defaults"]["metadata"]["seed"], len(doc["scenarios"])
    assert doc["defaults"]["metadata"]["benchmark"] == "statqa"
    assert f"--seed {seed} --n {n} " in text.splitlines()[0]
    assert doc == yaml.safe_load(dump_suite(suite_document(seed, n)))
    assert {s["metadata"]["variant"] for s in doc["scenarios"]} == {v for v, _ in VARIANTS}


def test_shipped_suite_is_byte_for_byte_what_the_generator_writes(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    seed, n = doc["defaults"]["metadata"]["seed"], len(doc["scenarios"])
    assert write_generated(tmp_path, seed, n).read_text(encoding="utf-8") == text


def test_generate_command_writes_a_valid_suite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "statqa", "--seed", "4", "--n", "3", "--out", str(tmp_path)]) == 0
    assert "3 generated item(s)" in capsys.readouterr().out
    assert main(["validate", str(tmp_path / FILE_NAME)]) == 0
    assert main(["generate", "statqa", "--seed", "4", "--n", "0", "--out", str(tmp_path)]) == 2
