"""ToolBH ("ToolBeHonest"): importer, prompts, scorers, re-scoring and aggregates.

``scorers`` (the official-protocol ``toolbh/level`` and the native tool-call scorers, with
``native``) is shared by the pytest run and ``llmbench rescore toolbh`` through ``levels``
and ``parse``. Spec: ``../shared/benchmarks/toolbh.md``; user documentation: ``docs/toolbh.md``.
"""

from __future__ import annotations

from pytest_llmbench.families import Family

FAMILY = Family(
    name="toolbh",
    title="ToolBH (ToolBeHonest): does a model admit a task its tools cannot solve?",
    scorers="pytest_llmbench.families.toolbh.scorers",
    aggregate="pytest_llmbench.families.toolbh.aggregate",
    cli="pytest_llmbench.families.toolbh.cli",
    commands={
        "import": "ToolBH: official data (a Hub dataset repo or a local file) -> suite files",
        "rescore": "ToolBH: score model outputs (JSONL) with the official or strict scorer",
    },
)
