"""The scenario × model matrix of one or several results files, as the JSON the HTML report's
browser embeds: one row per suite × scenario, one column per model of each run, and in each
cell the scenario verdict with every sample's reply, scores and transcript.

Text stays raw here (the page inserts it with ``textContent``, never as markup); the only
shaping is flattening messages to role + text so the browser needs no knowledge of the
OpenAI message format.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypedDict

from pytest_llmbench.results.records import ResultsDocument, SampleRow, ScenarioVerdict


class Column(TypedDict):
    run: int  # index into the documents
    model: str | None
    label: str  # the model, with the run id when several runs hold the same model


class Message(TypedDict):
    role: str
    text: str


class ScoreCell(TypedDict):
    name: str
    passed: bool
    reason: str
    turn: int | None


class SampleCell(TypedDict):
    sample: int
    outcome: str
    reply: str  # the last assistant message, as text
    scores: list[ScoreCell]
    transcript: list[Message]
    error: str | None
    skip_reason: str | None
    reference: str | None
    cached: bool
    latency_s: float | None


class Cell(TypedDict):
    outcome: str
    samples_passed: int
    samples_total: int
    expected_failure: bool
    error: str | None
    skip_reason: str | None
    samples: list[SampleCell]


class MatrixRow(TypedDict):
    suite: str
    scenario: str
    file: str
    line: int
    tags: list[str]
    cells: list[Cell | None]  # aligned with the columns; None: not run for that column


class RunLabel(TypedDict):
    run_id: str
    started: str


class Matrix(TypedDict):
    runs: list[RunLabel]
    columns: list[Column]
    rows: list[MatrixRow]
    suites: list[str]
    tags: list[str]


def message_text(message: dict[str, Any]) -> str:
    """A message's content as plain text, tool calls written out after it."""
    content = message.get("content")
    if isinstance(content, list):  # content parts: keep the text ones
        content = "\n".join(
            str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in content
        )
    parts = [str(content)] if content else []
    for call in _dicts(message.get("tool_calls")):
        fn = call.get("function", call)
        fn = fn if isinstance(fn, dict) else {}
        args = fn.get("arguments")
        if not isinstance(args, str):
            args = json.dumps(args, ensure_ascii=False)
        parts.append(f"→ call {fn.get('name')}({args})")
    return "\n".join(parts)


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list; anything else (a hand-edited file) as nothing."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _number(row: SampleRow) -> int:
    sample = row.get("sample")
    return sample if isinstance(sample, int) else 0


def _sample(row: SampleRow) -> SampleCell:
    messages = _dicts(row.get("transcript"))
    transcript = [
        Message(
            role=str(m.get("role", "?")) + (f" {m['name']}" if m.get("name") else ""),
            text=message_text(m),
        )
        for m in messages
    ]
    replies = [m for m in messages if m.get("role") == "assistant"]
    return SampleCell(
        sample=_number(row),
        outcome=str(row.get("outcome")),
        reply=message_text(replies[-1]) if replies else "",
        scores=[
            ScoreCell(
                name=str(s.get("name")),
                passed=bool(s.get("passed")),
                reason=str(s.get("reason") or ""),
                turn=s.get("turn"),
            )
            for s in _dicts(row.get("scores"))
        ],
        transcript=transcript,
        error=row.get("error"),
        skip_reason=row.get("skip_reason"),
        reference=row.get("reference"),
        cached=bool(row.get("cached")),
        latency_s=row.get("latency_s"),
    )


def _columns(documents: Sequence[ResultsDocument]) -> list[Column]:
    found: list[tuple[int, str | None]] = []
    for i, doc in enumerate(documents):
        models: list[str | None] = [str(m) for m in doc["run"].get("models") or []]
        for v in doc["scenarios"]:  # a model the run info does not list (a v1 file, say)
            if v.get("model") not in models:
                models.append(v.get("model"))
        found += [(i, m) for m in models]
    repeated = {m for m in {m for _, m in found} if sum(1 for _, x in found if x == m) > 1}
    return [
        Column(
            run=i,
            model=m,
            label=(m or "—")
            + (f" · {documents[i]['run'].get('run_id', i)}" if m in repeated else ""),
        )
        for i, m in found
    ]


def build_matrix(documents: Sequence[ResultsDocument]) -> Matrix:
    columns = _columns(documents)
    index = {(c["run"], c["model"]): n for n, c in enumerate(columns)}
    rows: dict[tuple[str, str], MatrixRow] = {}

    def row_for(where: ScenarioVerdict | SampleRow) -> MatrixRow:
        key = (str(where.get("suite")), str(where.get("scenario")))
        row = rows.get(key)
        if row is None:
            row = rows[key] = MatrixRow(
                suite=key[0],
                scenario=key[1],
                file=str(where.get("file") or ""),
                line=int(where.get("line") or 0),
                tags=[],
                cells=[None] * len(columns),
            )
        return row

    for i, doc in enumerate(documents):
        samples: dict[tuple[Any, Any, Any], list[SampleRow]] = {}
        for r in doc["results"]:
            samples.setdefault((r.get("model"), r.get("suite"), r.get("scenario")), []).append(r)
        for v in doc["scenarios"]:
            row = row_for(v)
            rs = samples.get((v.get("model"), v.get("suite"), v.get("scenario")), [])
            for r in rs:
                tags = r.get("tags")
                for tag in tags if isinstance(tags, list) else []:
                    if str(tag) not in row["tags"]:
                        row["tags"].append(str(tag))
            row["cells"][index[(i, v.get("model"))]] = Cell(
                outcome=str(v.get("outcome")),
                samples_passed=int(v.get("samples_passed") or 0),
                samples_total=int(v.get("samples_total") or 0),
                expected_failure=bool(v.get("expected_failure")),
                error=v.get("error"),
                skip_reason=v.get("skip_reason"),
                samples=[_sample(r) for r in sorted(rs, key=_number)],
            )
    ordered = sorted(rows.values(), key=lambda r: r["suite"])  # stable: file order within
    return Matrix(
        runs=[
            RunLabel(run_id=str(d["run"].get("run_id", "?")), started=str(d["run"].get("started")))
            for d in documents
        ],
        columns=columns,
        rows=ordered,
        suites=sorted({r["suite"] for r in ordered}),
        tags=sorted({t for r in ordered for t in r["tags"]}),
    )


# Inside <script type="application/json"> the HTML parser ends the element at the first
# "</script" and treats "<!--" specially; escaping every "<", ">" and "&" as a JSON \u escape
# makes the text inert to it while JSON.parse reads the same value. U+2028/2029 are escaped
# too: valid in JSON, they end a line in JavaScript source older engines would parse.
_EMBED = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def embed_json(value: Any) -> str:
    """JSON safe to place inside a ``<script type="application/json">`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _EMBED:  # str.replace: many times faster than str.translate here
        text = text.replace(char, escape)
    return text
