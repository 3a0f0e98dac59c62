"""What running a scenario gave: one ``SampleResult`` per sample (conversation), grouped in
the ``ScenarioResult`` of the scenario × model, whose ``passed`` is the scenario's verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_llmbench.client.base import Usage
from pytest_llmbench.scoring.api import Message, Score


@dataclass
class SampleResult:
    sample: int
    messages: list[Message] = field(default_factory=list)
    turn_scores: list[list[Score]] = field(default_factory=list)
    conversation_scores: list[Score] = field(default_factory=list)
    error: str | None = None
    usage: Usage = field(default_factory=Usage)
    cost: float | None = None
    latency_s: float = 0.0
    calls: int = 0
    cache_hits: int = 0
    stopped_at_turn: int | None = None
    reference: str | None = None  # "pass[i]"/"fail[i]" when a built-in model replayed it

    @property
    def scores(self) -> list[Score]:
        return [s for turn in self.turn_scores for s in turn] + self.conversation_scores

    @property
    def passed(self) -> bool:
        return self.error is None and all(s.passed for s in self.scores)

    @property
    def outcome(self) -> str:
        if self.error is not None:
            return "error"
        return "passed" if self.passed else "failed"

    @property
    def cached(self) -> bool:
        return self.calls > 0 and self.cache_hits == self.calls

    def scores_json(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i, turn in enumerate(self.turn_scores):
            out.extend({**s.to_json(), "turn": i} for s in turn)
        out.extend({**s.to_json(), "turn": None} for s in self.conversation_scores)
        return out

    def transcript_json(self) -> list[dict[str, Any]]:
        return [{**m.to_openai(), "turn": m.turn} for m in self.messages]


@dataclass
class ScenarioResult:
    """All samples of one scenario × model.

    A scenario passes when every sample passes. ``llmbench/violate`` replays the
    ``reference.fail`` replies, each of which must fail: there the scenario *fails* only when all
    of them failed, so one fail-reference that slips through the scorers shows up as a pass.
    """

    samples: list[SampleResult]
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
    def n_passed(self) -> int:
        return sum(1 for s in self.samples if s.passed)
