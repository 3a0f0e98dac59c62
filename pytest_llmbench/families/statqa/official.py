"""StatQA official-wording mode: the prompts of the user's checkout of HKUSTDial/StatQA.

Read by static parsing, never executed: the text constants of ``prompt_wording.py``, and from
``Construction/prompt_organization.py`` the function that assembles a prompt — its ``if``
chain on the strategy name (one branch per strategy), each branch's ``+`` chain of literal
section markers and constants, and the demonstration pools it draws from. This module fills
the chain's run-time pieces as that function does (documented in docs/statqa.md): the item's
question, the table's column lines (``prompts.column_line`` in official mode: every metadata
field but the dataset and the description, upstream's ``cate``/``quant`` substring
replacement), and the drawn demonstrations.

Upstream draws demonstrations unseeded (``random.choice`` / ``random.sample``), so its exact
prompts cannot be rebuilt; here each item's draw comes from a generator seeded with (seed,
item index) and is recorded in the scenario's metadata by the constants' names.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_llmbench.official_source import Checkout, OfficialSourceError
from pytest_llmbench.official_values import CallValue, Ref, Template
from pytest_llmbench.provenance import Origin

BENCHMARK = "StatQA (github.com/HKUSTDial/StatQA)"
WORDING = "prompt_wording.py"
ASSEMBLY = "Construction/prompt_organization.py"
FUNCTION = "prompt_organization"
STRATEGY_ARG = "trick"
RESULT = "organized_prompt"
# The run-time pieces of the assembly, by the names the function gives them.
QUESTION = "refined_question"
COLUMN_LINES = "'\\n'.join(meta_info_list)"
DRAWS = ("choice", "sample")  # random.choice(pool) / random.sample(pool, k)
# The files at the upstream commit this assembly was checked against (31ca981, 2024-10-10).
CHECKED_REVISION = "31ca981b9d8dbf7423e5bfc07d7ba4374b3544cd"
CHECKED_SHA256 = {
    WORDING: "02cd071564bc7d6d2ad447c4c7c4c4f1930de34912733bce619d133cb0f3bc02",
    ASSEMBLY: "d8257a9da990136d67c05d2fc4c2afdda85a8935cf892d0c9f79b947ada58606",
    "Evaluation/gpt_evaluation.py": (
        "4cf7056c9869f28f082febb10e5e89c20aa3757568c95a1770aa00474de63990"
    ),
    "Evaluation/llama_evaluation.py": (
        "68a531e2e13396fc2938c84bcddc66380d9fd0e6a603502a0d71fbaea4fcd054"
    ),
}


def open_checkout(root: Path) -> Checkout:
    return Checkout(root, BENCHMARK, WORDING)


def unchecked_files(origin: Origin) -> list[str]:
    """Files read whose content differs from the revision the assembly was checked against."""
    return [
        f.path
        for f in origin.files
        if f.path in CHECKED_SHA256 and CHECKED_SHA256[f.path] != f.sha256
    ]


@dataclass(frozen=True)
class Draw:
    """One demonstration draw of a branch: ``name = choice(pool)`` or ``sample(pool, k)``."""

    name: str
    pool: tuple[str, ...]  # constant names of prompt_wording.py, in the pool's order
    k: int | None  # None: one example (choice); k: an ordered sample of k


@dataclass(frozen=True)
class Strategy:
    name: str
    template: Template
    draws: tuple[Draw, ...]


@dataclass
class OfficialPrompts:
    """The official assembly of the strategies asked for, ready to fill per item."""

    checkout: Checkout
    strategies: dict[str, Strategy]
    texts: dict[str, str] = field(default_factory=dict)  # prompt_wording.py constants used

    def draw(self, strategy: str, seed: int, key: int) -> dict[str, tuple[str, ...]]:
        """The demonstrations of one item: draw name → constant names, seeded by (seed, key)."""
        rng = random.Random(f"statqa-official:{seed}:{key}")
        out: dict[str, tuple[str, ...]] = {}
        for d in self.strategies[strategy].draws:
            if d.k is None:
                out[d.name] = (rng.choice(d.pool),)
            else:
                out[d.name] = tuple(rng.sample(d.pool, d.k))
        return out

    def prompt(
        self,
        strategy: str,
        column_lines: list[str],
        question: str,
        drawn: dict[str, tuple[str, ...]],
    ) -> str:
        def fill(ref: Ref) -> str:
            if ref.source == QUESTION:
                return question
            if ref.source == COLUMN_LINES:
                return "\n".join(column_lines)
            if ref.base in drawn and ref.index is not None:
                return self.texts[drawn[ref.base][ref.index]]
            if ref.source in drawn:
                return self.texts[drawn[ref.source][0]]
            return self.texts[ref.source]

        return self.strategies[strategy].template.render(fill)

    def origin(self, strategy: str, seed: int) -> Origin:
        draws = self.strategies[strategy].draws
        note = (
            f"demonstrations drawn with seed {seed} per item (upstream draws them unseeded)"
            if draws
            else None
        )
        return self.checkout.origin(variant=strategy, note=note)


def _pool(scope_value: Any, label: str) -> tuple[str, ...]:
    if not isinstance(scope_value, list) or not all(
        isinstance(x, Ref) and x.base is None and x.source.isidentifier() for x in scope_value
    ):
        raise OfficialSourceError(
            f"{ASSEMBLY}: {label} is not a list of constant names (has the upstream file changed?)"
        )
    return tuple(x.source for x in scope_value)


def _draw(name: str, value: CallValue, checkout: Checkout) -> Draw:
    label = f"{FUNCTION}(): {name}"
    pool_ref = value.args[0] if value.args else None
    if not isinstance(pool_ref, Ref) or value.kwargs:
        raise OfficialSourceError(f"{ASSEMBLY}: {label} draws from something not a named list")
    pool = _pool(
        checkout.file(ASSEMBLY).function(FUNCTION).scope().get(pool_ref.source), pool_ref.source
    )
    if value.func == "choice" and len(value.args) == 1:
        return Draw(name, pool, None)
    if value.func == "sample" and len(value.args) == 2 and type(value.args[1]) is int:
        return Draw(name, pool, value.args[1])
    raise OfficialSourceError(f"{ASSEMBLY}: {label} is an unexpected draw {value.func}()")


def _strategy(name: str, checkout: Checkout, texts: dict[str, str]) -> Strategy:
    assembly = checkout.file(ASSEMBLY)
    branches = assembly.function(FUNCTION).branches(STRATEGY_ARG)
    if name not in branches:
        known = ", ".join(str(k) for k in branches if k is not None)
        raise OfficialSourceError(
            f"{ASSEMBLY}: {FUNCTION}() builds no prompt for {STRATEGY_ARG} == {name!r} "
            f"(it builds: {known})"
        )
    scope = branches[name]
    template = scope.get(RESULT, Template)
    draws = tuple(
        _draw(var, value, checkout)
        for var, value in scope.names.items()
        if isinstance(value, CallValue) and value.func in DRAWS
    )
    by_name = {d.name: d for d in draws}
    wording = checkout.file(WORDING)
    for ref in template.refs:
        if ref.source in (QUESTION, COLUMN_LINES):
            continue
        draw = by_name.get(ref.base or ref.source)
        if draw is not None:
            subscripted = ref.index is not None
            if subscripted != (draw.k is not None) or (ref.index or 0) >= (draw.k or 1):
                raise OfficialSourceError(
                    f"{ASSEMBLY}: {scope.label}: {RESULT} uses {ref.source}, which does not "
                    f"match its draw {draw.name} (has the upstream file changed?)"
                )
            for constant in draw.pool:
                texts[constant] = wording.constant(constant)
            continue
        if not ref.source.isidentifier():
            raise OfficialSourceError(
                f"{ASSEMBLY}: {scope.label}: {RESULT} uses {ref.source!r}, which this importer "
                "does not know (has the upstream file changed?)"
            )
        texts[ref.source] = wording.constant(ref.source)
    return Strategy(name, template, draws)


def read_prompts(root: Path, strategies: list[str]) -> OfficialPrompts:
    """The official assembly of ``strategies`` from the checkout at ``root``.

    Raises ``OfficialSourceError`` (naming the file and the constant or function) when the
    folder is not the repository, a file or constant is missing, or its shape changed.
    """
    checkout = open_checkout(root)
    texts: dict[str, str] = {}
    built = {name: _strategy(name, checkout, texts) for name in strategies}
    return OfficialPrompts(checkout, built, texts)
