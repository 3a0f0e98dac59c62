"""SysBench: does a model keep following its system message over five user turns?

Spec: ``shared/benchmarks/sysbench.md``. The official data has no licence, so nothing of it is
shipped: ``importer`` converts a copy the user obtains (``llmbench import sysbench``), our own
scenarios live in ``suites/sysbench/``. Scoring is the ``sysbench/checklist`` scorer of
``scorers``: program checks (``checks`` with ``check_args``, ``check_language``,
``check_layout`` on ``reply_text``) plus the LLM judge of ``llm_judge``; ``aggregate``
computes CSR, ISR and SSR.
"""

from __future__ import annotations

from pytest_llmbench.families import Family

FAMILY = Family(
    name="sysbench",
    title="SysBench: does a model keep to its system message over a dialogue?",
    scorers="pytest_llmbench.families.sysbench.scorers",
    aggregate="pytest_llmbench.families.sysbench.aggregate",
    cli="pytest_llmbench.families.sysbench.cli",
    commands={"import": "convert the official SysBench JSON into suite files"},
)

# criteria_type labels of the official data → the English keys used in suites and results.
TYPES = {
    "动作约束": "action",
    "内容约束": "content",
    "背景约束": "background",
    "角色约束": "role",
    "格式约束": "format",
    "风格约束": "style",
}
TYPE_KEYS = tuple(TYPES.values())
ALIGNMENTS = {
    "align": "align",
    "aligned": "align",
    "misalign": "misalign",
    "misaligned": "misalign",
}
DIALOGUE_TYPES = ("dependent", "parallel")


def type_key(label: object) -> str:
    """``格式约束`` / ``format`` / ``Format`` → ``format``; ValueError for anything else."""
    text = str(label).strip()
    key = TYPES.get(text, text.lower())
    if key not in TYPE_KEYS:
        known = ", ".join([*TYPE_KEYS, *TYPES])
        raise ValueError(f"unknown constraint type {label!r} (use one of {known})")
    return key
