"""ToolBH aggregates (spec §5): per subtask, per scenario (MNT/PT/LFT) and the overall score.

Only the *unsolvable* version enters the published numbers; solvable scores are reported
apart. Overall = the mean of one list holding every unsolvable row's L1, L2, L3-PR and L3-MS
(rows weighted equally, i.e. scenarios 3:2:2). Values stay on 0-1 at full precision; ``render``
shows x100. Works from results-file rows (pytest) and from rescored lines alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .parse import GROUPS, SUBTASK_GROUP

MODES = ("official", "strict")
METRICS = ("L1", "L2", "L3_PR", "L3_MS")
_METRIC = {"level_1": "L1", "level_2": "L2", "level_3": "L3_PR"}
CONDITIONS = (
    "non_existent_tools",
    "solvability_hallu",
    "wrong_tools",
    "wrong_unsolvable_index",
    "wrong_reasoning",
    "correct",
)


@dataclass(frozen=True)
class Record:
    """One scored (row, level, variant) sample in one mode; ``error``: no model output (T9)."""

    language: str
    subtask: str
    level: str
    variant: str
    score: float | None
    ms: float | None = None
    ms_status: str = "not applicable"
    condition: str | None = None
    error: bool = False
    # The suite's wording, data and decoding all official (its provenance); rescored official
    # outputs carry no provenance and count as comparable.
    comparable: bool = True


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarize(records: Iterable[Record], mode: str) -> dict[str, Any]:
    """The official aggregate of one language's records in ``mode``.

    Errors (T9): ``official`` counts them as 0 (the official code stored ``""``); ``strict``
    excludes them. MS: any L3 row whose MS was not computed makes MS and Overall "not
    computed"; an unsolvable gold without ``UnsolvableQuery`` (T12) makes the official MS
    undefined (NaN upstream) and is excluded in ``strict``.
    """
    records = list(records)
    values: dict[str, dict[str, list[float]]] = {}
    conditions: dict[str, Counter[str]] = {"level_2": Counter(), "level_3": Counter()}
    solvable: dict[str, list[float]] = {}
    errors = excluded = data_errors = 0
    ms_missing = False
    for r in records:
        if r.error:
            errors += 1
            if mode == "strict":
                excluded += 1
                continue
        score = 0.0 if r.error or r.score is None else r.score
        if r.variant == "solvable":
            solvable.setdefault(_METRIC[r.level], []).append(score)
            continue
        bucket = values.setdefault(r.subtask, {m: [] for m in METRICS})
        bucket[_METRIC[r.level]].append(score)
        if r.level in conditions:
            # An empty output parses to [""] at L2 (an unknown tool) and to no step at L3.
            empty = "non_existent_tools" if r.level == "level_2" else "solvability_hallu"
            conditions[r.level][r.condition or empty] += 1
        if r.level != "level_3":
            continue
        if r.error:
            bucket["L3_MS"].append(0.0)  # "" scores solvability_hallu: every position 0
        elif r.ms_status == "data error":
            data_errors += 1
            ms_missing = ms_missing or mode == "official"
        elif r.ms is not None:
            bucket["L3_MS"].append(r.ms)
        else:
            ms_missing = True
    return {
        "mode": mode,
        "comparable": mode == "official" and all(r.comparable for r in records),
        "subtasks": {s: _means(v, ms_missing) for s, v in values.items()},
        "groups": {
            g: _means(_merge(v for s, v in values.items() if SUBTASK_GROUP.get(s) == g), ms_missing)
            for g in GROUPS
            if any(SUBTASK_GROUP.get(s) == g for s in values)
        },
        "overall": None
        if ms_missing
        else _mean([x for v in values.values() for m in METRICS for x in v[m]]),
        "ms": "not computed" if ms_missing else "computed",
        "n": sum(_rows(v) for v in values.values()),
        "solvable": {m: _mean(v) for m, v in solvable.items()},
        "conditions": {lvl: {c: n for c, n in cnt.items()} for lvl, cnt in conditions.items()},
        "errors": errors,
        "excluded": excluded,
        "data_errors": data_errors,
    }


def _merge(parts: Iterable[dict[str, list[float]]]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {m: [] for m in METRICS}
    for p in parts:
        for m in METRICS:
            out[m].extend(p[m])
    return out


def _means(v: dict[str, list[float]], ms_missing: bool) -> dict[str, Any]:
    out = {m: _mean(v[m]) for m in METRICS}
    if ms_missing:
        out["L3_MS"] = None
    out["n"] = _rows(v)
    return out


def _rows(v: dict[str, list[float]]) -> int:
    """Rows seen in a bucket (a run may hold only some levels)."""
    return max(len(v[m]) for m in ("L1", "L2", "L3_PR"))


# --- from pytest results rows ----------------------------------------------------------------


def records_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, list[Record]]]:
    """``{language: {mode: [Record]}}`` from the rows of official-protocol scenarios."""
    out: dict[str, dict[str, list[Record]]] = {}
    for row in rows:
        meta = row.get("metadata") or {}
        if meta.get("benchmark") != "toolbh" or meta.get("protocol") != "official":
            continue
        if row.get("outcome") == "skipped":
            continue
        score = next((s for s in row.get("scores") or [] if s.get("name") == "toolbh/level"), None)
        lang = str(meta.get("language", "en"))
        comparable = bool((row.get("provenance") or {}).get("comparable"))
        for mode in MODES:
            detail = (score or {}).get("metadata", {}).get(mode)
            rec = Record(
                lang,
                str(meta.get("subtask")),
                str(meta.get("level")),
                str(meta.get("variant")),
                None if detail is None else detail.get("score"),
                None if detail is None else detail.get("ms_mean"),
                "not applicable" if detail is None else detail.get("ms_status", ""),
                None if detail is None else detail.get("condition"),
                error=detail is None,
                comparable=comparable,
            )
            out.setdefault(lang, {}).setdefault(mode, []).append(rec)
    return out


def _native(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    for row in rows:
        meta = row.get("metadata") or {}
        if meta.get("benchmark") != "toolbh" or meta.get("protocol") != "native":
            continue
        if row.get("outcome") not in ("passed", "failed"):
            continue
        key = f"{meta.get('group', '?')}/{meta.get('variant', '?')}"
        total[key] += 1
        passed[key] += row.get("outcome") == "passed"
        failures.update(s["name"] for s in row.get("scores") or [] if not s.get("passed"))
    return {
        "pass_rate": {k: passed[k] / total[k] for k in sorted(total)},
        "n": dict(total),
        "failed_checks": dict(failures),
    }


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    protocol = {
        lang: {mode: summarize(recs, mode) for mode, recs in by_mode.items()}
        for lang, by_mode in records_from_rows(rows).items()
    }
    native = _native(rows)
    if not protocol and not native["n"]:
        return None
    return {"protocol": protocol, "native": native if native["n"] else None}


# --- text --------------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}"


def render_summary(language: str, s: Mapping[str, Any]) -> list[str]:
    note = "comparable with the paper" if s["comparable"] else "not comparable with the paper"
    overall = (
        "not computed (MS needs pytest-llmbench[toolbh])"
        if s["overall"] is None and s["ms"] != "computed"
        else _pct(s["overall"])
    )
    lines = [
        f"ToolBH {language} ({s['mode']}, {note}): overall {overall}, {s['n']} unsolvable rows"
    ]
    for g, v in s["groups"].items():
        ms = "not computed" if v["L3_MS"] is None else _pct(v["L3_MS"])
        flag = " (T8: cap steps; hypothesis)" if g == "LFT" and s["mode"] == "strict" else ""
        lines.append(
            f"  {g}: L1 {_pct(v['L1'])}  L2 {_pct(v['L2'])}  L3-PR {_pct(v['L3_PR'])}  "
            f"L3-MS {ms}{flag}"
        )
    if s["solvable"]:
        shown = "  ".join(f"{m} {_pct(v)}" for m, v in sorted(s["solvable"].items()))
        lines.append(f"  solvable versions (reported apart): {shown}")
    for lvl, cnt in s["conditions"].items():
        if cnt:
            shown = ", ".join(f"{c} {cnt[c]}" for c in [*CONDITIONS, "data_error"] if cnt.get(c))
            lines.append(f"  {lvl} conditions: {shown}")
    extra = [f"{k} {s[k]}" for k in ("errors", "excluded", "data_errors") if s[k]]
    if extra:
        lines.append("  " + ", ".join(extra))
    return lines


def render(agg: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for lang, by_mode in agg.get("protocol", {}).items():
        for mode in MODES:
            if mode in by_mode:
                lines.extend(render_summary(lang, by_mode[mode]))
    native = agg.get("native")
    if native:
        rates = ", ".join(
            f"{k} {_pct(v)}% of {native['n'][k]} samples" for k, v in native["pass_rate"].items()
        )
        lines.append(f"ToolBH native tool-call scenarios: pass rate {rates}")
        if native["failed_checks"]:
            lines.append(
                "  failed checks: "
                + ", ".join(f"{k} {v}" for k, v in sorted(native["failed_checks"].items()))
            )
    return lines
