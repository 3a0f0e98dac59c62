"""Benchmark families: per-family importers, re-scoring, generators and aggregates.

Each family is a sub-package ``pytest_llmbench.families.<name>`` that may provide:

* ``cli.py`` with ``COMMANDS: dict[str, Command]`` for the verbs ``import``, ``rescore``,
  ``generate`` (``llmbench import rules ...``);
* ``aggregate.py`` with ``aggregate(rows) -> dict | None`` (rows are the results-file rows;
  a family recognises its own by ``row["metadata"]["benchmark"]``) and
  ``render(aggregate) -> list[str]`` (plain text lines for the terminal summary).

Scorers live in ``pytest_llmbench.scorers.<name>`` (the repository's ``scorers/`` folder).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

FAMILIES = ("rules", "sysbench", "toolbh", "statqa", "distractors")


@dataclass(frozen=True)
class Command:
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def family_module(family: str, name: str) -> ModuleType | None:
    """``pytest_llmbench.families.<family>.<name>`` if the family provides it."""
    qualified = f"{__name__}.{family}.{name}"
    try:
        if importlib.util.find_spec(qualified) is None:
            return None
    except ModuleNotFoundError:  # the family package itself is absent
        return None
    return importlib.import_module(qualified)


def aggregates(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if not rows:  # a run without suite items need not import every family
        return out
    for family in FAMILIES:
        mod = family_module(family, "aggregate")
        if mod is None:
            continue
        agg = mod.aggregate(rows)
        if agg:
            out[family] = agg
    return out


def render_aggregates(aggs: dict[str, dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for family, agg in aggs.items():
        mod = family_module(family, "aggregate")
        if mod is not None:
            lines.extend(mod.render(agg))
    return lines
