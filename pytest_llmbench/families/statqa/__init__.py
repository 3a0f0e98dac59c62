"""StatQA (Zhu et al., NeurIPS 2024): choosing columns and applicable statistical methods.

Modules: ``methods`` (the closed list of 27), ``source`` (reading the official files),
``prompts``/``wording`` (prompt strategies, the project's own wording), ``official`` (the
official wording, read from the user's checkout), ``decoding`` (the runners' parameters),
``importer``, ``grading`` (the official answer semantics) and ``scorers`` (``statqa/answer``) on
it, ``rescore``, ``rules`` (applicability rules), ``tables``/``generator``/``gensuite`` (fresh
items), ``aggregate``, ``cli``. See
docs/statqa.md.
"""

from __future__ import annotations

from pytest_llmbench.families import Family

FAMILY = Family(
    name="statqa",
    title="StatQA: does a model pick the right columns and statistical methods?",
    scorers="pytest_llmbench.families.statqa.scorers",
    aggregate="pytest_llmbench.families.statqa.aggregate",
    cli="pytest_llmbench.families.statqa.cli",
    commands={
        "import": "StatQA: mini-StatQA items → suite files",
        "rescore": "StatQA: score model outputs (JSONL)",
        "generate": "StatQA: fresh items over synthetic tables",
    },
)
