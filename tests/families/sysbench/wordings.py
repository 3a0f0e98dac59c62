"""The wording table of ``data/wordings.yaml`` and what the classifier and checkers make of it.

Shared by ``test_wordings.py`` and ``make_wordings_fixture.py``;
``python -m tests.families.sysbench.wordings`` prints the coverage figures (program checks among
the constraints a program can decide, wrong verdicts on the must-pass / must-fail replies,
judge-only wordings that got a check).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pytest_llmbench.families.sysbench.classify import Classification, classify_wording
from pytest_llmbench.families.sysbench.scorers import _item

WORDINGS = Path(__file__).parent / "data" / "wordings.yaml"
USER = "请回答。"  # the user message of replies that do not name one


@dataclass(frozen=True)
class Reply:
    text: str
    user: str = USER


def _replies(raw: list[Any]) -> tuple[Reply, ...]:
    return tuple(
        Reply(r["reply"], r.get("user", USER)) if isinstance(r, dict) else Reply(str(r))
        for r in raw
    )


@dataclass(frozen=True)
class Wording:
    text: str
    type: str
    family: str
    method: str
    check: Any
    decides: str | None
    when: Any
    passes: tuple[Reply, ...]
    fails: tuple[Reply, ...]

    def expected(self) -> tuple[str, Any, Any, Any]:
        return (self.method, self.check, self.decides, self.when)


def load() -> list[Wording]:
    out = []
    for raw in yaml.safe_load(WORDINGS.read_text(encoding="utf-8")):
        out.append(
            Wording(
                text=raw["text"],
                type=raw["type"],
                family=raw["family"],
                method=raw["method"],
                check=raw.get("check"),
                decides=raw.get("decides"),
                when=raw.get("when"),
                passes=_replies(raw.get("pass", [])),
                fails=_replies(raw.get("fail", [])),
            )
        )
    return out


def classified(c: Classification) -> tuple[str, Any, Any, Any]:
    return (c.method, c.check, c.decides, c.when)


def program_verdict(c: Classification, w: Wording, reply: Reply) -> str:
    """The program verdict of the classifier's own check on ``reply`` (yes / no)."""
    raw: dict[str, Any] = {"id": "1", "type": w.type, "text": w.text, "method": c.method}
    for key in ("check", "decides", "when"):
        if getattr(c, key) is not None:
            raw[key] = getattr(c, key)
    return _item(raw, 0).run(reply.text, reply.user)[0]


@dataclass(frozen=True)
class Figures:
    wordings: int
    decidable: int  # expected: a full program check
    programmed: int  # ... and the classifier made exactly that check
    partial_expected: int
    partial_got: int
    judge_expected: int
    judge_with_check: list[str]  # judge-only wordings the classifier gave a check: must be none
    wrong_verdicts: list[str]  # (text, reply) where a program verdict contradicts the table
    misclassified: list[str]


def figures(wordings: list[Wording]) -> Figures:
    wrong, misses, judge_checked = [], [], []
    decidable = programmed = partial_expected = partial_got = judge_expected = 0
    for w in wordings:
        c = classify_wording(w.text)
        if classified(c) != w.expected():
            misses.append(f"{w.text!r}: expected {w.expected()}, got {classified(c)} ({c.note})")
        if w.method == "program":
            decidable += 1
            programmed += classified(c) == w.expected()
        elif w.method == "partial":
            partial_expected += 1
            partial_got += classified(c) == w.expected()
        else:
            judge_expected += 1
            if c.check is not None:
                judge_checked.append(f"{w.text!r}: {c.method} {c.check}")
        if c.check is None:
            continue
        for want, replies in (("yes", w.passes), ("no", w.fails)):
            for reply in replies:
                got = program_verdict(c, w, reply)
                if got != want and w.method != "judge":
                    wrong.append(f"{w.text!r} on {reply.text!r}: program says {got}")
    return Figures(
        len(wordings), decidable, programmed, partial_expected, partial_got, judge_expected,
        judge_checked, wrong, misses,
    )  # fmt: skip


def report(f: Figures) -> list[str]:
    share = 100 * f.programmed / f.decidable if f.decidable else 0.0
    return [
        f"{f.wordings} wordings: {f.decidable} program-decidable, {f.partial_expected} partial, "
        f"{f.judge_expected} judge-only",
        f"program-decidable with the right program check: {f.programmed}/{f.decidable} "
        f"({share:.1f} %)",
        f"partial with the right partial check: {f.partial_got}/{f.partial_expected}",
        f"judge-only wordings given a check: {len(f.judge_with_check)}",
        f"wrong program verdicts on must-pass/must-fail replies: {len(f.wrong_verdicts)}",
        *(f"  wrong: {x}" for x in f.wrong_verdicts),
        *(f"  judge item checked: {x}" for x in f.judge_with_check),
        *(f"  misclassified: {x}" for x in f.misclassified),
    ]


if __name__ == "__main__":
    print("\n".join(report(figures(load()))))
