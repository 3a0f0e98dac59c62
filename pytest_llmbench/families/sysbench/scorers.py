"""SysBench scorer: ``sysbench/checklist`` judges one turn's reply against its constraint list.

Each constraint has an ``id``, a ``type`` (action, content, background, role, format, style, or
the Chinese labels of the official data), its ``text`` and a ``method``: ``program`` (a
``check`` decides it, see ``checks``), ``partial`` (a ``check`` decides it only when
its verdict is the one named by ``decides``, the judge otherwise) or ``judge``. A check may
hold only under a mechanical condition (``when``, see ``when``).

Verdicts per item (spec §7): *official* is the judge's label for every item when the run has a
judge (``--llm-judge-model``), as upstream, else the program's; *strict* is the program's where
it decides, else the judge's. A turn passes officially when no item is "no", strictly when
every item is "yes". Both are recorded (``metadata["modes"]``); ``ctx.mode`` picks ``passed``.

A checklist with partial or judge items declares at build time that it needs the judge
(``requires_judge``): collection refuses it when the run has none, unless the run is
``--llm-no-judge``, which uses the program-only variant — program items scored, the others
labelled "not scored", and neither official nor strict verdicts given.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_llmbench.errors import InfrastructureError
from pytest_llmbench.families.sysbench import ALIGNMENTS, type_key
from pytest_llmbench.families.sysbench.judge_official import OfficialJudge
from pytest_llmbench.families.sysbench.llm_judge import (
    YES,
    ChecklistLine,
    JudgeOutcome,
    JudgeProtocol,
    ask,
    official_protocol,
    own_protocol,
)
from pytest_llmbench.scorers.matching import check_count, quote, truncate
from pytest_llmbench.scoring.api import Score, ScorerContext, requires_judge, scorer

from .checks import CheckFn, build_all
from .when import When, build_when

_ITEM_KEYS = {"id", "type", "text", "check", "method", "decides", "when", "key"}
METHODS = ("program", "partial", "judge")
NOT_SCORED = "not scored"  # --llm-no-judge: an item only the judge could decide


@dataclass(frozen=True)
class Item:
    id: str
    type: str  # English key
    type_label: str  # as written (the judge sees it)
    text: str
    checks: tuple[tuple[str, CheckFn], ...]
    method: str = "program"
    decides: str | None = None  # partial: the program verdict that settles the item
    when: When | None = None

    def run(self, reply: str, user: str = "") -> tuple[str, list[str]]:
        """The program verdict (yes/no) and one reason per check."""
        if self.when is not None:
            holds, why = self.when(user)
            if not holds:
                return YES, [f"when: {why}, so the constraint does not apply"]
        results = [(name, *fn(reply)) for name, fn in self.checks]
        verdict = YES if all(ok for _, ok, _ in results) else "no"
        # A "no" lists only the sub-checks that failed: a passing one is no reason.
        return verdict, [f"{n}: {why}" for n, ok, why in results if verdict == YES or not ok]


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
    if method not in METHODS:
        raise ValueError(f"{where}.method must be one of {', '.join(METHODS)}, got {method!r}")
    if (method != "judge") != ("check" in raw):
        need = "needs a 'check'" if method != "judge" else "must not have a 'check'"
        raise ValueError(f"{where}: method {method!r} {need}")
    decides = raw.get("decides", "no" if method == "partial" else None)
    if method == "partial" and decides not in (YES, "no"):
        raise ValueError(f"{where}.decides must be 'yes' or 'no', got {decides!r}")
    if method != "partial" and "decides" in raw:
        raise ValueError(f"{where}: 'decides' belongs to method 'partial' only")
    if "when" in raw and "check" not in raw:
        raise ValueError(f"{where}: 'when' needs a 'check'")
    checks = build_all(raw["check"], f"{where}.check") if "check" in raw else ()
    when = build_when(raw["when"], f"{where}.when") if "when" in raw else None
    item_id = str(raw.get("id", index + 1)).strip()
    return Item(
        item_id, type_key(raw["type"]), str(raw["type"]), raw["text"].strip(), checks,
        method, decides, when,
    )  # fmt: skip


def _round(ctx: ScorerContext) -> int:
    """The dialogue's round (1-based, SysBench's numbering), counting prefilled history: with
    reference history (one scenario per round) the scorer still knows which round it judges."""
    return sum(1 for m in ctx.messages if m.role == "user")


def _labels(it: Item, prog: str | None, judge: str | None, no_judge: bool) -> tuple[Any, Any]:
    """(official, strict) of one item."""
    if no_judge:
        return (prog, prog) if it.method == "program" else (NOT_SCORED, NOT_SCORED)
    official = judge if judge is not None else prog
    if it.method == "program":
        return official, prog
    if it.method == "partial" and prog == it.decides:
        return official, prog
    return official, judge


def _verdicts(
    items: tuple[Item, ...],
    program: dict[str, tuple[str, list[str]]],
    judged: JudgeOutcome | None,
    no_judge: bool = False,
) -> list[dict[str, Any]]:
    out = []
    for it in items:
        prog = program[it.id][0] if it.id in program else None
        judge = judged.verdicts[it.id] if judged is not None else None
        official, strict = _labels(it, prog, judge, no_judge)
        row = {
            "id": it.id,
            "type": it.type,
            "text": it.text,
            "method": it.method,
            "program": prog,
            "detail": program[it.id][1] if it.id in program else [],
            "judge": judge,
            "official": official,
            "strict": strict,
        }
        if it.decides is not None:
            row["decides"] = it.decides
        out.append(row)
    return out


def _score(
    ctx: ScorerContext,
    items: tuple[Item, ...],
    alignment: str,
    program: dict[str, tuple[str, list[str]]],
    judged: JudgeOutcome | None,
    wording: str = "own",
    no_judge: bool = False,
) -> Score:
    rows = _verdicts(items, program, judged, no_judge)
    round_ = _round(ctx)
    if no_judge:
        return _program_only(ctx, rows, round_, alignment)
    modes = {
        "official": all(r["official"] != "no" for r in rows),
        "strict": all(r["strict"] == YES for r in rows),
    }
    mode = ctx.mode
    satisfied = sum(1 for r in rows if r[mode] == YES)
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


def _program_only(
    ctx: ScorerContext, rows: list[dict[str, Any]], round_: int, alignment: str
) -> Score:
    """--llm-no-judge: the turn passes when every program-scored item is "yes"; the others
    are "not scored" and neither official nor strict verdicts are claimed."""
    scored = [r for r in rows if r["strict"] != NOT_SCORED]
    satisfied = sum(1 for r in scored if r["strict"] == YES)
    skipped = len(rows) - len(scored)
    head = (
        f"round {round_} ({alignment}): {satisfied}/{len(scored)} program-checked constraints "
        f"satisfied" + (f", {skipped} not scored (no judge)" if skipped else "")
    )
    notes = [
        f"✗ [{r['id']}] {r['type']} {quote(r['text'], 60)}: {truncate('; '.join(r['detail']), 200)}"
        for r in scored
        if r["strict"] != YES
    ]
    passed = satisfied == len(scored)
    meta = {
        "modes": {"program_only": passed},
        "sysbench": {"round": round_, "alignment": alignment, "items": rows, "program_only": True},
    }
    value = satisfied / len(scored) if scored else None
    return Score(passed, "; ".join([head, *notes]), value, metadata=meta)


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
    needy = [it for it in items if it.method != "program"]

    def run_programs(ctx: ScorerContext) -> dict[str, tuple[str, list[str]]]:
        return {it.id: it.run(ctx.reply, ctx.last_user) for it in items if it.checks}

    async def with_judge(ctx: ScorerContext, program: dict[str, tuple[str, list[str]]]) -> Score:
        assert ctx.judge is not None
        judged = await ask(ctx.judge, ctx.messages, lines, protocol=protocol)
        return _score(ctx, items, align, program, judged, protocol.name)

    def score(ctx: ScorerContext) -> Score | Awaitable[Score]:
        program = run_programs(ctx)
        if ctx.judge is not None and items:
            return with_judge(ctx, program)
        if needy:
            raise InfrastructureError(
                f"sysbench/checklist: constraint(s) {', '.join(it.id for it in needy)} need an "
                "LLM judge; pass --llm-judge-model=MODEL (or --llm-no-judge)"
            )
        return _score(ctx, items, align, program, None)

    def without_judge(ctx: ScorerContext) -> Score:
        return _score(ctx, items, align, run_programs(ctx), None, no_judge=True)

    if not needy:
        return score
    shown = ", ".join(f"{it.id} ({quote(it.text, 30)})" for it in needy[:3])
    more = f" and {len(needy) - 3} more" if len(needy) > 3 else ""
    return requires_judge(score, f"constraint(s) {shown}{more}", without_judge)
