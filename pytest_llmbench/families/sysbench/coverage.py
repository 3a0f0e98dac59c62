"""How much of a SysBench file programs can decide: counts per constraint type and per family.

``llmbench import sysbench --report`` prints it, so a user sees before a run how many of their
constraints will be program checks, partial checks (program and judge together) and judge
items — and therefore how much a ``--llm-no-judge`` run would leave unscored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pytest_llmbench.families.sysbench import TYPE_KEYS
from pytest_llmbench.families.sysbench.classify import Classification

METHODS = ("program", "partial", "judge")


@dataclass
class Coverage:
    by_type: dict[str, Counter[str]] = field(default_factory=dict)
    by_family: Counter[tuple[str, str]] = field(default_factory=Counter)  # (family, method)
    judge_reasons: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, found: Classification) -> None:
        self.by_type.setdefault(kind, Counter())[found.method] += 1
        for family in found.families:
            self.by_family[(family, found.method)] += 1
        if found.method == "judge":
            self.judge_reasons[found.reason or "unknown"] += 1

    def total(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for counts in self.by_type.values():
            out.update(counts)
        return out


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    —"


def render(cov: Coverage) -> list[str]:
    """The coverage table as text lines."""
    lines = ["coverage by constraint type (program = decided by a program, partial = program",
             "and judge together, judge = judge only):"]  # fmt: skip
    head = f"  {'type':<11}{'constraints':>12}{'program':>9}{'partial':>9}{'judge':>8}"
    lines.append(head + f"{'program %':>11}{'with a check %':>16}")
    kinds = [k for k in TYPE_KEYS if k in cov.by_type] + sorted(set(cov.by_type) - set(TYPE_KEYS))
    for label, counts in [*((k, cov.by_type[k]) for k in kinds), ("all", cov.total())]:
        n = sum(counts.values())
        p, q, j = (counts[m] for m in METHODS)
        lines.append(f"  {label:<11}{n:>12}{p:>9}{q:>9}{j:>8}{_pct(p, n):>11}{_pct(p + q, n):>16}")
    if cov.by_family:
        lines.append("by family (constraints with a check):")
        families = Counter[str]()
        for (family, _), n in cov.by_family.items():
            families[family] += n
        for family, _ in families.most_common():
            p, q = cov.by_family[(family, "program")], cov.by_family[(family, "partial")]
            lines.append(f"  {family:<28}{p:>6} program{q:>6} partial")
    if cov.judge_reasons:
        lines.append("judge items, by reason:")
        for reason, n in cov.judge_reasons.most_common():
            lines.append(f"  {n:>6}  {reason}")
    return lines
