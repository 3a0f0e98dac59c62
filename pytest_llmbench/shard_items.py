"""Applying ``--llm-shard`` to pytest's collected items (the partition itself is ``shard.py``):
the items of other shards are reported to pytest as deselected."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_llmbench.shard import ShardRecord, ShardSpec, Unit, fingerprint, select


def _unit(item: pytest.Item, repeat: int) -> Unit:
    from pytest_llmbench.collect import ScenarioItem

    if isinstance(item, ScenarioItem):
        sc = item.scenario
        parent = item.parent
        file_id = parent.nodeid if parent is not None else str(sc.path)
        if item.model is not None and item.model.builtin in ("reference", "violate"):
            samples = len(
                sc.reference_pass if item.model.builtin == "reference" else sc.reference_fail
            )
        else:
            samples = repeat
        # The scenario without its model: every model of it shares the group.
        return Unit(f"{file_id}::{sc.id}", max(1, len(sc.turns) * max(1, samples)), sc.path)
    return Unit(item.nodeid, 1, None)  # an ordinary test: one unit of work


def apply_shard(
    config: pytest.Config, items: list[pytest.Item], spec: ShardSpec, repeat: int
) -> ShardRecord:
    units = [_unit(i, repeat) for i in items]
    keep, groups = select(units, spec)
    kept = [i for i, k in zip(items, keep, strict=True) if k]
    dropped = [i for i, k in zip(items, keep, strict=True) if not k]
    order = {i.nodeid: n for n, (i, k) in enumerate(zip(items, keep, strict=True)) if k}
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    return ShardRecord(
        index=spec.index,
        count=spec.count,
        groups=len(groups),
        fingerprint=fingerprint(units, Path.read_bytes),
        order=order,
    )
