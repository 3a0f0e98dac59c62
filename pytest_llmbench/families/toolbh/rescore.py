"""``llmbench rescore toolbh``: score existing model outputs, one JSON object per line.

Input line: ``{"item": {official row}, "level": "level_1"|"level_2"|"level_3", "variant":
"solvable"|"unsolvable", "model_output": "..."}``, optionally ``language`` (default ``en``),
``position`` (row index within its subtask) and ``error`` (the call failed: T9). Output lines
add ``score`` (L1 0/1, L2/L3 progress rate), ``matching`` (L3, when the embedding extra is
installed) and the details. A bad line is reported with its number; the others are scored.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .aggregate import Record, render_summary, summarize
from .data import Dataset
from .embed import Embedder, Pool, default_embedder
from .levels import pool_for, score
from .parse import LEVELS, UQ, VARIANTS, check_row, gold_plan


@dataclass(frozen=True)
class InputLine:
    number: int
    data: dict[str, Any]
    row: dict[str, Any]
    level: str
    variant: str
    output: str
    language: str
    position: int | None
    error: str | None


def parse_line(number: int, text: str) -> InputLine:
    """One input line; ``ValueError`` says what is wrong with it."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    for key in ("item", "level", "variant"):
        if key not in data:
            raise ValueError(f"missing {key!r}")
    try:
        check_row(data["item"])
    except ValueError as exc:
        raise ValueError(f"item: {exc}") from None
    if data["level"] not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {data['level']!r}")
    if data["variant"] not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {data['variant']!r}")
    output, error = data.get("model_output"), data.get("error")
    if output is None and not error:
        raise ValueError("missing 'model_output' (use \"error\" for a failed call)")
    if output is not None and not isinstance(output, str):
        raise ValueError(f"model_output must be a string, got {type(output).__name__}")
    pos = data.get("position")
    if pos is not None and (isinstance(pos, bool) or not isinstance(pos, int) or pos < 0):
        raise ValueError(f"position must be a non-negative integer, got {pos!r}")
    return InputLine(
        number,
        data,
        data["item"],
        data["level"],
        data["variant"],
        output or "",
        str(data.get("language") or "en"),
        pos,
        str(error) if error else None,
    )


def read_input(path: Path) -> tuple[list[InputLine], list[str]]:
    lines, problems = [], []
    with path.open(encoding="utf-8") as fh:
        for number, text in enumerate(fh, 1):
            if not text.strip():
                continue
            try:
                lines.append(parse_line(number, text))
            except ValueError as exc:
                problems.append(f"{path}:{number}: {exc}")
    return lines, problems


def subtask_rows(lines: Sequence[InputLine], language: str, subtask: str) -> list[dict[str, Any]]:
    """The subtask's rows in data order, rebuilt from the input when no data file is given:
    by ``position`` when lines carry it, else distinct rows in order of first appearance."""
    mine = [ln for ln in lines if ln.language == language and ln.row["subtask"] == subtask]
    if mine and all(ln.position is not None for ln in mine):
        by_pos = {ln.position: ln.row for ln in reversed(mine)}
        return [by_pos[p] for p in sorted(p for p in by_pos if p is not None)]
    seen: dict[str, dict[str, Any]] = {}
    for ln in mine:
        seen.setdefault(json.dumps(ln.row, sort_keys=True, ensure_ascii=False), ln.row)
    return list(seen.values())


def build_pools(
    lines: Sequence[InputLine], mode: str, embedder: Embedder | None, data: Dataset | None
) -> dict[tuple[str, str], Pool | None]:
    pools: dict[tuple[str, str], Pool | None] = {}
    for ln in lines:
        key = (ln.language, ln.row["subtask"])
        if key in pools or ln.level != "level_3" or UQ not in gold_plan(ln.row, ln.variant):
            continue
        use_data = data is not None and data.language == ln.language
        rows = data.by_subtask.get(key[1], []) if data and use_data else []
        rows = rows or subtask_rows(lines, *key)
        pools[key] = pool_for(
            embedder,
            [r["tools"] for r in rows],
            mode,
            language=key[0],
            dataset_sha256=data.sha256 if data and use_data else "",
            subtask=key[1],
        )
    return pools


def score_line(
    ln: InputLine, mode: str, pools: dict[tuple[str, str], Pool | None]
) -> tuple[dict[str, Any], Record]:
    out = dict(ln.data)
    out["mode"] = mode
    if ln.error and mode == "strict":  # T9: strict excludes failed calls
        out.update(score=None, excluded=True)
        rec = Record(ln.language, ln.row["subtask"], ln.level, ln.variant, None, error=True)
        return out, rec
    # Official: a failed call is scored as the empty output it was stored as.
    pool = pools.get((ln.language, ln.row["subtask"]))
    r = score(ln.row, ln.level, ln.variant, "" if ln.error else ln.output, mode, pool)
    out.update(score=r.score, parsed=r.parsed, condition=r.condition, flags=r.flags)
    if ln.level == "level_3":
        out["matching_status"] = r.ms_status
        if r.ms is not None:
            out.update(matching=r.ms_mean, matching_positions=r.ms)
    rec = Record(
        ln.language,
        ln.row["subtask"],
        ln.level,
        ln.variant,
        r.score,
        r.ms_mean,
        r.ms_status,
        r.condition,
        error=ln.error is not None,
    )
    return out, rec


def rescore(
    input_path: Path,
    output_path: Path | None,
    *,
    mode: str = "official",
    matching: bool = True,
    data: Dataset | None = None,
    aggregate: bool = False,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Score every good line; exit status 1 when some lines were bad (they are reported)."""
    # Looked up at call time, not bound as defaults: tests and callers swap sys.stdout.
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    lines, problems = read_input(input_path)
    for p in problems:
        print(f"llmbench rescore toolbh: {p}", file=stderr)
    embedder = default_embedder() if matching else None
    pools = build_pools(lines, mode, embedder, data)
    scored = [score_line(ln, mode, pools) for ln in lines]
    if output_path is not None:
        with output_path.open("w", encoding="utf-8") as fh:
            for out, _ in scored:
                fh.write(json.dumps(out, ensure_ascii=False) + "\n")
    if aggregate:
        for lang in sorted({rec.language for _, rec in scored}):
            summary = summarize([rec for _, rec in scored if rec.language == lang], mode)
            for text in render_summary(lang, summary):
                print(text, file=stdout)
    where = f" to {output_path}" if output_path is not None else ""
    print(f"scored {len(scored)} line(s){where}; {len(problems)} bad line(s)", file=stderr)
    return 1 if problems else 0
