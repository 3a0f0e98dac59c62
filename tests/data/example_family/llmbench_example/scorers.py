"""The family's one scorer: ``example/shouted``."""

from __future__ import annotations

from pytest_llmbench import Score, ScorerContext, scorer
from pytest_llmbench.scoring.api import ScoreFn


@scorer("example/shouted")
def shouted(word: str) -> ScoreFn:
    """Passes when the reply contains ``word`` in capital letters."""
    if not isinstance(word, str) or not word.strip():
        raise ValueError(f"word must be a non-empty string, got {word!r}")
    want = word.strip().upper()

    def score(ctx: ScorerContext) -> Score:
        ok = want in ctx.reply
        return Score(ok, f"{want!r} {'is' if ok else 'is not'} in the reply")

    return score
