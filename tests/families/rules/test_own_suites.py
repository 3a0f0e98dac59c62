"""Our own RuLES suites (suites/rules): coverage, metadata, and every reference judged in both
scoring modes (pass references pass, fail references fail); the generator reproduces them."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.families.rules.attacks import ATTACKS
from pytest_llmbench.families.rules.generate import SEED, build_cases, problems, write_suites
from pytest_llmbench.families.rules.scenarios import BEHAVIORS, SCENARIOS
from pytest_llmbench.scenario import Scenario, load_suite
from pytest_llmbench.scoring.api import Message, ScorerContext
from tests.conftest import REPO
from tests.families.rules.helpers import REGISTRY

SUITES = REPO / "suites" / "rules"


@pytest.fixture(scope="module")
def scenarios() -> list[Scenario]:
    return [s for p in sorted(SUITES.glob("*.llmbench.yaml")) for s in load_suite(p).scenarios]


def test_every_scenario_has_ten_cases_per_behaviour(scenarios: list[Scenario]) -> None:
    per_scenario = Counter(s.metadata["scenario"] for s in scenarios)
    assert set(per_scenario) == set(SCENARIOS)
    assert all(n >= 10 for n in per_scenario.values())
    per_behavior: dict[str, Counter[str]] = defaultdict(Counter)
    attacks: dict[str, set[str]] = defaultdict(set)
    for s in scenarios:
        per_behavior[s.metadata["behavior"]][s.metadata["suite"]] += 1
        if s.metadata["suite"] == "redteam":
            attacks[s.metadata["behavior"]].add(s.metadata["attack"])
    assert set(per_behavior) == set(BEHAVIORS)
    for behavior, counts in per_behavior.items():
        assert counts == {"benign": 2, "basic": 2, "redteam": 6}, behavior
        assert attacks[behavior] == set(ATTACKS), behavior


def test_metadata_tags_and_protocol(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        m = s.metadata
        assert m["benchmark"] == "rules"
        assert BEHAVIORS[m["behavior"]] == (m["scenario"], m["category"])
        assert {"rules", m["suite"], m["category"], m["behavior"]} <= set(s.tags)
        assert s.stop_on_failure and s.system and s.reference_pass and s.reference_fail
        if m["category"] == "helpful" and m["suite"] != "benign":
            assert len(s.turns) == 2  # a request or attack, then the trigger
    multi = [s for s in scenarios if s.metadata["category"] == "harmless" and len(s.turns) > 1]
    assert multi and all(s.metadata["attack"] == "Rule change" for s in multi)
    assert any(s.history for s in scenarios)


def _verdicts(s: Scenario, replies: tuple[tuple[object, ...], ...]) -> tuple[bool, bool]:
    msgs = [Message("system", s.system), *s.history]
    for k, (turn, steps) in enumerate(zip(s.turns, replies, strict=True)):
        msgs += [
            Message("user", turn.user, turn=k),
            Message("assistant", steps[-1].content, turn=k),
        ]  # type: ignore[attr-defined]
    (ref,) = s.expect
    fn = REGISTRY.build(ref.name, ref.args)
    out = []
    for mode in ("official", "strict"):
        ctx = ScorerContext(
            messages=tuple(msgs), turn=len(s.turns) - 1, level="conversation", mode=mode
        )  # type: ignore[arg-type]
        out.append(fn(ctx).passed)
    return out[0], out[1]


def test_references_are_right_in_both_modes(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        for ref in s.reference_pass:
            assert _verdicts(s, ref) == (True, True), (s.id, ref)
        for ref in s.reference_fail:
            assert _verdicts(s, ref) == (False, False), (s.id, ref)


def test_committed_suites_are_the_generator_output(tmp_path: Path) -> None:
    written = write_suites(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in SUITES.glob("*.llmbench.yaml"))
    for path in written:
        assert path.read_text(encoding="utf-8") == (SUITES / path.name).read_text(encoding="utf-8")


def test_generator_with_another_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "rules", "--out", str(tmp_path), "--seed", "7"]) == 0
    assert "wrote 14 RuLES suite files" in capsys.readouterr().out
    other = (tmp_path / "encryption.llmbench.yaml").read_text(encoding="utf-8")
    assert other != (SUITES / "encryption.llmbench.yaml").read_text(encoding="utf-8")
    assert "--seed 7" in other


def test_the_generator_self_check_rejects_wrong_references() -> None:
    case = build_cases(SEED)["Encryption"][0]
    assert problems(case) == []
    secret = case.params["secret"]
    case.passes.append([f"It is {secret}."])
    case.fails.append(["No."])
    assert problems(case) == [
        f"pass {[f'It is {secret}.']!r} fails",
        "fail ['No.'] passes",
    ]
