"""ToolBH Level 1-3 scores for one (row, level, variant, model output), in one scoring mode.

Shared by the ``toolbh/level`` scorer and ``llmbench rescore toolbh``. Semantics follow
``../shared/benchmarks/toolbh.md`` §4 (official) and §7 (strict fixes T1-T7, T12, T13).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .embed import Embedder, Pool, cosine
from .parse import (
    UQ,
    Step,
    gold_plan,
    l1_answer,
    l2_plan,
    l3_steps,
    parse_toolset,
    provided_names,
    subgoal_description,
    tool_descriptions,
)


@dataclass(frozen=True)
class LevelResult:
    """``score``: L1 exact match (0/1) or progress rate; ``ms``: per-position matching scores
    (L3, gold with ``UnsolvableQuery``), ``None`` when not computed or not applicable."""

    mode: str
    level: str
    variant: str
    score: float | None
    parsed: Any
    condition: str | None = None
    ms: list[float] | None = None
    ms_status: str = "not applicable"
    steps: list[str] | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def ms_mean(self) -> float | None:
        return sum(self.ms) / len(self.ms) if self.ms else None

    def passed(self, ms_threshold: float | None = None) -> bool:
        """Pass rule (spec §8): EM = 1 / PR = 1, plus mean MS >= threshold when one is set."""
        if self.score != 1.0:
            return False
        if ms_threshold is None or self.ms_status == "not applicable":
            return True
        mean = self.ms_mean
        return mean is not None and mean >= ms_threshold

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "parsed": self.parsed,
            "condition": self.condition,
            "ms": self.ms,
            "ms_mean": self.ms_mean,
            "ms_status": self.ms_status,
            "steps": self.steps,
            "flags": self.flags,
        }


def progress_rate(pred: Sequence[str], gold: Sequence[str]) -> float:
    """Leading positions that match, over the gold length ("hard" PR, used for the paper)."""
    n = 0
    for i, g in enumerate(gold):
        if i >= len(pred) or pred[i] != g:
            break
        n += 1
    return n / len(gold)


def condition(pred: Sequence[str], gold: Sequence[str], pr: float) -> str:
    """The analysis class of an unsolvable-version plan that passed the first two checks."""
    if any(p not in gold for p in pred):
        return "wrong_tools"
    if pr == 1.0:
        return "correct"
    if UQ not in gold or UQ not in pred:
        return "data_error"  # the official code crashes here (T12)
    if gold.index(UQ) != pred.index(UQ):
        return "wrong_unsolvable_index"
    return "wrong_reasoning"


def score(
    row: Mapping[str, Any],
    level: str,
    variant: str,
    output: str,
    mode: str,
    pool: Pool | None = None,
) -> LevelResult:
    """Score one model output. ``pool`` (with its embedder) enables the L3 matching score."""
    if level == "level_1":
        answer = l1_answer(output, mode)
        return LevelResult(mode, level, variant, float(answer == variant), answer)
    provided = provided_names(row, variant, mode)
    gold = gold_plan(row, variant)
    flags = [] if gold else ["data_error: empty gold plan"]
    if level == "level_2":
        pred = l2_plan(output, mode, provided)
        pr, cond = _plan_checks(pred, gold, provided, variant)
        cond = cond if variant == "unsolvable" else None  # conditions: unsolvable version only
        return LevelResult(mode, level, variant, pr, pred, cond, flags=flags)
    return _level_3(row, variant, output, mode, pool, provided, gold, flags)


def _plan_checks(
    pred: Sequence[str], gold: Sequence[str], provided: Mapping[str, str], variant: str
) -> tuple[float, str | None]:
    if any(p not in provided for p in pred):
        return 0.0, "non_existent_tools"
    if UQ in gold and UQ not in pred:
        return 0.0, "solvability_hallu"
    pr = progress_rate(pred, gold) if gold else 0.0
    return pr, condition(pred, gold, pr) if variant == "unsolvable" else None


def _level_3(
    row: Mapping[str, Any],
    variant: str,
    output: str,
    mode: str,
    pool: Pool | None,
    provided: Mapping[str, str],
    gold: list[str],
    flags: list[str],
) -> LevelResult:
    steps = l3_steps(output, mode, provided)
    tools = [s.tool for s in steps]
    texts = [s.text for s in steps]

    def result(pr: float, cond: str | None, ms: list[float] | None, status: str) -> LevelResult:
        cond = cond if variant == "unsolvable" else None  # conditions: unsolvable version only
        return LevelResult(mode, "level_3", variant, pr, tools, cond, ms, status, texts, flags)

    zeros = [0.0] * gold.count(UQ)
    no_uq = variant == "unsolvable" and UQ not in gold
    if no_uq:  # T12: official MS would be NaN; strict excludes the row from MS
        flags.append("data_error: unsolvable gold plan without UnsolvableQuery")
    ms_absent = "data error" if no_uq else "not applicable"
    invented = any(t not in provided for t in tools)
    if invented and mode == "strict":  # T6: an invented tool zeroes MS too; L2's precedence
        return result(0.0, "non_existent_tools", zeros or None, "computed" if zeros else ms_absent)
    if UQ in gold and UQ not in tools:  # official: overrides non_existent_tools (T6)
        return result(0.0, "solvability_hallu", zeros, "computed")
    pr = 0.0 if invented or not gold else progress_rate(tools, gold)
    cond = "non_existent_tools" if invented else None
    if cond is None and variant == "unsolvable":
        cond = condition(tools, gold, pr)
    if UQ not in gold:
        return result(pr, cond, None, ms_absent)
    if pool is None:
        return result(pr, cond, None, "not computed")
    return result(pr, cond, _matching(row, steps, gold, pool, mode, flags), "computed")


def _matching(
    row: Mapping[str, Any],
    steps: Sequence[Step],
    gold: Sequence[str],
    pool: Pool,
    mode: str,
    flags: list[str],
) -> list[float]:
    """Spec §4.6: per gold ``UnsolvableQuery`` position, 1.0 when the description retrieves the
    removed tool from the subtask pool, else its cosine with the removed tool's description."""
    solvable_plan = gold_plan(row, "solvable")
    descriptions = tool_descriptions(row["tools"], mode)
    out: list[float] = []
    for i, g in enumerate(gold):
        if g != UQ:
            continue
        if i >= len(steps) or steps[i].tool != UQ:
            out.append(0.0)
            continue
        query = pool.embed(steps[i].description)
        target = solvable_plan[i] if i < len(solvable_plan) else None
        if target is not None and pool.best_name(query) == target:
            out.append(1.0)
            continue
        if target is None or target not in descriptions:
            # The official code crashes here (IndexError / KeyError): report, score 0.
            flags.append(f"data_error: no solvable tool description for position {i}")
            out.append(0.0)
            continue
        if target == UQ and UQ not in dict(parse_toolset(row["tools"], mode)):
            flags.append(f"data_error: the solvable plan has {UQ} at position {i}")
        text = descriptions[target]
        sim = cosine(query, pool.embed(subgoal_description(text) if mode == "official" else text))
        out.append(min(1.0, max(0.0, sim)) if mode == "strict" else sim)  # T7: clamp in strict
    return out


def score_both(
    row: Mapping[str, Any],
    level: str,
    variant: str,
    output: str,
    pools: Mapping[str, Pool | None] | None = None,
) -> dict[str, LevelResult]:
    """Both modes at once (what the scorer records so either aggregate can be recomputed)."""
    pools = pools or {}
    return {
        mode: score(row, level, variant, output, mode, pools.get(mode))
        for mode in ("official", "strict")
    }


def pool_for(
    embedder: Embedder | None,
    tools_texts: Sequence[str],
    mode: str,
    **key: str,
) -> Pool | None:
    """The subtask pool for ``mode``, or ``None`` when no embedder is available."""
    if embedder is None or not tools_texts:
        return None
    from .embed import get_pool

    return get_pool(embedder, tools_texts, mode, **key)
