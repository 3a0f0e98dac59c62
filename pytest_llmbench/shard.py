"""``--llm-shard=K/N``: which part of the collected items one CI job runs.

The assignment is a greedy balanced partition (longest job first) over the *full collected set*,
computed before ``-k``/``-m``/``--deselect`` remove anything:

* stable under ``-k``/``-m``: a group's shard depends on what was collected (the paths on the
  command line and the suite files), never on what a filter keeps, so N jobs with the same
  command and different filters still partition the same way;
* balanced by expected calls (turns × samples × models), not by file order: the heaviest group
  goes to the lightest shard first, so one long multi-turn file does not land in one job;
* every model of a scenario is one group, so a shard holds both sides of each paired
  comparison (McNemar between models needs the same scenarios).

Ties are broken by a hash of the group's identity, not by position, so reordering files does
not reshuffle equal-weight groups. The fingerprint of the collected set (group identities,
weights and the suite files' bytes) goes into each shard's results so ``llmbench merge`` can
refuse shards that ran different suites.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict


@dataclass(frozen=True)
class ShardSpec:
    index: int  # 1-based
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> ShardSpec:
    """``K/N`` with 1 <= K <= N; ``ValueError`` with the expectation otherwise."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if m is None:
        raise ValueError(f"expected K/N (e.g. 1/3, K counted from 1), got {text!r}")
    k, n = int(m.group(1)), int(m.group(2))
    if n < 1 or not 1 <= k <= n:
        raise ValueError(f"expected K/N with 1 <= K <= N (K counted from 1), got {text!r}")
    return ShardSpec(k, n)


@dataclass(frozen=True)
class Unit:
    """One collected item as the partition sees it."""

    group: str  # items of one group always share a shard
    weight: int  # expected calls of this item
    file: Path | None  # the suite file it came from (for the fingerprint)


class ShardRecord(TypedDict):
    """What a shard writes into its results' ``run.shard``."""

    index: int
    count: int
    groups: int  # groups in the full collected set
    fingerprint: str
    # position of each of this shard's items in the full collected order: the merge puts the
    # verdicts back in the order an unsharded run reports them
    order: dict[str, int]


def assign(groups: dict[str, int], count: int) -> dict[str, int]:
    """Group -> shard index (0-based): longest processing time first onto the lightest shard."""

    def tie(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    ordered = sorted(groups, key=lambda g: (-groups[g], tie(g)))
    heap = [(0, i) for i in range(count)]
    out: dict[str, int] = {}
    for g in ordered:
        load, i = heapq.heappop(heap)
        out[g] = i
        heapq.heappush(heap, (load + groups[g], i))
    return out


def fingerprint(units: Sequence[Unit], read: Callable[[Path], bytes]) -> str:
    h = hashlib.sha256()
    weights: dict[str, int] = {}
    files: set[Path] = set()
    for u in units:
        weights[u.group] = weights.get(u.group, 0) + u.weight
        if u.file is not None:
            files.add(u.file)
    for g in sorted(weights):
        h.update(f"{g}\0{weights[g]}\n".encode())
    for f in sorted(files):
        h.update(hashlib.sha256(read(f)).digest())
    return h.hexdigest()


def select(units: Sequence[Unit], spec: ShardSpec) -> tuple[list[bool], dict[str, int]]:
    """Which units the shard keeps, and the group weights of the whole set."""
    groups: dict[str, int] = {}
    for u in units:
        groups[u.group] = groups.get(u.group, 0) + u.weight
    shard_of = assign(groups, spec.count)
    return [shard_of[u.group] == spec.index - 1 for u in units], groups
