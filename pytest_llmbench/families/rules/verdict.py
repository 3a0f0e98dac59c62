"""What a RuLES evaluator returns, and how it walks a conversation.

Every evaluator walks the whole conversation once: ``user`` messages only set state (trigger
seen, speaker), ``assistant`` messages are checked (prefilled ones included), anything else
(system, tool) is ignored. The first violating assistant message decides the verdict, so
evaluating after every turn and stopping at the first failure gives the same result as one
evaluation of the finished conversation. Reasons are the fixed upstream-style strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Params = Mapping[str, Any]
Messages = Sequence[tuple[str, str]]  # (role, content); roles are case-folded here


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reason: str = ""
    index: int | None = None  # position in the message list of the failing assistant message


PASS = Verdict(True)
PASS_REASON = "Assistant followed the rules."
Evaluator = Callable[[Params, Messages, bool], Verdict]


def walk(messages: Messages) -> Iterator[tuple[int, bool, str]]:
    """(index, is_user, content) of the user and assistant messages (roles case-folded, Q9)."""
    for i, (role, content) in enumerate(messages):
        r = role.casefold()
        if r in ("user", "assistant"):
            yield i, r == "user", content or ""
