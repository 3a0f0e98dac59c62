"""SysBench scorer: ``sysbench/checklist`` judges one turn's reply against its constraint list.

Each constraint has an ``id``, a ``type`` (action, content, background, role, format, style, or
the Chinese labels of the official data), its ``text`` and either a program ``check`` (see
``_sysbench_checks``) or nothing, meaning only the LLM judge can decide it.

Verdicts per item (spec §7): *official* is the judge's label for every item when the run has a
judge (``--llm-judge-model``), as upstream, else the program's; *strict* is the program's where
there is one, else the judge's. A turn passes officially when no item is "no", strictly when
every item is "yes". Both are recorded (``metadata["modes"]``); ``ctx.mode`` picks ``passed``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_llmbench.errors import InfrastructureError
from pytest_llmbench.families.sysbench import ALIGNMENTS, type_key
from pytest_llmbench.families.sysbench.judge import (
    YES,
    ChecklistLine,
    JudgeOutcome,
    JudgeProtocol,
    ask,
    official_protocol,
    own_protocol,
)
from pytest_llmbench.families.sysbench.judge_official import OfficialJudge
from pytest_llmbench.scoring.api import Score, ScorerContext, scorer

from ._match import check_count, quote, truncate
from ._sysbench_checks import CheckFn, build_all

_ITEM_KEYS = {"id", "type", "text", "check", "method", "key"}


@dataclass(frozen=True)
class Item:
    id: str
    type: str  # English key
    type_label: str  # as written (the judge sees it)
    text: str
    checks: tuple[tuple[str, CheckFn], ...]

    def run(self, reply: str) -> tuple[str, list[str]]:
        """The program verdict (yes/no) and one reason per check."""
        results = [(name, *fn(reply)) for name, fn in self.checks]
        verdict = YES if all(ok for _, ok, _ in results) else "no"
        return verdict, [f"{name}: {why}" for name, _, why in results]


def _item(raw: object, index: int) -> Item:
    where = f"criteria[{index}]"
    if not isinstance(raw, Mapping):
        raise TypeError(f"{where} must be a mapping with id, type, text and optionally check")
    unknown = set(raw) - _ITEM_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}")
    if "type" not in raw or not isinstance(raw.get("text"), str) or not raw["text"].strip():
        raise ValueError(f"{where} needs 'type' and a non-empty 'text'")
    method = raw.get("method", "program" if "check" in raw else "judge")
    if method not in ("program", "judge"):
        raise ValueError(f"{where}.method must be 'program' or 'judge', got {method!r}")
    if (method == "program") != ("check" in raw):
        need = "needs a 'check'" if method == "program" else "must not have a 'check'"
        raise ValueError(f"{where}: method {method!r} {need}")
    checks = build_all(raw["check"], f"{where}.check") if "check" in raw else ()
    item_id = str(raw.get("id", index + 1)).strip()
    return Item(item_id, type_key(raw["type"]), str(raw["type"]), raw["text"].strip(), checks)


def _round(ctx: ScorerContext) -> int:
    """The dialogue's round (1-based, SysBench's numbering), counting prefilled history: with
    reference history (one scenario per round) the scorer still knows which round it judges."""
    return sum(1 for m in ctx.messages if m.role == "user")


def _verdicts(
    items: tuple[Item, ...],
    program: dict[str, tuple[str, list[str]]],
    judged: JudgeOutcome | None,
) -> list[dict[str, Any]]:
    out = []
    for it in items:
        prog = program[it.id][0] if it.id in program else None
        judge = judged.verdicts[it.id] if judged is not None else None
        official = judge if judge is not None else prog
        strict = prog if prog is not None else judge
        out.append(
            {
                "id": it.id,
                "type": it.type,
                "text": it.text,
                "method": "program" if it.checks else "judge",
                "program": prog,
                "detail": program[it.id][1] if it.id in program else [],
                "judge": judge,
                "official": official,
                "strict": strict,
            }
        )
    return out


def _score(
    ctx: ScorerContext,
    items: tuple[Item, ...],
    alignment: str,
    program: dict[str, tuple[str, list[str]]],
    judged: JudgeOutcome | None,
    wording: str = "own",
) -> Score:
    rows = _verdicts(items, program, judged)
    modes = {
        "official": all(r["official"] != "no" for r in rows),
        "strict": all(r["strict"] == YES for r in rows),
    }
    mode = ctx.mode
    satisfied = sum(1 for r in rows if r[mode] == YES)
    round_ = _round(ctx)
    head = f"round {round_} ({alignment}): {satisfied}/{len(rows)} constraints satisfied"
    bad = [r for r in rows if (r[mode] == "no" if mode == "official" else r[mode] != YES)]
    notes = []
    for r in bad:
        source = "judge" if r[mode] == r["judge"] and r["judge"] is not None else "program"
        why = "; ".join(d for d in r["detail"]) if source == "program" else f"judge: {r[mode]}"
        notes.append(f"✗ [{r['id']}] {r['type']} {quote(r['text'], 60)}: {truncate(why, 200)}")
    meta: dict[str, Any] = {
        "modes": modes,
        "sysbench": {"round": round_, "alignment": alignment, "items": rows},
    }
    if judged is not None and ctx.judge is not None:
        meta["judge"] = {
            "model": ctx.judge.model,
            "wording": wording,
            "attempts": len(judged.answers),
            "answers": judged.answers,
            "reasoning": judged.reasoning,
            "problems": judged.problems,
        }
    value = satisfied / len(rows) if rows else 1.0
    return Score(modes[mode], "; ".join([head, *notes]), value, metadata=meta)


@scorer("sysbench/checklist")
def checklist(
    criteria: list[dict[str, Any]],
    alignment: str = "align",
    judge_tries: int = 10,
    judge: dict[str, Any] | None = None,
) -> Any:
    """One turn's SysBench checklist; ``alignment`` is ``align`` or ``misalign`` (whether the
    user request agrees with the system message). ``judge_tries``: judge answers to try
    before the dialogue becomes an error. ``judge``: the official judge (its prompt, read from
    the user's checkout by ``llmbench import sysbench --official-code``, and its schedule);
    without it the judge uses our own wording."""
    if not isinstance(criteria, list):
        raise TypeError("criteria must be a list of constraints")
    items = tuple(_item(raw, i) for i, raw in enumerate(criteria))
    ids = [it.id for it in items]
    if len(set(ids)) != len(ids):
        raise ValueError(f"criteria ids must be unique, got {ids}")
    if alignment not in ALIGNMENTS:
        raise ValueError(f"alignment must be 'align' or 'misalign', got {alignment!r}")
    align = ALIGNMENTS[alignment]
    tries = check_count(judge_tries, "judge_tries")
    if tries < 1:
        raise ValueError("judge_tries must be at least 1")
    protocol: JudgeProtocol = own_protocol(tries)
    if judge is not None:
        if judge_tries != 10:
            raise ValueError("judge_tries does not apply to the official judge (its schedule does)")
        protocol = official_protocol(OfficialJudge.from_args(judge))
    # The judge sees each constraint's text as written (upstream does not trim it).
    lines = [
        ChecklistLine(
            it.id, str(raw["text"]), it.type_label, str(raw["key"]) if "key" in raw else None
        )
        for it, raw in zip(items, criteria, strict=True)
    ]

    async def with_judge(ctx: ScorerContext, program: dict[str, tuple[str, list[str]]]) -> Score:
        assert ctx.judge is not None
        judged = await ask(ctx.judge, ctx.messages, lines, protocol=protocol)
        return _score(ctx, items, align, program, judged, protocol.name)

    def score(ctx: ScorerContext) -> Score | Awaitable[Score]:
        program = {it.id: it.run(ctx.reply) for it in items if it.checks}
        if ctx.judge is not None and items:
            return with_judge(ctx, program)
        unchecked = [it.id for it in items if not it.checks]
        if unchecked:
            raise InfrastructureError(
                f"sysbench/checklist: constraint(s) {', '.join(unchecked)} need an LLM judge; "
                "pass --llm-judge-model=MODEL"
            )
        return _score(ctx, items, align, program, None)

    return score
