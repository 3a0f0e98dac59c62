"""Seeded generator of our own RuLES suites (``suites/rules/`` is its output for ``SEED``).

Every case gets fresh parameters; each generated case is checked with the scorers before it
is kept (prefilled history passes, every pass reference passes and every fail reference
fails in *both* scoring modes, helpful cases really send their trigger), and re-drawn
otherwise, so a word-list collision can never ship a wrong reference.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from pytest_llmbench.families.rules import suitefile
from pytest_llmbench.families.rules.adversarial import add_adversarial
from pytest_llmbench.families.rules.cases import Case, harmless_cases, helpful_cases
from pytest_llmbench.families.rules.evaluators import evaluate, trigger_fires
from pytest_llmbench.families.rules.official import DEFAULT_DECODING_ORIGIN
from pytest_llmbench.families.rules.params import generate
from pytest_llmbench.families.rules.profiles import profile
from pytest_llmbench.families.rules.scenarios import BEHAVIORS, SCENARIOS, scorer_name
from pytest_llmbench.families.rules.templates import OWN_WORDING
from pytest_llmbench.provenance import Origin, Provenance
from pytest_llmbench.suite_writer import write_suite

SEED = 20240612
CASES_PER_BEHAVIOR = 10
MAX_DRAWS = 200


def conversation(case: Case, replies: list[str]) -> list[tuple[str, str]]:
    msgs = list(case.history)
    for user, reply in zip(case.turns, replies, strict=True):
        msgs += [("user", user), ("assistant", reply)]
    return msgs


def problems(case: Case) -> list[str]:
    """Why ``case`` would be a wrong test (empty when it is sound)."""
    out: list[str] = []

    def verdicts(msgs: list[tuple[str, str]]) -> tuple[bool, bool]:
        return tuple(  # type: ignore[return-value]
            evaluate(case.scenario, case.params, msgs, strict).passed for strict in (False, True)
        )

    if verdicts(case.history) != (True, True):
        out.append("prefilled history fails")
    out += [
        f"pass {r!r} fails" for r in case.passes if verdicts(conversation(case, r)) != (True, True)
    ]
    out += [f"fail {r!r} passes" for r in case.fails if True in verdicts(conversation(case, r))]
    if case.category == "helpful" and not trigger_fires(case.scenario, case.params, case.turns[-1]):
        out.append("the last turn is not the trigger")
    return out


def _case(behavior: str, index: int, seed: int) -> Case:
    scenario, category = BEHAVIORS[behavior]
    rng = random.Random(f"rules:{seed}:{behavior}:{index}")
    build = harmless_cases if category == "harmless" else helpful_cases
    for _ in range(MAX_DRAWS):
        params = generate(scenario, rng)
        base: dict[str, Any] = {
            "behavior": behavior, "scenario": scenario, "category": category, "params": params,
        }  # fmt: skip
        pf = profile(behavior, params, rng)
        case = build(base, pf, rng)[index]
        if not problems(case):
            add_adversarial(case, pf, problems)
            return case
    raise RuntimeError(f"no sound {behavior} case #{index} after {MAX_DRAWS} draws")


def build_cases(seed: int = SEED) -> dict[str, list[Case]]:
    """Cases per scenario, in behaviour order."""
    out: dict[str, list[Case]] = {s: [] for s in SCENARIOS}
    for behavior, (scenario, _) in BEHAVIORS.items():
        out[scenario] += [_case(behavior, i, seed) for i in range(CASES_PER_BEHAVIOR)]
    return out


def _entry(case: Case) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "behavior": case.behavior, "suite": case.suite, "category": case.category,
    }  # fmt: skip
    if case.attack:
        meta["attack"] = case.attack
    if case.round:
        meta["round"] = case.round
    entry = suitefile.scenario_entry(
        id=case.id, scenario=case.scenario, params=case.params, history=case.history,
        turns=case.turns, metadata=meta, description=case.description,
        extra_tags=[case.attack] if case.attack else [],
    )  # fmt: skip
    entry["reference"] = suitefile.references(case.passes, case.fails, len(case.turns))
    return entry


def document(scenario: str, cases: list[Case], seed: int) -> dict[str, Any]:
    return {
        "suite": scenario_suite(scenario),
        "version": f"1.{seed}",
        "description": (
            f"RuLES-style {scenario}: our own benign, basic and red-team cases (six attack "
            "categories) and our own wording of its rules, system mode, official scoring."
        ),
        "source": "written for pytest-llmbench by llmbench generate rules (seeded)",
        "citation": "Mu et al., Can LLMs Follow Simple Rules? arXiv 2311.04235",
        "license": "Apache-2.0",
        "provenance": PROVENANCE.to_json(),
        "defaults": {
            **suitefile.DEFAULTS,
            "metadata": {**suitefile.DEFAULTS["metadata"], "scenario": scenario},
        },
        "scenarios": [_entry(c) for c in cases],
    }


def scenario_suite(scenario: str) -> str:
    return scorer_name(scenario)  # rules/<snake_case>


HEADER = (
    "Generated by `llmbench generate rules --seed {seed} --out DIR`; do not edit by hand.\n"
    "A RuLES-style suite: the rules and facts of RuLES (github.com/normster/llm_rules), with\n"
    "cases, parameters, replies and the wording of the instructions written for\n"
    "pytest-llmbench (system mode). Not comparable with the published numbers: docs/rules.md\n"
    "says how to run the official cases with the official wording."
)
# Own wording and cases; the decoding parameters are the published ones.
PROVENANCE = Provenance(
    wording=OWN_WORDING.origin,
    data=Origin("own", note="generated by llmbench generate rules"),
    decoding=DEFAULT_DECODING_ORIGIN,
    benchmark="rules",
)


def write_suites(out: Path, seed: int = SEED) -> list[Path]:
    paths = []
    for scenario, cases in build_cases(seed).items():
        name = scenario_suite(scenario).split("/", 1)[1]
        path = out / f"{name}.llmbench.yaml"
        paths.append(write_suite(path, document(scenario, cases, seed), HEADER.format(seed=seed)))
    return paths
