"""CSR, ISR and SSR exactly as upstream computes them (spec §6.2), from results rows only.

A *dialogue* is one scenario × model × sample, or, with reference history (one scenario per
round), the scenarios sharing ``metadata.dialogue_id``. Its rounds come from the
``sysbench/checklist`` scores (``metadata.sysbench``: round, alignment, items with an
``official`` and a ``strict`` label each).

* CSR = items labelled yes / all items (micro average); per constraint type likewise.
* ISR = rounds that pass / all rounds; official: no item is "no" (other labels such as 不适用
  do not fail the round); strict: every item is "yes". Split by aligned / misaligned rounds.
* k(d) = leading rounds that pass, stopping at the first failure; SSR = mean k(d) / rounds;
  R_j = share of dialogues with k(d) >= j (so SSR = mean of R_1..R_5). Split by dependent /
  parallel dialogues.

Dialogues with an error (a judge that gave no usable verdict, an unreachable model) are left out
of every rate and counted; upstream aborts the whole run instead.

A run without a judge (``--llm-no-judge``) leaves the items only a judge can decide "not
scored". Its numbers are not SysBench's: for such a model the ``official`` and ``strict`` blocks
are None, and a separate ``program_only`` block gives the CSR over the program-scored items
(overall and per type) with how many were scored and not scored — never mixed into CSR/ISR/SSR.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pytest_llmbench.families.sysbench import DIALOGUE_TYPES, TYPE_KEYS

BENCHMARK = "sysbench"
SCORER = "sysbench/checklist"
MODES = ("official", "strict")
PUBLISHED_JUDGE = "gpt-4o-2024-05-13"  # the judge of every published number (spec §6.1)
NOT_SCORED = "not scored"  # the label scorers/sysbench.py gives judge items under --llm-no-judge
PROGRAM_ONLY_LABEL = (
    "CSR over program-checked constraints only (--llm-no-judge): not SysBench's CSR"
)


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


def _dialogues(rows: list[dict[str, Any]]) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """model → dialogue key → {kind, error, rounds: {round: (alignment, items)}}."""
    out: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        meta = row.get("metadata") or {}
        if meta.get("benchmark") != BENCHMARK or row.get("outcome") == "skipped":
            continue
        dialogue = meta.get("dialogue_id") or f"{row.get('file')}::{row.get('scenario')}"
        key = (dialogue, row.get("sample", 0))
        unit = out[row.get("model") or "-"].setdefault(
            key,
            {"kind": meta.get("dialogue"), "error": False, "rounds": {}, "official": True},
        )
        if row.get("outcome") == "error":
            unit["error"] = True
        # Comparable: the suite's wording, data and schedule official, the published judge.
        unit["official"] &= bool((row.get("provenance") or {}).get("comparable"))
        for score in row.get("scores") or ():
            info = (score.get("metadata") or {}).get(BENCHMARK)
            if score.get("name") == SCORER and isinstance(info, dict):
                unit["rounds"][int(info["round"])] = (info["alignment"], info["items"])
                judge = str(((score.get("metadata") or {}).get("judge") or {}).get("model", ""))
                unit["official"] &= judge.rsplit("/", 1)[-1] == PUBLISHED_JUDGE
    return out


def _turn_passes(items: list[dict[str, Any]], mode: str) -> bool:
    if mode == "official":
        return all(it[mode] != "no" for it in items)
    return all(it[mode] == "yes" for it in items)


def _stability(ks: list[tuple[int, int]]) -> dict[str, Any]:
    """``ks``: (k, rounds) per dialogue."""
    if not ks:
        return {"dialogues": 0, "SSR": None, "R": []}
    most = max(n for _, n in ks)
    return {
        "dialogues": len(ks),
        "SSR": sum(k / n for k, n in ks) / len(ks),
        "R": [sum(1 for k, _ in ks if k >= j) / len(ks) for j in range(1, most + 1)],
    }


def _metrics(units: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    yes = total = other = 0
    by_type: dict[str, list[int]] = {t: [0, 0] for t in TYPE_KEYS}
    by_align: dict[str, list[int]] = {"align": [0, 0], "misalign": [0, 0]}
    turns_ok = turns = 0
    ks: dict[str | None, list[tuple[int, int]]] = defaultdict(list)
    for unit in units:
        k, broken = 0, False
        rounds = unit["rounds"]
        for r in sorted(rounds):
            alignment, items = rounds[r]
            for it in items:
                hit = it[mode] == "yes"
                yes, total = yes + hit, total + 1
                other += it[mode] not in ("yes", "no")
                by_type.setdefault(it["type"], [0, 0])
                by_type[it["type"]][0] += hit
                by_type[it["type"]][1] += 1
            ok = _turn_passes(items, mode)
            turns_ok, turns = turns_ok + ok, turns + 1
            by_align.setdefault(alignment, [0, 0])
            by_align[alignment][0] += ok
            by_align[alignment][1] += 1
            broken = broken or not ok
            k += not broken
        if rounds:
            ks[unit["kind"]].append((k, len(rounds)))
    everyone = [x for group in ks.values() for x in group]
    return {
        "CSR": _rate(yes, total),
        "CSR_by_type": {t: _rate(*v) for t, v in by_type.items()},
        "ISR": _rate(turns_ok, turns),
        "ISR_by_alignment": {a: _rate(*v) for a, v in by_align.items()},
        **_stability(everyone),
        "by_dialogue_type": {kind: _stability(ks.get(kind, [])) for kind in DIALOGUE_TYPES},
        "other_labels": other,
    }


def _counts(units: list[dict[str, Any]]) -> dict[str, Any]:
    items = [it for u in units for _, its in u["rounds"].values() for it in its]
    aligns = [a for u in units for a, _ in u["rounds"].values()]
    return {
        "dialogues": len(units),
        "turns": len(aligns),
        "constraints": len(items),
        "constraints_by_type": {t: sum(1 for it in items if it["type"] == t) for t in TYPE_KEYS},
        "turns_by_alignment": {a: aligns.count(a) for a in ("align", "misalign")},
        "dialogues_by_type": {k: sum(1 for u in units if u["kind"] == k) for k in DIALOGUE_TYPES},
        "judged_items": sum(1 for it in items if it.get("judge") is not None),
        "program_items": sum(1 for it in items if it.get("program") is not None),
        "not_scored_items": sum(1 for it in items if it.get("strict") == NOT_SCORED),
    }


def _program_only(units: list[dict[str, Any]]) -> dict[str, Any]:
    items = [it for u in units for _, its in u["rounds"].values() for it in its]
    scored = [it for it in items if it.get("strict") != NOT_SCORED]
    by_type: dict[str, list[int]] = {t: [0, 0] for t in TYPE_KEYS}
    for it in scored:
        counts = by_type.setdefault(it["type"], [0, 0])
        counts[0] += it["strict"] == "yes"
        counts[1] += 1
    return {
        "label": PROGRAM_ONLY_LABEL,
        "CSR": _rate(sum(1 for it in scored if it["strict"] == "yes"), len(scored)),
        "CSR_by_type": {t: _rate(*v) for t, v in by_type.items()},
        "scored": len(scored),
        "not_scored": len(items) - len(scored),
    }


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    per_model = _dialogues(rows)
    if not per_model:
        return None
    models: dict[str, Any] = {}
    for model, dialogues in per_model.items():
        good = [u for u in dialogues.values() if not u["error"]]
        counts = _counts(good)
        unscored = counts["not_scored_items"] > 0
        models[model] = {
            **counts,
            "errors": sum(1 for u in dialogues.values() if u["error"]),
            "comparable": bool(good) and all(u["official"] for u in dialogues.values()),
            **{mode: None if unscored else _metrics(good, mode) for mode in MODES},
        }
        if unscored:
            models[model]["program_only"] = _program_only(good)
    return {"models": models}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def render(agg: dict[str, Any]) -> list[str]:
    lines = []
    for model, m in agg.get("models", {}).items():
        note = (
            "official: comparable with the published numbers"
            if m.get("comparable")
            else "not comparable with the published numbers (needs the official judge "
            f"wording, data and schedule, and judge {PUBLISHED_JUDGE})"
        )
        lines.append(
            f"sysbench [{model}]: {m['dialogues']} dialogues, {m['turns']} turns, "
            f"{m['constraints']} constraints; {m['errors']} dialogue(s) with errors (excluded)"
            f"; {note}"
        )
        if not m["dialogues"]:
            continue
        if m.get("program_only"):
            lines += _render_program_only(m["program_only"])
            continue
        for mode in MODES:
            x = m[mode]
            a = x["ISR_by_alignment"]
            lines.append(
                f"  {mode:<8} CSR {_pct(x['CSR'])}  ISR {_pct(x['ISR'])}  SSR {_pct(x['SSR'])}"
                f"  | ISR aligned {_pct(a.get('align'))} misaligned {_pct(a.get('misalign'))}"
                + (f"  | other labels {x['other_labels']}" if x["other_labels"] else "")
            )
            types = " ".join(f"{t} {_pct(v)}" for t, v in x["CSR_by_type"].items() if v is not None)
            lines.append(f"           CSR by type: {types}")
            parts = []
            for kind, s in x["by_dialogue_type"].items():
                if s["dialogues"]:
                    rs = " ".join(_pct(r) for r in s["R"])
                    parts.append(f"{kind} {_pct(s['SSR'])} (n={s['dialogues']}, R1.. {rs})")
            if parts:
                lines.append("           SSR " + "; ".join(parts))
    return lines


def _render_program_only(p: dict[str, Any]) -> list[str]:
    types = " ".join(f"{t} {_pct(v)}" for t, v in p["CSR_by_type"].items() if v is not None)
    return [
        f"  program checks only: CSR {_pct(p['CSR'])} over {p['scored']} program-checked "
        f"constraints; {p['not_scored']} not scored (they need --llm-judge-model)",
        f"           CSR by type: {types}",
        "           not SysBench's CSR; no ISR/SSR without a judge",
    ]
