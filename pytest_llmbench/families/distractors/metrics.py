"""HotpotQA answer metrics and the project's answer extraction (pure functions).

Written from the documented semantics of the official ``hotpot_evaluate_v1.py`` (HotpotQA,
Yang et al. 2018): answer normalisation, exact match and token-level F1 with the yes/no rule.
The benchmark publishes no answer extraction, so the project's documented rule is used: the
text after the *last* ``Final Answer:`` label up to the end of that line, or the whole reply.

``official`` mode is bit-exact HotpotQA; ``strict`` mode also folds Unicode (NFKC), deletes every
Unicode punctuation character (en dashes and curly quotes otherwise stay glued to tokens) and
gives EM 0 when both strings are empty.  Used by the ``distractors/f1`` scorer, ``llmbench rescore
distractors``, the generator's self-check and the aggregate.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass

from pytest_llmbench.scoring.api import SCORING_MODES

# The 32 characters of Python's string.punctuation: exactly the set HotpotQA deletes.
_ASCII_PUNCT = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_LABEL = re.compile(r"final answer:", re.IGNORECASE)
# HotpotQA zeroes F1 when either side is one of these and the two differ (a "yes" answer must
# not get partial credit against a "no" gold, nor a sentence containing "no").
_SPECIAL = frozenset({"yes", "no", "noanswer"})


@dataclass(frozen=True)
class Extraction:
    text: str
    label_found: bool  # False: no "Final Answer:" label, the whole reply was scored


@dataclass(frozen=True)
class AnswerScore:
    em: float
    f1: float
    precision: float
    recall: float


def extract_answer(reply: str) -> Extraction:
    """The text after the last case-insensitive ``Final Answer:`` up to the end of its line."""
    matches = list(_LABEL.finditer(reply))
    if not matches:
        return Extraction(reply.strip(), False)
    last = matches[-1]
    end = reply.find("\n", last.end())
    return Extraction(reply[last.end() : end if end >= 0 else None].strip(), True)


def gives_answer(extracted: str, label_found: bool, answer: str) -> bool:
    """Whether the reply's extracted answer (``extract_answer``) is ``answer``: equal after
    normalisation when a ``Final Answer:`` label was found, else (the whole reply was
    extracted) ``answer``'s normalised words occur as a run in the normalised reply."""
    got, want = normalize_answer(extracted), normalize_answer(answer)
    if not got or not want:
        return False
    if label_found:
        return got == want
    return f" {want} " in f" {got} "


def _is_punct(ch: str, strict: bool) -> bool:
    return ch in _ASCII_PUNCT or (strict and unicodedata.category(ch).startswith("P"))


def normalize_answer(s: str, mode: str = "official") -> str:
    """HotpotQA normalisation, in its order: lower-case, delete punctuation (not replaced by a
    space, so "3,677" = "3677"), articles to spaces, collapse whitespace."""
    strict = _check_mode(mode) == "strict"
    if strict:
        s = unicodedata.normalize("NFKC", s)
    s = "".join(ch for ch in s.lower() if not _is_punct(ch, strict))
    s = _ARTICLES.sub(" ", s)
    return " ".join(s.split())


def score_answer(prediction: str, gold: str, mode: str = "official") -> AnswerScore:
    """EM, F1, precision and recall of ``prediction`` (already extracted) against ``gold``."""
    p, g = normalize_answer(prediction, mode), normalize_answer(gold, mode)
    em = float(p == g and not (mode == "strict" and not g))
    zero = AnswerScore(em, 0.0, 0.0, 0.0)
    if (p in _SPECIAL or g in _SPECIAL) and p != g:
        return zero
    common = sum((Counter(p.split()) & Counter(g.split())).values())
    if common == 0:  # also covers both-empty: EM may be 1 (official) but F1 is 0
        return zero
    precision, recall = common / len(p.split()), common / len(g.split())
    return AnswerScore(em, 2 * precision * recall / (precision + recall), precision, recall)


def score_reply(reply: str, gold: str, mode: str = "official") -> dict[str, object]:
    """Extraction then scoring: the fields ``llmbench rescore distractors`` adds to a line."""
    ex = extract_answer(reply)
    out: dict[str, object] = dict(asdict(score_answer(ex.text, gold, mode)))
    out["extracted"] = ex.text
    out["extraction"] = "label" if ex.label_found else "fallback"
    return out


def _check_mode(mode: str) -> str:
    if mode not in SCORING_MODES:
        raise ValueError(f"mode must be one of {', '.join(SCORING_MODES)}, got {mode!r}")
    return mode
