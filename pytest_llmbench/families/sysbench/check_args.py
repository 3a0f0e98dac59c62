"""Argument parsing for SysBench checks: numeric bounds and ``{key: value}`` / shorthand forms.

Bounds are explicit because SysBench wording is ambiguous ("N个以上" is >= N or > N): a check
states ``eq``, ``min`` (>=), ``max`` (<=), ``lt`` (<) and/or ``gt`` (>). Every parser raises
TypeError/ValueError, which the registry turns into a collection error naming the line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_llmbench.scorers.matching import check_bool, check_count, check_str, check_texts

_OPS = {"eq": "exactly", "min": "at least", "max": "at most", "lt": "fewer than", "gt": "more than"}
BOUND_KEYS = tuple(_OPS)


@dataclass(frozen=True)
class Bounds:
    limits: tuple[tuple[str, int], ...]

    def ok(self, n: int) -> bool:
        tests = {
            "eq": lambda v: n == v,
            "min": lambda v: n >= v,
            "max": lambda v: n <= v,
            "lt": lambda v: n < v,
            "gt": lambda v: n > v,
        }
        return all(tests[op](v) for op, v in self.limits)

    def describe(self) -> str:
        return " and ".join(f"{_OPS[op]} {v}" for op, v in self.limits)


def counted(got: int, b: Bounds, what: str) -> tuple[bool, str]:
    """A count check's verdict and reason ("expected at most 3 emoji, got 4")."""
    ok = b.ok(got)
    return ok, f"{'' if ok else 'expected '}{b.describe()} {what}, got {got}"


def bounds(value: Any, name: str, extra: tuple[str, ...] = ()) -> Bounds:
    """An int (exactly that many) or a mapping of ``eq``/``min``/``max``/``lt``/``gt``; keys in
    ``extra`` are allowed (and ignored) so a check can mix its own options with bounds."""
    if isinstance(value, Mapping):
        unknown = set(value) - set(_OPS) - set(extra)
        if unknown:
            raise ValueError(f"{name}: unknown key(s) {sorted(unknown)}; use {sorted(_OPS)}")
        limits = tuple((op, check_count(value[op], f"{name}.{op}")) for op in _OPS if op in value)
    else:
        limits = (("eq", check_count(value, name)),)
    if not limits:
        raise ValueError(f"{name}: give at least one of {', '.join(_OPS)}")
    return Bounds(limits)


def keywords(
    value: Any, name: str, main: str, defaults: Mapping[str, Any], extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``value`` as keywords: a mapping (``main`` required, other keys from ``defaults`` or
    ``extra``), or the shorthand ``value`` = the ``main`` argument alone."""
    if isinstance(value, Mapping):
        allowed = {main, *defaults, *extra}
        unknown = set(value) - allowed
        if unknown:
            raise ValueError(f"{name}: unknown key(s) {sorted(unknown)}; allowed {sorted(allowed)}")
        if main not in value:
            raise ValueError(f"{name}: missing {main!r}")
        return {**defaults, **value}
    return {**defaults, main: value}


def flag(value: Any, name: str) -> bool:
    """Checks such as ``no_digits: true``; ``false`` would mean 'no check', which is a mistake."""
    if check_bool(value, name) is not True:
        raise ValueError(f"{name}: only 'true' makes sense (remove the check instead)")
    return True


def texts(value: Any, name: str) -> tuple[str, ...]:
    return check_texts(value, name)


def text(value: Any, name: str) -> str:
    return check_str(value, name, allow_empty=False)


def boolean(value: Any, name: str) -> bool:
    return check_bool(value, name)
