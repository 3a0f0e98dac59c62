"""Paired report for the distractors family: original vs adversarial F1/EM per setting.

Works from results rows only (so it also runs on a saved results file).  A scenario's score is
the mean over its samples; a reply that errored or has no ``distractors/f1`` score counts 0, as in
the benchmark's averaging.  Pairs are matched by ``metadata.pair_id`` within one model, suite
and setting; both scoring modes are reported because the scorer records both.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pytest_llmbench.scoring.api import SCORING_MODES

from .metrics import gives_answer
from .paired import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, paired_summaries

SCORER = "distractors/f1"
METHOD = (
    f"paired percentile bootstrap over question pairs ({BOOTSTRAP_RESAMPLES} resamples, "
    f"seed {BOOTSTRAP_SEED}), 95% interval"
)
ALL = "all"  # pooled over every pair of a model × suite, each pair weighted equally

Key = tuple[str, str, str]  # model, suite, setting


Values = dict[str, dict[str, float]]


def _row_values(row: dict[str, Any]) -> tuple[Values, str | None, tuple[bool, bool]]:
    """Per mode {em, f1}, the run's mode, and (gave one of the fake answers, gave no
    ``Final Answer:`` line) with the scorer's own extraction (``metadata.extracted``)."""
    score = next((s for s in row.get("scores") or [] if s.get("name") == SCORER), None)
    meta = (score or {}).get("metadata") or {}
    by_mode = meta.get("by_mode") or {}
    values: dict[str, dict[str, float]] = {
        m: {k: float((by_mode.get(m) or {}).get(k, 0.0)) for k in ("em", "f1")}
        for m in SCORING_MODES
    }
    extracted = str(meta.get("extracted", ""))
    labelled = meta.get("extraction", "label") != "fallback"
    fakes = (row.get("metadata") or {}).get("fake_answers") or []
    fooled = any(gives_answer(extracted, labelled, str(f)) for f in fakes)
    return values, meta.get("mode"), (fooled, not labelled)


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    # (key, pair_id, version) -> per-sample values; samples of one scenario are averaged.
    samples: dict[tuple[Key, str, str], list[dict[str, dict[str, float]]]] = defaultdict(list)
    fooled: dict[Key, list[tuple[bool, bool]]] = defaultdict(list)
    modes: set[str] = set()
    for row in rows:
        meta = row.get("metadata") or {}
        if meta.get("benchmark") != "distractors" or row.get("outcome") == "skipped":
            continue
        key = (row.get("model") or "-", row.get("suite", ""), str(meta.get("setting", "?")))
        version = meta.get("version")
        pair = str(meta.get("pair_id", row.get("scenario")))
        values, mode, was_fooled = _row_values(row)
        if mode:
            modes.add(mode)
        samples[(key, pair, str(version))].append(values)
        if version == "adversarial":
            fooled[key].append(was_fooled)
    if not samples:
        return None
    # scenario means: key -> version -> pair -> mode -> metric -> value
    table: dict[Key, dict[str, dict[str, dict[str, dict[str, float]]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for (key, pair, version), vals in samples.items():
        table[key][version][pair] = {
            m: {k: _mean([v[m][k] for v in vals]) for k in ("em", "f1")} for m in SCORING_MODES
        }
    # Pooled rows: every pair of a model over the settings of one suite family (the part of
    # the suite name before "/": imported suites are "distractors/<setting>"), equal weights.
    pooled: dict[Key, dict[str, dict[str, dict[str, dict[str, float]]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    spans: dict[Key, list[Key]] = defaultdict(list)
    for key, versions in table.items():
        root = (key[0], key[1].split("/")[0], ALL)
        spans[root].append(key)
        for version, pairs in versions.items():
            for pair, v in pairs.items():
                pooled[root][version][f"{key[1]}\x00{key[2]}\x00{pair}"] = v
    groups = [_group(k, table[k], fooled.get(k, [])) for k in sorted(table)]
    for root in sorted(pooled):
        if len(spans[root]) > 1:
            fs = [f for k in spans[root] for f in fooled.get(k, [])]
            groups.append(_group(root, pooled[root], fs))
    return {
        "method": METHOD,
        "mode": sorted(modes)[0] if len(modes) == 1 else "official",
        "groups": groups,
    }


def _group(
    key: Key,
    versions: dict[str, dict[str, dict[str, dict[str, float]]]],
    fooled: list[tuple[bool, bool]],
) -> dict[str, Any]:
    ori, adv = versions.get("original", {}), versions.get("adversarial", {})
    both = sorted(set(ori) & set(adv))
    out: dict[str, Any] = {
        "model": key[0],
        "suite": key[1],
        "setting": key[2],
        "pairs": len(both),
        "unpaired": len(set(ori) ^ set(adv)),
    }
    for m in SCORING_MODES:
        out[m] = paired_summaries(
            {k: ([ori[p][m][k] for p in both], [adv[p][m][k] for p in both]) for k in ("f1", "em")}
        )
    # Means over every scored item of each version, paired or not (e.g. a run of `-m
    # adversarial` alone has no pairs but still has an adversarial score).
    out["items"] = {"original": len(ori), "adversarial": len(adv)}
    out["all_items"] = {
        m: {
            name: {k: _mean([v[m][k] for v in side.values()]) for k in ("f1", "em")}
            for name, side in (("original", ori), ("adversarial", adv))
            if side
        }
        for m in SCORING_MODES
    }
    out["answered_fake_answer"] = sum(f for f, _ in fooled) / len(fooled) if fooled else None
    out["no_final_answer"] = sum(n for _, n in fooled)
    return out


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def _ci(ci: list[float] | None) -> str:
    return "" if ci is None else f" [{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]"


def _metric(name: str, s: dict[str, Any]) -> str:
    rel, rel_ci = s["relative_drop"], s["relative_drop_ci95"]
    rel_text = "" if rel is None else f", relative {100 * rel:.0f}%"
    if rel is not None and rel_ci is not None:
        rel_text += f" [{100 * rel_ci[0]:.0f}%, {100 * rel_ci[1]:.0f}%]"
    return (
        f"{name} {_pct(s['ori'])}→{_pct(s['adv'])} drop {_pct(s['drop'])}{_ci(s['drop_ci95'])}"
        f"{rel_text}"
    )


def render(agg: dict[str, Any]) -> list[str]:
    mode = agg.get("mode", "official")
    lines = [f"distractors (original→adversarial ×100, {mode} scoring; {agg['method']}):"]
    for g in agg["groups"]:
        s = g[mode]
        # Imported suites are named after their setting: do not print it twice.
        where = (
            g["suite"]
            if g["suite"].endswith("/" + g["setting"])
            else (f"{g['suite']} {g['setting']}")
        )
        head = f"  {g['model']} {where}: {g['pairs']} pairs"
        if g["unpaired"]:
            head += f" (+{g['unpaired']} unpaired, not counted)"
        fake = g["answered_fake_answer"]
        tail = "" if fake is None else f"; gave a fake answer {_pct(fake)}%"
        if fake is not None and g.get("no_final_answer"):
            tail += f" ({g['no_final_answer']} adversarial replies without a 'Final Answer:' line)"
        if g["pairs"]:
            body = f"{_metric('F1', s['f1'])}; {_metric('EM', s['em'])}"
        else:
            body = "; ".join(
                f"{version} F1 {_pct(v['f1'])} EM {_pct(v['em'])} ({g['items'][version]} items)"
                for version, v in g["all_items"][mode].items()
            )
        lines.append(f"{head}; {body}{tail}")
    return lines
