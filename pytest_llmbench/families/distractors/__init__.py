"""Seemingly Plausible Distractors (multi-hop QA): scorer, importer, generator, re-scoring and
the paired original/adversarial report; see ``docs/distractors.md``.

The importer frames each item with the project's own prompt (``prompt``) or with the official
prompt read from the user's checkout (``official``); see ``docs/distractors.md``.

The benchmark was also spelt ``multihop`` (the scorer ``multihop/f1``, the suite folder and
``--llm-suite=multihop``): that spelling is an alias, accepted wherever the name is.
"""

from __future__ import annotations

from pytest_llmbench.families import Family

FAMILY = Family(
    name="distractors",
    title="Seemingly Plausible Distractors: multi-hop QA against a fake reasoning chain",
    scorers="pytest_llmbench.families.distractors.scorers",
    aggregate="pytest_llmbench.families.distractors.aggregate",
    cli="pytest_llmbench.families.distractors.cli",
    commands={
        "import": "official data → suite files (original/adversarial pairs)",
        "rescore": "score JSONL answers with HotpotQA EM/F1",
        "generate": "fresh two-hop items over invented entities",
    },
    aliases=("multihop",),
)
