"""The official StatQA answer semantics (spec §6–§8), shared by the scorer and ``rescore``.

* extraction: the first ``{`` of the reply up to the first ``}`` after it, parsed as JSON; no
  object, no closing brace or invalid JSON make the answer INVALID (score 0 on everything);
* comparison, separately for ``columns`` and ``methods``: sets of names lower-cased and stripped;
  a key scores 1 only when the sets are equal and non-empty; a missing key is an empty list and
  any error (a non-string element, a null) scores 0; overall = both keys score 1.

``official`` mode keeps the official scorer's quirks: the gold string has every ``'`` replaced by
``"`` before parsing (a gold column with an apostrophe can never be matched), and a bare string
given for a key is compared character by character. ``strict`` parses the gold as is and scores
a non-list value 0.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .methods import ALL_METHODS

KEYS = ("columns", "methods")
KNOWN_METHODS = {m.lower() for m in ALL_METHODS}


@dataclass(frozen=True)
class KeyResult:
    """The comparison of one key: the set sizes behind the 0/1 score, or why it errored."""

    score: int
    correct: int = 0
    wrong: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class Verdict:
    """One reply graded against one gold answer in one mode."""

    score: int
    columns: KeyResult
    methods: KeyResult
    problem: str = ""  # why nothing could be compared (invalid answer, unparseable gold)
    gold_ok: bool = True

    @property
    def columns_score(self) -> int:
        return self.columns.score

    @property
    def methods_score(self) -> int:
        return self.methods.score


_ZERO = KeyResult(0)


def extract_answer(reply: str) -> tuple[dict[str, Any] | None, str]:
    """``(answer, "")`` or ``(None, why)`` following the official extraction rule."""
    i = reply.find("{")
    if i < 0:
        return None, "no '{' in the reply"
    j = reply.find("}", i)
    if j < 0:
        return None, "no '}' after the first '{' of the reply"
    text = reply[i : j + 1]
    try:
        answer = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep [[[...]]] nesting
        return None, f"the reply's first {{...}} is not valid JSON: {text[:80]!r}"
    return answer, ""


def parse_gold(gold: str, mode: str) -> dict[str, Any] | None:
    """The gold object, or ``None`` when it cannot be parsed in this mode (official: the
    apostrophe quirk makes some golds unparseable, and those items always score 0)."""
    text = gold.replace("'", '"') if mode == "official" else gold
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _names(values: Any, mode: str) -> set[str]:
    if mode == "strict" and not isinstance(values, list):
        raise TypeError(f"expected a list, got {type(values).__name__}")
    # Official behaviour: iterate whatever was given (a string by character, a dict by key);
    # a non-string element or a non-iterable value raises and the key scores 0.
    return {v.strip().lower() for v in values}


def compare_key(
    answer: Mapping[str, Any], gold: Mapping[str, Any], key: str, mode: str
) -> KeyResult:
    try:
        given = _names(answer.get(key, []), mode)
        wanted = _names(gold[key], mode)
    except (TypeError, AttributeError, KeyError) as exc:
        return KeyResult(0, error=f"{type(exc).__name__}: {exc}")
    correct = len(given & wanted)
    wrong = tuple(sorted(given - wanted))
    missed = tuple(sorted(wanted - given))
    return KeyResult(int(correct > 0 and not wrong and not missed), correct, wrong, missed)


def grade(gold: str, reply: str, mode: str) -> Verdict:
    """Score ``reply`` against the gold JSON string ``gold`` in ``mode``."""
    gold_obj = parse_gold(gold, mode)
    if gold_obj is None:
        why = f"the gold answer cannot be parsed in {mode} mode"
        if mode == "official" and "'" in gold:
            why += " (it contains an apostrophe: a known quirk of the official scorer)"
        return Verdict(0, _ZERO, _ZERO, why, gold_ok=False)
    answer, problem = extract_answer(reply)
    if answer is None:
        return Verdict(0, _ZERO, _ZERO, problem)
    cols = compare_key(answer, gold_obj, "columns", mode)
    meths = compare_key(answer, gold_obj, "methods", mode)
    return Verdict(cols.score & meths.score, cols, meths)


def error_category(verdict: Verdict, reply: str) -> str | None:
    """The paper's error category of a failed answer (a diagnostic; precedence unconfirmed)."""
    if verdict.score:
        return None
    if not verdict.gold_ok:
        return "unparseable gold"
    answer, _ = extract_answer(reply)
    text = json.dumps(answer, ensure_ascii=False).lower() if answer is not None else ""
    if answer is None or not any(m in text for m in KNOWN_METHODS):
        return "invalid answer"
    errors = []
    if not verdict.columns_score:
        errors.append("column selection error")
    m = verdict.methods
    if not m.score:
        errors.append("statistical task confusion" if m.correct == 0 else "applicability error")
    return errors[0] if len(errors) == 1 else "mixed error"


def methods_jaccard(verdict: Verdict) -> float | None:
    """Upstream's per-item method Jaccard, correct / (correct + wrong + missed); diagnostic."""
    m = verdict.methods
    total = m.correct + len(m.wrong) + len(m.missed)
    return None if verdict.problem or m.error or not total else round(m.correct / total, 6)
