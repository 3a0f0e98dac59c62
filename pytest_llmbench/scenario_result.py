"""What running a scenario gave: one ``SampleResult`` per sample (conversation), grouped in
the ``ScenarioResult`` of the scenario × model, whose ``passed`` is the scenario's verdict (the
one place it is computed; results files carry it as ``ScenarioVerdict``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_llmbench.client.base import Usage
from pytest_llmbench.results.records import Outcome, ScoreRecord
from pytest_llmbench.scoring.api import Message, Score


@dataclass(frozen=True)
class SampleResult:
    sample: int
    messages: tuple[Message, ...] = ()
    turn_scores: tuple[tuple[Score, ...], ...] = ()
    conversation_scores: tuple[Score, ...] = ()
    error: str | None = None
    usage: Usage = field(default_factory=Usage)
    cost: float | None = None
    latency_s: float = 0.0
    calls: int = 0
    cache_hits: int = 0
    stopped_at_turn: int | None = None
    reference: str | None = None  # "pass[i]"/"fail[i]" when a built-in model replayed it
    # The judge's calls for this sample (any judge model), apart from the model's own.
    judge_calls: int = 0
    judge_cache_hits: int = 0
    judge_usage: Usage = field(default_factory=Usage)
    judge_cost: float | None = None
    text_repaired: bool = False  # a reply held lone surrogates, replaced before scoring

    @property
    def scores(self) -> list[Score]:
        return [s for turn in self.turn_scores for s in turn] + list(self.conversation_scores)

    @property
    def passed(self) -> bool:
        return self.error is None and all(s.passed for s in self.scores)

    @property
    def outcome(self) -> Outcome:
        if self.error is not None:
            return "error"
        return "passed" if self.passed else "failed"

    @property
    def cached(self) -> bool:
        return self.calls > 0 and self.cache_hits == self.calls

    def scores_json(self) -> list[ScoreRecord]:
        out: list[ScoreRecord] = []
        for i, turn in enumerate(self.turn_scores):
            out.extend(_score_record(s, i) for s in turn)
        out.extend(_score_record(s, None) for s in self.conversation_scores)
        return out

    def transcript_json(self) -> list[dict[str, Any]]:
        return [{**m.to_openai(), "turn": m.turn} for m in self.messages]


def _score_record(score: Score, turn: int | None) -> ScoreRecord:
    record = ScoreRecord(
        name=score.name,
        passed=score.passed,
        value=score.value,
        reason=score.reason,
        turn=turn,
        args=score.args,
    )
    if score.metadata:
        record["metadata"] = dict(score.metadata)
    return record


@dataclass(frozen=True)
class ScenarioResult:
    """All samples of one scenario × model.

    A scenario passes when every sample passes. ``llmbench/violate`` replays the
    ``reference.fail`` replies, each of which must fail: there the scenario *fails* only when all
    of them failed, so one fail-reference that slips through the scorers shows up as a pass.
    """

    samples: tuple[SampleResult, ...]
    expect_failure: bool = False

    @property
    def error(self) -> str | None:
        errors = [s.error for s in self.samples if s.error is not None]
        return errors[0] if errors else None

    @property
    def passed(self) -> bool:
        if self.expect_failure:
            return any(s.passed for s in self.samples)
        return all(s.passed for s in self.samples)

    @property
    def model_seconds(self) -> float:
        """The time this scenario's model calls took (its samples' latencies summed)."""
        return sum(s.latency_s for s in self.samples)

    @property
    def n_passed(self) -> int:
        return sum(1 for s in self.samples if s.passed)
