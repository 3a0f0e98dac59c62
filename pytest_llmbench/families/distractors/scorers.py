"""Multi-hop QA answer scoring (Seemingly Plausible Distractors, HotpotQA metrics).

``distractors/f1`` (formerly ``multihop/f1``, still accepted) extracts the answer after the last
``Final Answer:`` label and scores it with the official HotpotQA normalisation, EM and F1 (see
``pytest_llmbench.families.distractors.metrics`` and ``docs/distractors.md``).  Both scoring
modes are computed so the aggregate can report both.
"""

from __future__ import annotations

from dataclasses import asdict

from pytest_llmbench.families.distractors.metrics import extract_answer, score_answer
from pytest_llmbench.scorers.matching import check_str, quote
from pytest_llmbench.scoring.api import SCORING_MODES, Score, ScoreFn, ScorerContext, scorer


def _check_threshold(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"threshold must be a number between 0 and 1, got {value!r}")
    return float(value)


@scorer("distractors/f1")
def f1(threshold: float, answer: str | None = None) -> ScoreFn:
    """Passes when the HotpotQA F1 of the extracted answer is ≥ ``threshold``.

    ``answer`` is the gold answer; when omitted it is read from the scenario's
    ``metadata.answer`` (so a suite can set the scorer once in ``defaults``).  ``value`` is the
    F1 in the run's scoring mode; the metadata holds EM/F1/precision/recall for both modes.
    """
    limit = _check_threshold(threshold)
    fixed = None if answer is None else check_str(answer, "answer", allow_empty=False)

    def score(ctx: ScorerContext) -> Score:
        gold = fixed if fixed is not None else ctx.metadata.get("answer")
        if not isinstance(gold, str) or not gold:
            return Score(False, "no gold answer: give the scorer `answer:` or `metadata.answer`")
        ex = extract_answer(ctx.reply)
        by_mode = {m: score_answer(ex.text, gold, m) for m in SCORING_MODES}
        s = by_mode[ctx.mode]
        passed = s.f1 >= limit
        how = "after 'Final Answer:'" if ex.label_found else "whole reply (no 'Final Answer:')"
        reason = (
            f"F1 {s.f1:.3f} {'≥' if passed else '<'} {limit:g} (EM {s.em:g}): extracted "
            f"{quote(ex.text)} [{how}] vs gold {quote(gold)}"
        )
        meta = {
            **asdict(s),
            "extracted": ex.text,
            "extraction": "label" if ex.label_found else "fallback",
            "mode": ctx.mode,
            "threshold": limit,
            "modes": {m: v.f1 >= limit for m, v in by_mode.items()},
            "by_mode": {m: asdict(v) for m, v in by_mode.items()},
        }
        return Score(passed, reason, s.f1, metadata=meta)

    return score
