"""Generated items: deterministic, built like the benchmark, references right by construction."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pytest_llmbench.cli import main
from pytest_llmbench.families.distractors.generator import (
    COMPOSITIONS,
    SETTINGS,
    generate,
    suite_text,
)
from pytest_llmbench.families.distractors.metrics import normalize_answer
from pytest_llmbench.families.distractors.prompt import DEMO_NAMES
from pytest_llmbench.scenario import load_suite
from pytest_llmbench.scoring.api import Message, ScorerContext
from pytest_llmbench.scoring.registry import ScorerRegistry
from tests.conftest import REPO

SHIPPED = sorted((REPO / "suites" / "distractors").glob("*.llmbench.yaml"))


def test_shipped_suite_is_reproducible_from_its_seed() -> None:
    assert SHIPPED, "suites/distractors has no suite file"
    for path in SHIPPED:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))["metadata"]
        assert path.read_text(encoding="utf-8") == suite_text(meta["seed"], meta["n"])


def test_same_seed_same_items_other_seed_other_items() -> None:
    assert generate(7, 4) == generate(7, 4)
    assert generate(7, 4)[0].gold != generate(8, 4)[0].gold


@pytest.fixture(scope="module")
def items():  # type: ignore[no-untyped-def]
    return generate(11, 2 * len(SETTINGS))


def test_every_setting_and_paragraph_layout(items) -> None:  # type: ignore[no-untyped-def]
    assert {it.setting for it in items} == set(SETTINGS)
    for it in items:
        comp = it.setting.split("_", 1)[1]
        assert len(it.original) == len(it.adversarial) == 10
        changed = [i for i in range(10) if it.original[i] != it.adversarial[i]]
        assert len(changed) == len(COMPOSITIONS[comp])  # replaced in place
        for hop in (it.gold.hop1, it.gold.hop2):
            assert it.original.index(hop) == it.adversarial.index(hop)  # gold untouched
            assert it.original.index(hop) not in changed
        context = "\n".join(it.adversarial)
        assert it.distractor_answers
        for decoy in it.distractor_answers:
            assert decoy in context and decoy not in "\n".join(it.original)
            assert decoy != it.gold.answer


def test_distractor_chains_alter_one_detail(items) -> None:  # type: ignore[no-untyped-def]
    for it in items:
        for fake in it.fakes:
            assert fake.bridge != it.gold.bridge and fake.answer != it.gold.answer
            if it.setting.startswith("named"):  # another invented entity, same modifier
                assert fake.anchor != it.gold.anchor and fake.modifier == it.gold.modifier
            else:  # same entity, another modifier ("second" for "first", another year...)
                assert fake.anchor == it.gold.anchor and fake.modifier != it.gold.modifier
            assert fake.question != it.gold.question


def test_entities_are_invented(items) -> None:  # type: ignore[no-untyped-def]
    answers = [normalize_answer(it.gold.answer) for it in items]
    assert len(set(answers)) == len(answers)
    for it in items:
        words = set(normalize_answer(it.gold.answer + " " + it.gold.bridge).split())
        assert not words & DEMO_NAMES  # the prompt's demonstrations never leak an answer


def test_shipped_references_pass_and_fail_the_scorer() -> None:
    registry = ScorerRegistry()
    checked = 0
    for path in SHIPPED:
        for sc in load_suite(path).scenarios:
            assert sc.metadata["benchmark"] == "distractors"
            assert {"pair_id", "version", "setting", "answer"} <= set(sc.metadata)
            (ref,) = sc.expect
            assert ref.name == "distractors/f1" and "threshold" in ref.args
            score = registry.build(ref.name, ref.args)
            for replies, want in ((sc.reference_pass, True), (sc.reference_fail, False)):
                assert replies
                for conv in replies:
                    text = conv[0][-1].content or ""  # single turn: its last step's text
                    for mode in ("official", "strict"):
                        ctx = ScorerContext(
                            messages=[Message("user", "q"), Message("assistant", text)],
                            turn=0,
                            mode=mode,
                            metadata=sc.metadata,
                        )
                        assert score(ctx).passed is want, (sc.id, text)
            checked += 1
    assert checked >= 40


def test_cli_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "distractors", "--seed", "3", "--n", "2"]) == 0
    printed = capsys.readouterr().out
    assert printed == suite_text(3, 2)
    args = ["generate", "distractors", "--seed", "3", "--n", "2", "--out", str(tmp_path)]
    assert main([*args, "--threshold", "0.7"]) == 0
    (path,) = tmp_path.glob("*.llmbench.yaml")
    suite = load_suite(path)
    assert len(suite.scenarios) == 4
    assert suite.scenarios[0].expect[0].args == {"threshold": 0.7}
