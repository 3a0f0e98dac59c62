"""How long to wait before trying again: the server's word when it gives one, else our own
jittered exponential backoff. One policy for model calls (``retry.py``) and Hub uploads
(``results/hub.py``), one parser of what servers send.

``Retry-After`` (RFC 9110, section 10.2.3) is either delay-seconds or an HTTP-date; both are
read. A date is turned into seconds against ``now`` (injected in tests, so a date eight seconds
ahead is exactly an eight-second wait, with no clock involved).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

Clock = Callable[[], float]  # seconds since the epoch, as time.time


def _seconds(text: str) -> float | None:
    """A plain number of seconds (negatives as 0), or ``None`` when ``text`` is not one."""
    try:
        return max(0.0, float(text))
    except ValueError:
        return None


def parse_retry_after(value: str | None, now: Clock = time.time) -> float | None:
    """Seconds to wait for a ``Retry-After`` value, ``None`` when absent or unreadable.

    Delay-seconds is read leniently (fractions allowed, negatives as 0: servers send both); an
    HTTP-date in any of the three forms RFC 9110 says a recipient must accept (IMF-fixdate,
    RFC 850, asctime), a date in the past meaning no wait."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    seconds = _seconds(text)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # asctime carries no zone; HTTP dates are always UTC
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, when.timestamp() - now())


_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def _duration(text: str | None) -> float | None:
    """OpenAI's reset durations: ``"1s"``, ``"6m0s"``, ``"20ms"``, or plain seconds."""
    if not text:
        return None
    seconds = _seconds(text)
    if seconds is not None:
        return seconds
    total, number = 0.0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isdigit() or ch == ".":
            number += ch
            i += 1
            continue
        unit = "ms" if text.startswith("ms", i) else ch
        if unit not in _UNITS or not number:
            return None
        total += float(number) * _UNITS[unit]
        number = ""
        i += len(unit)
    return None if number else total


def server_wait(headers: Mapping[str, str], now: Clock = time.time) -> float | None:
    """How long a model server asks us to wait (header names lower-cased): OpenAI's
    ``retry-after-ms``, ``Retry-After``, else the reset time of an exhausted ``x-ratelimit-*``
    budget; ``None`` when it does not say (our own backoff applies)."""
    ms = _seconds(headers.get("retry-after-ms") or "")
    if ms is not None:
        return ms / 1000.0
    seconds = parse_retry_after(headers.get("retry-after"), now)
    if seconds is not None:
        return seconds
    waits = [
        _duration(headers.get(f"x-ratelimit-reset-{kind}"))
        for kind in ("requests", "tokens")
        if headers.get(f"x-ratelimit-remaining-{kind}") == "0"
    ]
    known = [w for w in waits if w is not None]
    return max(known) if known else None


@dataclass(frozen=True)
class Backoff:
    """Waits between attempts: ``Retry-After`` (capped at ``max_retry_after``) when the server
    gave one, else ``initial * 2**(attempt - 1)`` plus up to one second of jitter, capped at
    ``maximum``. The jitter keeps parallel runs (xdist workers, CI jobs) from retrying in step."""

    initial: float = 0.5
    maximum: float = 30.0
    max_retry_after: float = 120.0

    def seconds(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait after failed attempt number ``attempt`` (1 for the first)."""
        if retry_after is not None:
            return min(float(retry_after), self.max_retry_after)
        # Same formula as tenacity's wait_exponential_jitter, whose ``initial`` argument is
        # deprecated in tenacity 9 (a DeprecationWarning on every retry) and whose replacement
        # ``multiplier`` does not exist in tenacity 8.
        exponent = min(attempt - 1, 64)
        return min(self.initial * 2.0**exponent + random.uniform(0, 1), self.maximum)
