"""The records an item ships to the controller: its ``ScenarioVerdict`` and one ``SampleRow``
per sample (or one row for an item that never ran)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_llmbench.results.privacy import portable_path
from pytest_llmbench.results.records import (
    ItemPayload,
    JudgeUsageRecord,
    Outcome,
    SampleRow,
    ScenarioVerdict,
    UsageRecord,
    Where,
)

if TYPE_CHECKING:
    from pytest_llmbench.client.base import ModelSpec
    from pytest_llmbench.scenario import Scenario
    from pytest_llmbench.scenario_result import ScenarioResult


@functools.lru_cache(maxsize=4096)
def _portable_file(path: str, rootpath: str, home: str | None) -> str:
    """``portable_path`` once per suite file: every scenario of a file has the same one, and
    working it out (path arithmetic, the packaged suites' folder) was 0.1 ms an item. ``home``
    is part of the key because the answer depends on it."""
    return portable_path(path, rootpath)


PAYLOAD_KEY = "llmbench"  # the user_properties entry carrying an item's records to the controller


def item_payload(
    nodeid: str,
    scenario: Scenario,
    model: ModelSpec | None,
    result: ScenarioResult | None,
    outcome: Outcome,
    skip_reason: str | None,
    rootpath: Path,
) -> ItemPayload:
    """``outcome`` is the pytest outcome of the item: passed, failed, error or skipped.
    ``rootpath``: the suite file is recorded relative to it (results files are shared)."""
    s = scenario
    where = Where(
        nodeid=nodeid,
        suite=s.suite,
        scenario=s.id,
        model=model.name if model else None,
        file=_portable_file(str(s.path), str(rootpath), os.environ.get("HOME")),
        line=s.line,
        provenance=s.provenance.to_json() if s.provenance is not None else None,
    )
    tags, metadata = list(s.tags), dict(s.metadata)
    rows: list[SampleRow] = []
    if result is None:
        rows.append(
            # mypy asks optional keys of a ** item to be present; they need not be.
            SampleRow(
                **where,  # type: ignore[typeddict-item]
                tags=tags,
                metadata=metadata,
                sample=0,
                outcome="skipped" if outcome == "skipped" else "error",
                scores=[],
                transcript=[],
                usage=_usage(0, 0),
                cost=None,
                latency_s=0.0,
                cached=False,
                calls=0,
                error=None,
                skip_reason=skip_reason,
            )
        )
    for r in result.samples if result is not None else ():
        row = (
            # mypy asks optional keys of a ** item to be present; they need not be.
            SampleRow(
                **where,  # type: ignore[typeddict-item]
                tags=list(tags),
                metadata=dict(metadata),
                sample=r.sample,
                outcome=r.outcome,
                scores=r.scores_json(),
                transcript=r.transcript_json(),
                usage=_usage(r.usage.prompt_tokens, r.usage.completion_tokens),
                cost=r.cost,
                latency_s=round(r.latency_s, 6),
                cached=r.cached,
                calls=r.calls,
                error=r.error,
                reference=r.reference,
                stopped_at_turn=r.stopped_at_turn,
            )
        )
        if r.judge_calls:
            row["judge"] = JudgeUsageRecord(
                calls=r.judge_calls,
                cached=r.judge_cache_hits,
                prompt_tokens=r.judge_usage.prompt_tokens,
                completion_tokens=r.judge_usage.completion_tokens,
                cost=r.judge_cost,
            )
        if r.text_repaired:
            row["text_repaired"] = True
        rows.append(row)
    verdict = ScenarioVerdict(
        **where,
        outcome=outcome,
        samples_passed=result.n_passed if result is not None else 0,
        samples_total=len(result.samples) if result is not None else 0,
        expected_failure=result.expect_failure if result is not None else False,
        error=result.error if result is not None else None,
        skip_reason=skip_reason,
        has_references=s.has_references,
    )
    return ItemPayload(verdict=verdict, rows=rows)


def finished_outcome(result: ScenarioResult) -> Outcome:
    """The outcome pytest gives an item with this result (``ScenarioItem``): an error when a
    sample could not be run, else passed or failed."""
    if result.error is not None:
        return "error"
    return "passed" if result.passed else "failed"


def _usage(prompt: int, completion: int) -> UsageRecord:
    return UsageRecord(
        prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
    )
