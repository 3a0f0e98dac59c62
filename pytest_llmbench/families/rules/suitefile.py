"""The shape of a RuLES scenario, shared by the RuLES generator and importer (the file itself
is written by ``pytest_llmbench.suite_writer``).

Every RuLES scenario has the same shape: the opening of its wording and mode (system mode: the
instruction text as ``system``; user mode: an empty ``system``, then the instructions and the
acknowledgement at the head of ``history``), the prefilled conversation as ``history``, the
trailing user turns as ``turns``, one conversation-level ``rules/...`` scorer with the official
parameters (and ``instructions: user`` in user mode), and ``stop_on_failure: true`` (the RuLES
protocol). Decoding defaults follow the published numbers: temperature 0, at most 100 new
tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_llmbench.families.rules.official import DEFAULT_DECODING
from pytest_llmbench.families.rules.scenarios import scorer_name
from pytest_llmbench.families.rules.templates import OWN_WORDING
from pytest_llmbench.families.rules.wording import Instructions, Wording

DEFAULTS: dict[str, Any] = {
    "params": dict(DEFAULT_DECODING),
    "stop_on_failure": True,
    "tags": ["rules"],
    "metadata": {"benchmark": "rules"},
}


def tag(text: str) -> str:
    """A marker-safe tag: ``Rule change`` -> ``rule_change``."""
    return "".join(c if c.isalnum() or c in "_-" else "_" for c in text.strip()).lower()


def scenario_entry(
    *,
    id: str,
    scenario: str,
    params: dict[str, Any],
    history: Sequence[tuple[str, str]],
    turns: Sequence[str],
    metadata: dict[str, Any],
    description: str = "",
    extra_tags: Sequence[str] = (),
    wording: Wording = OWN_WORDING,
    instructions: Instructions = "system",
) -> dict[str, Any]:
    """One scenario mapping (without references)."""
    entry: dict[str, Any] = {"id": id}
    if description:
        entry["description"] = description
    tags = [metadata["suite"], metadata["category"], metadata["behavior"], *extra_tags]
    entry["tags"] = [tag(t) if i > 2 else t for i, t in enumerate(tags)]
    entry["metadata"] = {"scenario": scenario, **metadata}
    entry["system"], opening = wording.opening(scenario, params, instructions)
    if opening or history:
        entry["history"] = [{"role": r, "content": c} for r, c in [*opening, *history]]
    entry["turns"] = [{"user": t} for t in turns]
    name = scorer_name(scenario)
    args: dict[str, Any] = dict(params)
    if instructions != "system":
        args["instructions"] = instructions
    entry["expect"] = [{name: args} if args else name]
    return entry


def references(passes: list[list[str]], fails: list[list[str]], n_turns: int) -> dict[str, Any]:
    """``reference`` block: plain strings for one turn, one list per conversation otherwise."""

    def shape(convs: list[list[str]]) -> list[Any]:
        return [c[0] if n_turns == 1 else list(c) for c in convs]

    return {"pass": shape(passes), "fail": shape(fails)}
