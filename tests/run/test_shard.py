"""The partition behind --llm-shard: balanced by weight, deterministic, K/N parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_llmbench.shard import ShardSpec, Unit, assign, fingerprint, parse_shard, select


@pytest.mark.parametrize(("text", "spec"), [("1/3", ShardSpec(1, 3)), (" 3 / 3 ", ShardSpec(3, 3))])
def test_parse_shard_accepts_k_of_n(text: str, spec: ShardSpec) -> None:
    assert parse_shard(text) == spec


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "3", "a/b", "-1/2", "1/2/3", ""])
def test_parse_shard_rejects_bad_values(text: str) -> None:
    with pytest.raises(ValueError, match="K/N"):
        parse_shard(text)


def test_heavy_groups_are_spread_not_packed_in_file_order() -> None:
    # File order would put the two heavy groups (8 calls each) in the first shard.
    groups = {"a": 8, "b": 8, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1, "h": 1, "i": 1, "j": 1}
    shard_of = assign(groups, 2)
    loads = [sum(w for g, w in groups.items() if shard_of[g] == i) for i in range(2)]
    assert loads == [12, 12]
    assert shard_of["a"] != shard_of["b"]


def test_assignment_does_not_depend_on_the_order_groups_are_listed() -> None:
    groups = {f"g{i}": 1 + i % 3 for i in range(50)}
    reversed_groups = dict(reversed(list(groups.items())))
    assert assign(groups, 4) == assign(reversed_groups, 4)


def test_select_keeps_a_group_together_and_the_shards_partition_the_set() -> None:
    units = [Unit(f"s{i // 2}", 1, None) for i in range(20)]  # two models per scenario
    kept = [select(units, ShardSpec(k, 3))[0] for k in (1, 2, 3)]
    for n in range(len(units)):
        assert sum(k[n] for k in kept) == 1  # each unit in exactly one shard
    for k in kept:
        for n in range(0, len(units), 2):
            assert k[n] == k[n + 1]  # both models of a scenario together
    assert sorted(sum(k) for k in kept) == [6, 6, 8]


def test_fingerprint_changes_with_the_suite_bytes(tmp_path: Path) -> None:
    f = tmp_path / "a.llmbench.yaml"
    f.write_text("v1")
    units = [Unit("a::x", 1, f)]
    before = fingerprint(units, Path.read_bytes)
    assert before == fingerprint(units, Path.read_bytes)
    f.write_text("v2")
    assert fingerprint(units, Path.read_bytes) != before
    assert fingerprint([Unit("a::x", 2, None)], Path.read_bytes) != fingerprint(
        [Unit("a::x", 1, None)], Path.read_bytes
    )
