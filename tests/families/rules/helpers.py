"""Helpers for the RuLES tests: run a scorer on a compact conversation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_llmbench.scoring.api import Message, Score, ScorerContext, ScoringMode
from pytest_llmbench.scoring.registry import ScorerRegistry

REGISTRY = ScorerRegistry()
SYSTEM = "rules text (ignored by the evaluators)"


def conversation(turns: Sequence[str], history: Sequence[str] = ()) -> tuple[Message, ...]:
    """System message, then ``history`` (prefilled, turn None), then ``turns`` (model turns);
    both alternate user/assistant starting with a user message."""
    msgs = [Message("system", SYSTEM)]
    for i, text in enumerate(history):
        msgs.append(Message("user" if i % 2 == 0 else "assistant", text))
    for i, text in enumerate(turns):
        msgs.append(Message("user" if i % 2 == 0 else "assistant", text, turn=i // 2))
    return tuple(msgs)


def score(
    name: str,
    args: Any,
    turns: Sequence[str],
    mode: ScoringMode = "official",
    history: Sequence[str] = (),
) -> Score:
    fn = REGISTRY.build(name, args)
    ctx = ScorerContext(
        messages=conversation(turns, history), turn=0, level="conversation", mode=mode
    )
    return fn(ctx)


def modes(
    name: str, args: Any, turns: Sequence[str], history: Sequence[str] = ()
) -> tuple[bool, bool]:
    """(official, strict) verdicts, checking that ``passed`` follows the mode."""
    official = score(name, args, turns, "official", history)
    strict = score(name, args, turns, "strict", history)
    recorded = dict(official.metadata["modes"])
    assert recorded == dict(strict.metadata["modes"])
    assert official.passed == recorded["official"] and strict.passed == recorded["strict"]
    return recorded["official"], recorded["strict"]
