"""``llmbench generate distractors``: fresh two-hop items over invented entities.

Each item is built like the benchmark's: a gold chain (2 paragraphs) among 8 unrelated filler
paragraphs is the *original*; the *adversarial* twin replaces some fillers in place with the
paragraphs of fake chains that answer a minimally altered question.  The settings mirror the
data files (entity type × related × number of fakes, and "second sub-question only").  Everything
comes from one ``random.Random(seed)``, so a seed reproduces the suite byte for byte.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from pytest_llmbench.provenance import Origin, Provenance
from pytest_llmbench.scoring.api import SCORING_MODES
from pytest_llmbench.suite_writer import dump_suite

from .fillers import fillers
from .metrics import score_reply
from .names import NameMaker
from .prompt import render_context, user_message
from .suitefile import DEFAULT_THRESHOLD, scenario, suite_document
from .templates import TEMPLATES, Chain, Template, make_chain

# Which fake paragraphs each setting inserts: (fake chain, hop).  "related" settings insert
# whole chains; unrelated ones mix chains; "same_type" inserts only answer-bearing hop-2s.
COMPOSITIONS: dict[str, tuple[tuple[int, int], ...]] = {
    "True_2": ((0, 1), (0, 2)),
    "True_4": ((0, 1), (0, 2), (1, 1), (1, 2)),
    "False_1": ((0, 2),),
    "False_2": ((0, 1), (1, 2)),
    "False_2_same_type": ((0, 2), (1, 2)),
}
SETTINGS = tuple(f"{kind}_{comp}" for kind in ("named", "other") for comp in COMPOSITIONS)
PARAGRAPHS = 10
# A suite of the project's own: invented entities, its own prompt and decoding.
PROVENANCE = Provenance(
    wording=Origin("own", note="the project's own prompt and demonstrations (docs/distractors.md)"),
    data=Origin("own", note="invented entities and template paragraphs"),
    decoding=Origin("own", note="temperature 0, max_tokens 512"),
    benchmark="distractors",
)


@dataclass(frozen=True)
class Item:
    index: int
    setting: str
    template: str
    gold: Chain
    fakes: tuple[Chain, ...]
    original: tuple[str, ...]
    adversarial: tuple[str, ...]
    distractor_answers: tuple[str, ...]  # final answers of fake chains present in the context


def _fake_chains(
    t: Template, nm: NameMaker, kind: str, gold: Chain, facts: dict[str, str], mods: list[str]
) -> tuple[Chain, ...]:
    out = []
    for other_mod in mods[1:3]:
        if kind == "named":  # another invented entity of the same kind, same modifier
            anchor, anchor_facts = t.anchor(nm)
            out.append(make_chain(t, nm, anchor, anchor_facts, gold.modifier))
        else:  # the same anchor with a different modifier ("second" for "first")
            out.append(make_chain(t, nm, gold.anchor, facts, other_mod))
    return tuple(out)


def make_item(index: int, setting: str, rng: random.Random, nm: NameMaker) -> Item:
    nm.new_item()
    kind, comp = setting.split("_", 1)
    t = TEMPLATES[index % len(TEMPLATES)]
    anchor, facts = t.anchor(nm)
    mods = t.modifiers(nm)
    gold = make_chain(t, nm, anchor, facts, mods[0])
    fakes = _fake_chains(t, nm, kind, gold, facts, mods)
    slots = list(range(PARAGRAPHS))
    rng.shuffle(slots)
    gold_slots, filler_slots = slots[:2], sorted(slots[2:])
    paragraphs = [""] * PARAGRAPHS
    paragraphs[gold_slots[0]], paragraphs[gold_slots[1]] = gold.hop1, gold.hop2
    for slot, text in zip(filler_slots, fillers(nm, len(filler_slots)), strict=True):
        paragraphs[slot] = text
    adversarial = list(paragraphs)
    inserted = COMPOSITIONS[comp]
    # Fakes take random non-gold positions, in place: still 10 paragraphs, same gold slots.
    for slot, (chain, hop) in zip(rng.sample(filler_slots, len(inserted)), inserted, strict=True):
        adversarial[slot] = fakes[chain].hop1 if hop == 1 else fakes[chain].hop2
    present = tuple(dict.fromkeys(fakes[c].answer for c, hop in inserted if hop == 2))
    return Item(index, setting, t.key, gold, fakes, tuple(paragraphs), tuple(adversarial), present)


def generate(seed: int, n: int) -> list[Item]:
    rng = random.Random(seed)
    nm = NameMaker(rng)
    return [make_item(k, SETTINGS[k % len(SETTINGS)], rng, nm) for k in range(n)]


def _cot(chain: Chain, bridge: str, answer: str) -> str:
    return (
        f"Sub-question 1: {chain.sub1}\nAnswer 1: {bridge}.\n"
        f"Sub-question 2: {chain.sub2.replace(chain.bridge, bridge)}\nAnswer 2: {answer}.\n"
        f"Final Answer: {answer}"
    )


def references(item: Item, version: str) -> tuple[list[str], list[str]]:
    """Pass replies (the gold answer, bare, after a chain of thought, self-corrected or in
    markdown) and plausible wrong ones (the distractor chain's answer, the bridge entity)."""
    g, decoy = item.gold, (item.distractor_answers or (item.fakes[0].answer,))[0]
    passes = [f"Final Answer: {g.answer}", _cot(g, g.bridge, g.answer)]
    # A paraphrase (issue #20): reasoning in prose and the label in lower case.
    passes.append(
        f"Working through both hops: the first leads to {g.bridge}, and that gives "
        f"{g.answer}.\n\nfinal answer: {g.answer}"
    )
    fails = [f"Final Answer: {decoy}", f"Final Answer: {g.bridge}"]
    if version == "adversarial":
        passes.append(
            f"Final Answer: {decoy}\nOn re-reading, that paragraph answers a different "
            f"question.\nFinal Answer: {g.answer}"
        )
        # Following a whole fake chain, or the gold bridge to a fake answer-bearing paragraph.
        fake = next((c for c in item.fakes if c.answer == decoy), item.fakes[0])
        related = "True" in item.setting
        fails.append(_cot(g, fake.bridge if related else g.bridge, decoy))
    else:
        passes.append(f"**Final answer:** {g.answer}")
        fails.append("The context does not say who or where that was.")
    return passes, fails


def _check(item: Item, passes: list[str], fails: list[str], threshold: float) -> None:
    """Generated references must be right by construction; a failure here is a generator bug
    (e.g. a wrong answer sharing a token with the gold one), not something to ship."""
    for mode in SCORING_MODES:
        for reply, should_pass in [(p, True) for p in passes] + [(f, False) for f in fails]:
            f1 = score_reply(reply, item.gold.answer, mode)["f1"]
            assert isinstance(f1, float)
            if (f1 >= threshold) != should_pass:
                raise AssertionError(f"item {item.index}: reference {reply!r} scores F1 {f1}")


def build_suite(seed: int, n: int, threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    scenarios = []
    for item in generate(seed, n):
        base = {
            "source": "generated",
            "seed": seed,
            "setting": item.setting,
            "entity_type": item.setting.split("_")[0],
            "related": "True" in item.setting,
            "fakes": len(COMPOSITIONS[item.setting.split("_", 1)[1]]),
            "same_type": item.setting.endswith("same_type"),
            "template": item.template,
            "pair_id": f"seed{seed}/{item.index:03d}",
            "answer": item.gold.answer,
            "bridge": item.gold.bridge,
        }
        for version, paragraphs in (("original", item.original), ("adversarial", item.adversarial)):
            passes, fails = references(item, version)
            _check(item, passes, fails, threshold)
            meta = {**base, "version": version}
            if version == "adversarial":
                meta["fake_answers"] = list(item.distractor_answers)
            scenarios.append(
                scenario(
                    f"{item.index:03d}-{item.template}-{item.setting}-{version[:3]}",
                    user_message(render_context(paragraphs), item.gold.question),
                    meta,
                    tags=[version],
                    passes=passes,
                    fails=fails,
                )
            )
    return suite_document(
        suite="distractors",
        description=(
            "Two-hop questions over invented entities with seemingly plausible distractor chains "
            "(generated; each question as an original and an adversarial item)."
        ),
        source=f"llmbench generate distractors --seed {seed} --n {n}",
        license="Apache-2.0",
        citation="Method after Bhuiya, Schlegel, Winkler, EMNLP 2024 (arXiv:2409.05197).",
        threshold=threshold,
        scenarios=scenarios,
        metadata={"seed": seed, "n": n},
        provenance=PROVENANCE,
    )


def suite_text(seed: int, n: int, threshold: float = DEFAULT_THRESHOLD) -> str:
    command = f"llmbench generate distractors --seed {seed} --n {n}"
    header = (
        f"Generated by `{command}`; do not edit by hand.\n"
        "Every entity is invented, so no model can answer from memory."
    )
    return dump_suite(build_suite(seed, n, threshold), header)
