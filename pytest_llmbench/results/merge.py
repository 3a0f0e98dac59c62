"""Joining the results files of ``--llm-shard`` runs into the results of the whole run.

The verdicts and rows are put back in the order an unsharded run reports them (each shard
recorded its items' positions in the full collected order), then the summary and the family
aggregates are computed again from them by the same functions the run uses, so the merged
file is the file the unsharded run would have written (run ids and times aside).

Refused, with the files named: a file that is not a shard's, shards of different runs (another
shard count, collected set, models, parameters or pytest-llmbench version), a shard given
twice, a missing shard, and a scenario reported by two shards.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, cast

from pytest_llmbench.errors import ResultsFileError
from pytest_llmbench.results.records import (
    RESULTS_SCHEMA_VERSION,
    ResultsDocument,
    RunInfo,
    SampleRow,
    ScenarioVerdict,
)
from pytest_llmbench.shard import ShardRecord

# run fields every shard must share: anything else means they are not parts of one run
_SAME = ("models", "api_base", "params")


def _shard_of(name: str, doc: ResultsDocument) -> ShardRecord:
    shard = doc["run"].get("shard")
    if not isinstance(shard, dict) or "fingerprint" not in shard:
        raise ResultsFileError(
            f"{name}: not the results of a sharded run (no run.shard: run with --llm-shard=K/N)"
        )
    return shard


def _iso_ts(text: str) -> float:
    try:
        return dt.datetime.fromisoformat(text).timestamp()
    except (TypeError, ValueError):
        return 0.0


def merge_documents(
    named: Sequence[tuple[str, ResultsDocument]], notes: list[str] | None = None
) -> ResultsDocument:
    """``named``: (file name for messages, document) per shard, in any order; ``notes`` gets
    what went wrong in a benchmark family's aggregate (left out, as in a run)."""
    from pytest_llmbench.families import aggregates
    from pytest_llmbench.results.summary import summarize

    if not named:
        raise ResultsFileError("no results files to merge")
    shards = [(name, doc, _shard_of(name, doc)) for name, doc in named]
    first_name, first, first_shard = shards[0]
    count = first_shard["count"]
    by_index: dict[int, str] = {}
    for name, doc, shard in shards:
        if shard["count"] != count:
            raise ResultsFileError(
                f"{name} is shard {shard['index']}/{shard['count']} but {first_name} is "
                f"{first_shard['index']}/{count}: not shards of one run"
            )
        if shard["fingerprint"] != first_shard["fingerprint"]:
            raise ResultsFileError(
                f"{name} and {first_name} collected different scenarios (different suite files "
                "or versions, paths, models or --llm-repeat): not shards of one run"
            )
        for key in _SAME:
            if doc["run"].get(key) != first["run"].get(key):
                raise ResultsFileError(
                    f"{name} and {first_name} differ in run.{key}: not shards of one run"
                )
        mine = doc["run"].get("versions", {}).get("pytest-llmbench")
        theirs = first["run"].get("versions", {}).get("pytest-llmbench")
        if mine != theirs:
            raise ResultsFileError(
                f"{name} was written by pytest-llmbench {mine}, {first_name} by {theirs}"
            )
        if shard["index"] in by_index:
            raise ResultsFileError(
                f"shard {shard['index']}/{count} given twice: {by_index[shard['index']]} and {name}"
            )
        by_index[shard["index"]] = name
    missing = [f"{k}/{count}" for k in range(1, count + 1) if k not in by_index]
    if missing:
        raise ResultsFileError(f"shard(s) {', '.join(missing)} missing: pass every shard's results")

    order: dict[str, int] = {}
    owner: dict[str, str] = {}
    verdicts: list[ScenarioVerdict] = []
    rows: list[SampleRow] = []
    for name, doc, shard in sorted(shards, key=lambda s: s[2]["index"]):
        for v in doc["scenarios"]:
            nodeid = v["nodeid"]
            if nodeid in owner:
                raise ResultsFileError(
                    f"{nodeid} is in {owner[nodeid]} and in {name}: the shards overlap"
                )
            owner[nodeid] = name
        order.update(shard["order"])
        verdicts.extend(doc["scenarios"])
        rows.extend(doc["results"])
    last = len(order)
    verdicts.sort(key=lambda v: order.get(v["nodeid"], last))  # stable: ties keep file order
    rows.sort(key=lambda r: order.get(r["nodeid"], last))

    runs = [doc["run"] for _, doc, _ in shards]
    started = min(_iso_ts(r["started"]) for r in runs)
    finished = max(_iso_ts(r["finished"]) for r in runs)
    head = dict(sorted(shards, key=lambda s: s[2]["index"])[0][1]["run"])
    head.pop("shard", None)
    stamp = dt.datetime.fromtimestamp(started, tz=dt.timezone.utc)
    head.update(
        run_id=stamp.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8],
        started=stamp.isoformat(),
        finished=dt.datetime.fromtimestamp(finished, tz=dt.timezone.utc).isoformat(),
        duration_s=round(max(0.0, finished - started), 3),
        merged_from=[r["run_id"] for r in sorted(runs, key=lambda r: r["shard"]["index"])],
    )
    return ResultsDocument(
        schema_version=RESULTS_SCHEMA_VERSION,
        run=cast(RunInfo, head),
        summary=summarize(verdicts, rows),
        scenarios=verdicts,
        results=rows,
        aggregates=aggregates(cast(list[dict[str, Any]], rows), notes),
        # A shard ended early lists what it did not run; the merged run lacks the same.
        not_run=sorted(
            (r for _, doc, _ in shards for r in doc.get("not_run", [])),
            key=lambda r: order.get(r["nodeid"], last),
        ),
    )
