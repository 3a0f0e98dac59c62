"""StatQA scorer: did the model pick the gold columns and exactly the applicable methods?

The semantics (answer extraction, set comparison, the two modes) live in
``pytest_llmbench.families.statqa.grading``, shared with ``llmbench rescore statqa``; this module
turns a verdict into a ``Score``. Both modes are always computed and recorded in
``Score.metadata["modes"]``; ``ctx.mode`` (``--llm-scoring``) decides ``passed``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from pytest_llmbench.families.statqa.grading import (
    KEYS,
    KNOWN_METHODS,
    KeyResult,
    Verdict,
    error_category,
    grade,
    methods_jaccard,
    parse_gold,
)
from pytest_llmbench.scorers.matching import check_str, check_str_list, quote_all
from pytest_llmbench.scoring.api import (
    SCORING_MODES,
    Score,
    ScoreFn,
    ScorerContext,
    ScoringMode,
    scorer,
)


def _key_reason(key: str, r: KeyResult) -> str:
    if r.score:
        return f"{key} ok"
    if r.error:
        return f"{key} not comparable ({r.error})"
    parts = [f"missing {quote_all(r.missed)}"] if r.missed else []
    parts += [f"unexpected {quote_all(r.wrong)}"] if r.wrong else []
    return f"{key}: " + ("; ".join(parts) or "none given")


def explain(verdict: Verdict) -> str:
    if verdict.problem:
        return verdict.problem
    return ", ".join(_key_reason(k, getattr(verdict, k)) for k in KEYS)


def _check_methods(methods: Iterable[str]) -> None:
    unknown = [m for m in methods if m.strip().lower() not in KNOWN_METHODS]
    if unknown:
        raise ValueError(f"not StatQA methods (see the closed list of 27): {quote_all(unknown)}")


def gold_string(
    ground_truth: str | None, columns: list[str] | None, methods: list[str] | None
) -> str:
    """Check the scorer's arguments and return the gold as the official JSON string."""
    if ground_truth is not None:
        if columns is not None or methods is not None:
            raise TypeError("give either ground_truth or columns and methods, not both")
        check_str(ground_truth, "ground_truth", allow_empty=False)
        gold = parse_gold(ground_truth, "strict")
        if gold is None or any(not isinstance(gold.get(k), list) for k in KEYS):
            raise ValueError(f"ground_truth must be a JSON object string with lists {KEYS}")
        check_str_list(gold["columns"], "ground_truth columns", allow_empty=False)
        _check_methods(check_str_list(gold["methods"], "ground_truth methods"))
        return ground_truth
    if columns is None or methods is None:
        raise TypeError("give ground_truth, or both columns and methods")
    cols = check_str_list(columns, "columns", allow_empty=False)
    meths = check_str_list(methods, "methods", allow_empty=False)
    _check_methods(meths)
    # The string form the benchmark stores, so both modes treat listed golds like imported ones.
    return json.dumps({"columns": list(cols), "methods": list(meths)}, ensure_ascii=False)


def score_reply(gold: str, reply: str, mode: ScoringMode) -> Score:
    """The full ``Score`` of one reply, both modes computed, ``mode`` deciding ``passed``."""
    verdicts = {m: grade(gold, reply, m) for m in SCORING_MODES}
    v = verdicts[mode]
    reason = explain(v)
    other = next(m for m in SCORING_MODES if m != mode)
    if verdicts[other].score != v.score:
        reason += f" ({other} mode would {'pass' if verdicts[other].score else 'fail'})"
    metadata = {
        "modes": {m: bool(verdicts[m].score) for m in SCORING_MODES},
        "columns_score": v.columns_score,
        "methods_score": v.methods_score,
        "by_mode": {
            m: {"columns_score": x.columns_score, "methods_score": x.methods_score}
            for m, x in verdicts.items()
        },
        "valid": not v.problem,
        "error_category": error_category(v, reply),
        "methods_jaccard": methods_jaccard(v),
    }
    return Score(bool(v.score), reason, float(v.score), metadata=metadata)


@scorer("statqa/answer")
def answer(
    ground_truth: str | None = None,
    columns: list[str] | None = None,
    methods: list[str] | None = None,
) -> ScoreFn:
    """The reply's first JSON object names exactly the gold columns and methods.

    Give the gold as the benchmark's ``ground_truth`` JSON string, or as ``columns`` and
    ``methods`` lists. ``--llm-scoring`` (official or strict) decides the verdict.
    """
    gold = gold_string(ground_truth, columns, methods)

    def score(ctx: ScorerContext) -> Score:
        return score_reply(gold, ctx.reply, ctx.mode)

    return score
