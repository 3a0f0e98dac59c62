"""Benchmark families: each one a package, declared once, found through an entry point.

Every sub-package ``pytest_llmbench.families.<name>`` is one benchmark family (``rules``,
``sysbench``, ``toolbh``, ``statqa``, ``distractors``) holding all of it: scorers, importer,
generator, re-scoring, aggregate and CLI verbs. Its ``__init__`` holds only its ``Family``
declaration, registered in the ``pytest_llmbench.families`` entry-point group (built-in families
in this project's ``pyproject.toml``, a third-party benchmark pack in its own), so the same
lookup finds both and nothing of a family is imported until one of its names is used.

The modules starting with ``_`` are the machinery; the public API is re-exported here. Generic
scorers (text, structured, tools, and the shared ``matching`` helpers) are
``pytest_llmbench.scorers``. docs/families.md walks through adding a family.
"""

from __future__ import annotations

from pytest_llmbench.errors import FamilyError
from pytest_llmbench.families._aggregation import aggregates, canonical_row, render_aggregates
from pytest_llmbench.families._declaration import VERBS, Command, Family
from pytest_llmbench.families._discovery import (
    ENTRY_POINT_GROUP,
    all_families,
    family_names,
    find_family,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "VERBS",
    "Command",
    "Family",
    "FamilyError",
    "aggregates",
    "all_families",
    "canonical_row",
    "family_names",
    "find_family",
    "render_aggregates",
]
