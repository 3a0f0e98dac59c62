"""Running a scenario whose every call is a cache hit in the calling thread, without the loop.

A cached re-run does no I/O worth a loop: each call is a small file read, each bounded scorer
a string test. Sent through the engine thread, every scenario would pay a cross-thread hand-off,
a task, a future and the GIL's back and forth, which cost more than the scenario itself.

So the engine first drives the scenario's coroutine by hand (``attempt``). Inside an attempt
every place that would need the loop — a cache miss, a scripted or real model call, a scorer
that runs under the time limit, any error — raises ``NeedsLoop`` instead, and so does any real
suspension. The attempt is then dropped and the scenario goes to the loop from its start: its
cached calls are read again, and the loop path alone decides errors and verdicts. An attempt
has no effect outside itself (scorers are pure, the cache is only read), so the two paths give
the same result, and the loop path is the one every non-cached run takes.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

_ACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar("llmbench_inline", default=False)


class NeedsLoop(BaseException):
    """The attempt reached something only the loop can do. A ``BaseException``: a scorer's or
    the conversation's ``except Exception`` must not turn it into a verdict."""


def active() -> bool:
    """Whether the current code runs inside an inline attempt."""
    return _ACTIVE.get()


def attempt(coro: Coroutine[Any, Any, T]) -> tuple[bool, T | None]:
    """Drive ``coro`` to its end without a loop: ``(True, result)``, or ``(False, None)`` when
    it needed the loop (``coro`` is closed then). Exceptions other than ``NeedsLoop`` count as
    needing the loop too: the loop path raises them again where they are handled."""
    token = _ACTIVE.set(True)
    try:
        coro.send(None)
    except StopIteration as stop:
        return True, stop.value
    except (NeedsLoop, Exception):
        return False, None
    finally:
        _ACTIVE.reset(token)
    coro.close()  # it suspended: something in it awaits the loop
    return False, None


async def gather(aws: Sequence[Coroutine[Any, Any, T]]) -> list[T]:
    """``asyncio.gather`` of coroutines, one after another inside an attempt (a gather needs
    the loop for its tasks; an attempt never waits, so order costs nothing)."""
    if not active():
        return list(await asyncio.gather(*aws))
    try:
        return [await aw for aw in aws]
    finally:
        for aw in aws:  # those not reached after a NeedsLoop: no never-awaited warning
            aw.close()
