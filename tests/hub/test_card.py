"""The dataset card merge and the dataset rows, without a server."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from pytest_llmbench.errors import CardError
from pytest_llmbench.results.card import merge_card, split_card
from pytest_llmbench.results.hub import is_transient, retry_command
from pytest_llmbench.results.jsonl import FEATURES, dataset_rows
from tests.hub.test_upload_cli import document


def meta_of(card: str) -> dict[str, Any]:
    meta, _ = split_card(card)
    return meta


def test_new_card_has_metadata_configs_and_a_score_table() -> None:
    card = merge_card(None, document("r1", "2024-01-01T00:00:00+00:00"), "org/x")
    meta = meta_of(card)
    assert meta["license"] == "other"
    assert set(meta["tags"]) >= {"pytest-llmbench", "llm-evaluation"}
    assert [c["config_name"] for c in meta["configs"]] == ["latest", "all_runs"]
    assert meta["configs"][0]["data_files"] == [{"split": "train", "path": "latest/*.jsonl"}]
    infos = {i["config_name"]: i["features"] for i in meta["dataset_info"]}
    assert infos["latest"] == infos["all_runs"] == FEATURES
    assert "| s | m/x | 66.7% [10–90] | 2 / 3 | `r1` | 2024-01-01T00:00:00 |" in card


def test_merging_keeps_other_suites_and_models_and_is_idempotent() -> None:
    doc1 = document("r1", "2024-01-01T00:00:00+00:00")
    doc2 = document("r2", "2024-01-02T00:00:00+00:00", 3, 0)
    doc2["summary"][0]["suite"] = "other"
    card = merge_card(merge_card(None, doc1, "org/x"), doc2, "org/x")
    assert "| s | m/x |" in card and "| other | m/x |" in card
    assert merge_card(card, doc2, "org/x") == card  # re-merging the same run changes nothing


def test_names_cannot_break_the_table_or_the_state_comment() -> None:
    doc = document("r1", "2024-01-01T00:00:00+00:00")
    doc["summary"][0]["suite"] = "a|b --> <x>"
    card = merge_card(None, doc, "org/x")
    assert "| a\\|b --&gt; &lt;x&gt; |" in card
    again = merge_card(card, document("r2", "2024-01-02T00:00:00+00:00"), "org/x")
    assert again.count("a\\|b --&gt; &lt;x&gt;") == 1  # state survived the round trip
    assert "-->\n## Latest" not in again.split("llmbench:state", 1)[1].split("-->", 1)[0]


def test_a_card_without_markers_gets_the_block_appended() -> None:
    card = merge_card("# Hand written\n\nKeep me.\n", document("r", "2024-01-01"), "org/x")
    assert card.startswith("---\n")
    assert "# Hand written\n\nKeep me.\n\n<!-- llmbench:scores:begin -->" in card


def test_broken_owner_yaml_is_not_overwritten() -> None:
    with pytest.raises(CardError):
        merge_card("---\nlicense: [mit\n---\ntext\n", document("r", "2024"), "org/x")


def test_dataset_rows_have_stable_column_types() -> None:
    rows = dataset_rows(document("r1", "2024-01-01T00:00:00+00:00"))
    assert len(rows) == 3
    assert rows[0]["passed"] is True and rows[2]["failing_scorers"] == ["contains"]
    assert rows[0]["transcript"] == [
        {
            "turn": None,
            "role": "user",
            "content": "hi",
            "name": None,
            "tool_call_id": None,
            "tool_calls": [],
        }
    ]
    assert [list(r) for r in rows] == [[f["name"] for f in FEATURES]] * 3  # every column, in order
    assert {k: type(v).__name__ for k, v in rows[0].items() if v is not None} == {
        k: type(v).__name__ for k, v in rows[2].items() if v is not None
    }


@pytest.mark.parametrize(
    ("status", "transient"), [(500, True), (503, True), (429, True), (412, True), (403, False)]
)
def test_transient_statuses(status: int, transient: bool) -> None:
    exc = Exception("x")
    exc.response = SimpleNamespace(status_code=status, headers={})  # type: ignore[attr-defined]
    assert is_transient(exc) is transient
    assert is_transient(ConnectionRefusedError())
    assert not is_transient(ValueError())


def test_retry_command_quotes_paths() -> None:
    cmd = retry_command(Path("my runs/r.json"), "o/n", "http://h", True)
    assert cmd == "llmbench upload 'my runs/r.json' --repo o/n --endpoint http://h --private"


def test_features_are_in_the_form_datasets_reads() -> None:
    import datasets

    features = datasets.Features._from_yaml_list(FEATURES)
    assert features._to_yaml_list() == FEATURES  # the card's YAML round-trips unchanged
    assert isinstance(features["scores"], datasets.List)


def test_a_run_without_models_gives_no_empty_latest_config() -> None:
    doc = document("r1", "2024-01-01T00:00:00+00:00")
    doc["summary"][0]["model"] = None
    meta = meta_of(merge_card(None, doc, "org/x"))
    assert [c["config_name"] for c in meta["configs"]] == ["all_runs"]
    assert meta["configs"][0]["default"] is True
    assert [i["config_name"] for i in meta["dataset_info"]] == ["all_runs"]
