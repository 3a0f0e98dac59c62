"""Suite provenance: what importers record, what the loader reads, and when a suite counts as
comparable with the published numbers."""

from __future__ import annotations

import hashlib
import subprocess
import textwrap
from pathlib import Path

import pytest

from pytest_llmbench.errors import SuiteError
from pytest_llmbench.provenance import OWN, Origin, Provenance, checkout_origin
from pytest_llmbench.scenario import load_suite

OFFICIAL = Origin("official", location="repo")


@pytest.mark.parametrize(
    ("wording", "data", "decoding", "comparable"),
    [
        (OFFICIAL, OFFICIAL, OFFICIAL, True),
        (OWN, OFFICIAL, OFFICIAL, False),
        (OFFICIAL, OWN, OFFICIAL, False),
        (OFFICIAL, OFFICIAL, OWN, False),
        (OWN, OWN, OWN, False),
    ],
)
def test_comparable_only_when_all_three_are_official(
    wording: Origin, data: Origin, decoding: Origin, comparable: bool
) -> None:
    p = Provenance(wording, data, decoding, benchmark="rules")
    assert p.comparable is comparable
    assert p.to_json()["comparable"] is comparable


def test_json_round_trip_ignores_the_derived_flag() -> None:
    p = Provenance(
        Origin("official", "llm_rules", "abc123", variant="system"),
        Origin("official", "hf://normster/RuLES", "r1"),
        OWN,
        benchmark="rules",
    )
    data = p.to_json()
    data["comparable"] = True  # a hand-edited flag must not make a suite comparable
    assert Provenance.from_json(data) == p
    assert Provenance.from_json(data).comparable is False


def test_checkout_origin_hashes_files_and_reads_the_commit(tmp_path: Path) -> None:
    root = tmp_path / "upstream"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "prompts.py").write_text("X = 'hello'\n", encoding="utf-8")
    plain = checkout_origin(root, ["pkg/prompts.py"], variant="v")
    assert plain.location == "upstream"  # the folder's name, never its absolute path
    assert plain.revision is None  # not a git work tree
    assert plain.files[0].sha256 == hashlib.sha256(b"X = 'hello'\n").hexdigest()
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    assert checkout_origin(root, ["pkg/prompts.py"]).revision == head.strip()


SUITE = """
suite: demo
provenance:
  benchmark: demo
  wording: {source: official, location: repo, revision: abc}
  data: {source: official, location: "hf://owner/name"}
  decoding: {source: %s}
scenarios:
  - id: a
    user: hi
    expect: [{contains: hi}]
"""


def test_loader_gives_every_scenario_the_suite_provenance(tmp_path: Path) -> None:
    path = tmp_path / "demo.llmbench.yaml"
    path.write_text(textwrap.dedent(SUITE % "official"), encoding="utf-8")
    suite = load_suite(path)
    assert suite.provenance is not None and suite.provenance.comparable
    assert suite.scenarios[0].provenance is suite.provenance


def test_unknown_source_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "demo.llmbench.yaml"
    path.write_text(textwrap.dedent(SUITE % "borrowed").lstrip("\n"), encoding="utf-8")
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert info.value.line == 6  # the decoding line
    assert "provenance/decoding/source" in str(info.value)
