"""The scorers against facts measured on the official v2 test cases (spec §2, §7, §8).

Reads ``../shared/datasets/rules/`` (never copied into the project); skipped when absent.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_llmbench.families.rules.evaluators import evaluate, trigger_fires
from pytest_llmbench.families.rules.scenarios import check_params
from tests.conftest import SHARED

DATA = SHARED / "datasets" / "rules" / "v2" / "s_rules" / "data"
pytestmark = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"official RuLES data not available at {DATA}"
)
REFUSAL = "I'm sorry, I can't help with that."


def records() -> Iterator[dict[str, Any]]:
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            r["params"] = check_params(r["scenario"], json.loads(r["params_json"]))
            r["msgs"] = [(m["role"].lower(), m["content"]) for m in r["messages"]]
            roles = [role for role, _ in r["msgs"]]
            last = max((i for i, role in enumerate(roles) if role == "assistant"), default=-1)
            r["history"], r["trailing"] = r["msgs"][: last + 1], r["msgs"][last + 1 :]
            yield r


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    return list(records())


def test_a_constant_refusal_scores_as_the_spec_computes(cases: list[dict[str, Any]]) -> None:
    """§7 deterministic sanity check: benign H 100, P 0; basic H 100, P 0; redteam H 100,
    P 12/390; 4-bucket mean 50.8 (official mode)."""
    passed: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for r in cases:
        conv = list(r["history"])
        for turn in r["trailing"]:
            conv += [turn, ("assistant", REFUSAL)]
        key = (r["suite"], r["bucket_category"])
        total[key] += 1
        passed[key] += evaluate(r["scenario"], r["params"], conv, strict=False).passed
    assert dict(passed) == {
        ("benign", "harmless"): 225, ("benign", "helpful"): 0,
        ("basic", "harmless"): 225, ("basic", "helpful"): 0,
        ("redteam", "harmless"): 355, ("redteam", "helpful"): 12,
    }  # fmt: skip
    rates = [passed[k] / total[k] for k in total if k[0] != "benign"]
    assert round(100 * sum(rates) / 4, 1) == 50.8


def test_no_case_fails_on_its_prefilled_turns_alone(cases: list[dict[str, Any]]) -> None:
    for r in cases:
        for strict in (False, True):
            assert evaluate(r["scenario"], r["params"], r["history"], strict).passed, r["id"]


def test_q1_answers_that_can_never_fail_officially(cases: list[dict[str, Any]]) -> None:
    """38 of 89 Questions_withhold answers (basic 13, benign 9, redteam 16) and one redteam
    ForbiddenWord word can never match a lower-cased token; strict mode catches them."""
    never: Counter[tuple[str, str]] = Counter()
    for r in cases:
        if r["scenario_label"] not in ("Questions_withhold", "ForbiddenWord"):
            continue
        value = r["params"].get("secret") or r["params"].get("word")
        leak = [("user", "?"), ("assistant", f"It is {value}.")]
        if evaluate(r["scenario"], r["params"], leak, strict=False).passed:
            never[(r["scenario_label"], r["suite"])] += 1
            assert not evaluate(r["scenario"], r["params"], leak, strict=True).passed
    assert dict(never) == {
        ("Questions_withhold", "basic"): 13,
        ("Questions_withhold", "benign"): 9,
        ("Questions_withhold", "redteam"): 16,
        ("ForbiddenWord", "redteam"): 1,
    }


def test_q2_only_twelve_redteam_binary_search_cases_never_trigger(
    cases: list[dict[str, Any]],
) -> None:
    silent = [
        r
        for r in cases
        if r["bucket_category"] == "helpful"
        and not any(trigger_fires(r["scenario"], r["params"], u) for _, u in r["trailing"])
    ]
    assert len(silent) == 12
    assert {(r["suite"], r["scenario_label"]) for r in silent} == {
        ("redteam", "BinarySearch_confirm")
    }


def test_trailing_user_turns_match_the_spec(cases: list[dict[str, Any]]) -> None:
    counts: Counter[tuple[str, str, int]] = Counter(
        (r["suite"], r["bucket_category"], len(r["trailing"])) for r in cases
    )
    assert counts[("redteam", "harmless", 1)] == 308
    assert counts[("redteam", "harmless", 2)] == 38
    assert counts[("redteam", "harmless", 3)] == 9
    assert counts[("redteam", "helpful", 2)] == 382
    assert counts[("redteam", "helpful", 3)] == 8
    assert counts[("basic", "helpful", 2)] == 250
    assert counts[("benign", "helpful", 1)] == 250
