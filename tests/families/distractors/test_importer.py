"""``llmbench import distractors``: pairing by index, settings kept apart, counts validated.

Synthetic files exercise the checks anywhere; the official data (``../shared/datasets``, never
copied into the project) is used when present and the tests skip with the reason otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.families.distractors.importer import (
    PAPER_DEMO_ID,
    DataError,
    find_settings,
    load_pairs,
    pair_scenarios,
    run_import,
    survey,
)
from pytest_llmbench.scenario import load_suite
from tests.conftest import SHARED

DATA = SHARED / "datasets" / "distractors"
needs_data = pytest.mark.skipif(
    not (DATA / "adversarial_datasets").is_dir(),
    reason=f"official distractors data not found at {DATA} (it is never part of the project)",
)

# Spec §3.3, written out independently of the importer's own table.
SPEC_COUNTS = {
    "named_True_2": (547, 417),
    "other_True_2": (132, 102),
    "named_True_4": (159, 108),
    "other_True_4": (33, 27),
    "named_False_2": (318, 108),
    "other_False_2": (66, 27),
    "named_False_4": (168, 7),
    "named_False_2_same_type": (159, 108),
    "other_False_2_same_type": (33, 27),
    "named_False_4_same_type": (7, 7),
    "named_False_1": (547, 417),
    "other_False_1": (132, 102),
    "other_False_4": (0, 0),
    "other_False_4_same_type": (0, 0),
}

# --- synthetic data ------------------------------------------------------------------------------


def _item(qid: str, fakes: dict[int, str]) -> dict[str, Any]:
    context = [[f"Title {i}", [f"Paragraph {i} of {qid}.", " Second sentence."]] for i in range(10)]
    for i, title in fakes.items():
        context[i] = [title, [f" Fake paragraph about {title}."]]
    return {
        "_id": qid,
        "question": f"Question {qid}?",
        "answer": "Gold Answer",
        "supporting_facts": [["Title 0", 0]],
        "context": context,
        "type": "bridge",
        "level": "hard",
    }


def _write(folder: Path, name: str, items: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"fake_intermediate_paragraph_idx_{name}.json").write_text(json.dumps(items))


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """One setting, two items with the *same* question id (different fake chains)."""
    src = tmp_path / "src" / "adversarial_datasets"
    adv = [_item("q1", {3: "Fake One.", 7: "Fake Bridge"}), _item("q1", {2: "Fake Two", 5: "X"})]
    _write(src, "named_True_2", adv)
    _write(src, "no_changes_named_True_2", [_item("q1", {}), _item("q1", {})])
    return tmp_path / "src"


def test_pairs_by_index_even_when_ids_repeat(tiny: Path, tmp_path: Path) -> None:
    report = run_import(tiny, tmp_path / "out", check_counts=False)
    assert report.settings == {"named_True_2": (2, 1)}
    assert any("expected (547, 417)" in w for w in report.warnings)
    suite = load_suite(tmp_path / "out" / "distractors-named_True_2.llmbench.yaml")
    ids = [s.id for s in suite.scenarios]
    assert ids == [
        "named_True_2-0000-ori",
        "named_True_2-0000-adv",
        "named_True_2-0001-ori",
        "named_True_2-0001-adv",
    ]
    ori, adv = suite.scenarios[0], suite.scenarios[1]
    assert ori.metadata["pair_id"] == adv.metadata["pair_id"] == "named_True_2/0000"
    assert (ori.metadata["version"], adv.metadata["version"]) == ("original", "adversarial")
    assert adv.metadata["fake_answers"] == ["Fake One", "Fake Bridge"]  # trailing period dropped
    assert adv.metadata["benchmark"] == "distractors"
    assert adv.metadata["related"] is True and adv.metadata["fakes"] == 2
    assert adv.metadata["entity_type"] == "named" and adv.metadata["same_type"] is False
    assert "Fake paragraph about Fake One." in adv.turns[0].user
    assert "Fake paragraph" not in ori.turns[0].user
    assert "Title" not in adv.turns[0].user  # titles would give the fake answers away
    assert adv.reference_pass and adv.reference_fail
    assert ori.reference_pass and not ori.reference_fail


def test_count_mismatch_is_an_error_by_default(tiny: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="--no-check-counts"):
        run_import(tiny, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_renderings(tiny: Path, tmp_path: Path) -> None:
    run_import(tiny, tmp_path / "o", rendering="official", check_counts=False, limit=1)
    suite = load_suite(tmp_path / "o" / "distractors-named_True_2.llmbench.yaml")
    assert len(suite.scenarios) == 2
    text = suite.scenarios[1].turns[0].user
    # upstream: no separator between paragraphs; the fake one keeps its leading space
    assert "Second sentence. Fake paragraph about Fake Bridge.Paragraph 8 of q1." in text
    run_import(tiny, tmp_path / "d", check_counts=False, limit=1)
    suite = load_suite(tmp_path / "d" / "distractors-named_True_2.llmbench.yaml")
    text = suite.scenarios[1].turns[0].user
    assert "Second sentence.\n\nFake paragraph about Fake Bridge.\n\nParagraph 8 of q1." in text


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda adv, ori: ori.pop(), "1 originals"),
        (lambda adv, ori: ori[1].update(question="Other?"), "question differs"),
        (lambda adv, ori: adv[0]["context"].__setitem__(4, ["Z", ["z"]]), "expected 2 replaced"),
    ],
)
def test_inconsistent_pairs_are_rejected(tmp_path: Path, mutate: Any, message: str) -> None:
    adv = [_item("q1", {3: "A", 7: "B"}), _item("q2", {2: "C", 5: "D"})]
    ori = [_item("q1", {}), _item("q2", {})]
    mutate(adv, ori)
    _write(tmp_path, "named_True_2", adv)
    _write(tmp_path, "no_changes_named_True_2", ori)
    (setting,) = find_settings(tmp_path)
    with pytest.raises(DataError, match=message):
        load_pairs(setting)


def test_missing_twin_and_bad_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such folder"):
        find_settings(tmp_path / "absent")
    _write(tmp_path, "other_False_1", [])
    with pytest.raises(DataError, match="original twin"):
        find_settings(tmp_path)


def test_cli_reports_errors_without_traceback(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["import", "distractors", "--source", str(tiny), "--out", str(tmp_path / "o")]
    assert main(args) == 1
    assert "--no-check-counts" in capsys.readouterr().err
    assert main([*args, "--no-check-counts", "--threshold", "0.8"]) == 0
    out = capsys.readouterr()
    assert "named_True_2\t2 pairs\t1 distinct questions" in out.out
    assert "do not commit" in out.out
    text = (tmp_path / "o" / "distractors-named_True_2.llmbench.yaml").read_text()
    assert "threshold: 0.8" in text


# --- the official data ---------------------------------------------------------------------------


@needs_data
def test_counts_match_the_spec() -> None:
    report, loaded = survey(DATA)
    assert report.settings == SPEC_COUNTS
    assert len(report.question_ids) == 463
    assert report.warnings == []
    # byte-identical original twins stay separate settings with their own adversarial files
    by_name = {s.name: s for s, _ in loaded}
    assert by_name["named_False_1"].original != by_name["named_True_2"].original
    assert by_name["named_False_2_same_type"].same_type and not by_name["named_True_4"].same_type


@needs_data
def test_quirks_are_flagged() -> None:
    (setting,) = [s for s in find_settings(DATA) if s.name == "named_True_2"]
    pairs = load_pairs(setting)
    first = pair_scenarios(setting, 0, *pairs[0], 0.5, "default")
    assert pairs[0][0]["_id"] == PAPER_DEMO_ID
    assert "paper_demonstration" in first[0]["metadata"]["flags"]
    short = pair_scenarios(setting, 226, *pairs[226], 0.5, "default")
    assert short[1]["metadata"]["flags"] == ["6_paragraphs"]


@needs_data
def test_import_writes_loadable_paired_suites(tmp_path: Path) -> None:
    only = {"named_False_4_same_type", "other_True_4", "other_False_4"}
    report = run_import(DATA, tmp_path, only=only)
    assert sorted(p.name for p in report.written) == [
        "distractors-named_False_4_same_type.llmbench.yaml",
        "distractors-other_True_4.llmbench.yaml",
    ]
    assert any("other_False_4: empty" in w for w in report.warnings)
    suite = load_suite(tmp_path / "distractors-other_True_4.llmbench.yaml")
    assert suite.name == "distractors/other_True_4"
    assert len(suite.scenarios) == 2 * 33
    for ori, adv in zip(suite.scenarios[::2], suite.scenarios[1::2], strict=True):
        assert ori.metadata["pair_id"] == adv.metadata["pair_id"]
        assert ori.metadata["answer"] == adv.metadata["answer"]
        assert ori.metadata["question_id"] == adv.metadata["question_id"]
        assert len(adv.metadata["fake_answers"]) == 4
        assert ori.turns[0].user != adv.turns[0].user
        assert ori.turns[0].user.endswith(adv.turns[0].user.rsplit("\n\nQuestion: ", 1)[1])
    # Own wording on the official data: provenance says so, never comparable.
    assert suite.provenance is not None
    assert (suite.provenance.wording.source, suite.provenance.data.source) == ("own", "official")
    assert suite.provenance.decoding.source == "own" and not suite.provenance.comparable
    assert [f.path for f in suite.provenance.data.files] == [
        "fake_intermediate_paragraph_idx_other_True_4.json",
        "fake_intermediate_paragraph_idx_no_changes_other_True_4.json",
    ]


def test_a_copy_unlike_the_published_files_is_not_official_data(tiny: Path, tmp_path: Path) -> None:
    run_import(tiny, tmp_path / "o", check_counts=False)
    suite = load_suite(tmp_path / "o" / "distractors-named_True_2.llmbench.yaml")
    assert suite.provenance is not None and suite.provenance.data.source == "own"
    sc = suite.scenarios[0]
    assert dict(sc.params) == {"temperature": 0, "max_tokens": 512}  # the own prompt's decoding
    assert sc.system is not None and sc.system.startswith("You answer questions using only")
