"""``llmbench import rules`` on the official test cases (read from ``../shared``, written to
``tmp_path`` only) and on the upstream per-behaviour layout, from a folder and over http."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import io
import json
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_llmbench.cli import main
from pytest_llmbench.families.rules.importer import Imported, data_origin
from pytest_llmbench.families.rules.official import read_official
from pytest_llmbench.scenario import load_suite
from pytest_llmbench.scoring.registry import ScorerRegistry
from tests.conftest import SHARED

ROOT = SHARED / "datasets" / "rules"
V2 = ROOT / "v2" / "s_rules" / "data"
OFFICIAL = ROOT / "official"
needs_data = pytest.mark.skipif(
    not V2.is_dir(), reason=f"official RuLES data not available at {V2}"
)
needs_code = pytest.mark.skipif(
    not OFFICIAL.is_dir(), reason=f"official RuLES code not available at {OFFICIAL}"
)
BUCKETS = {
    ("benign", "harmless"): 225, ("benign", "helpful"): 250,
    ("basic", "harmless"): 225, ("basic", "helpful"): 250,
    ("redteam", "harmless"): 355, ("redteam", "helpful"): 390,
}  # fmt: skip
ATTACKS = {
    "Just Ask": (9, 10), "Indirection": (153, 190), "Legalese": (40, 20),
    "Obfuscation": (63, 70), "Rule change": (54, 50), "Simulation": (36, 50),
}  # fmt: skip


def load_all(out: Path) -> dict[str, tuple[Path, dict[str, Any], dict[str, Any]]]:
    """Scenario id -> (file, suite document, scenario) with libyaml (fast)."""
    found = {}
    for path in sorted(out.rglob("*.llmbench.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for sc in doc["scenarios"]:
            found[sc["id"]] = (path, doc, sc)
    return found


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    if not (V2.is_dir() and OFFICIAL.is_dir()):
        pytest.skip(f"official RuLES data or code not available at {V2} / {OFFICIAL}")
    out = tmp_path_factory.mktemp("rules-official")
    buf = io.StringIO()
    args = ["import", "rules", "--source", str(ROOT), "--out", str(out)]
    with contextlib.redirect_stdout(buf):
        assert main([*args, "--official-code", str(OFFICIAL)]) == 0
    return out, buf.getvalue()


@needs_data
@needs_code
def test_imports_all_v2_cases_with_the_spec_counts(imported: tuple[Path, str]) -> None:
    out, printed = imported
    cases = load_all(out)
    assert len(cases) == 1695
    assert "imported 1695 RuLES cases into 57 suite files" in printed
    assert "12 helpful case(s) never send the exact trigger" in printed
    assert "15 other .jsonl file(s) ignored" in printed  # the v1 manual suite
    metas = [sc["metadata"] for _, _, sc in cases.values()]
    assert Counter((m["suite"], m["category"]) for m in metas) == BUCKETS
    per_behavior = Counter((m["suite"], m["behavior"]) for m in metas)
    for (suite, behavior), n in per_behavior.items():
        wide = behavior in ("AccessControl", "Confidentiality")
        assert n == (25 if suite != "redteam" else 41 if wide else 39), (suite, behavior)
    attacks = Counter((m["attack"], m["category"]) for m in metas if m["suite"] == "redteam")
    assert {a: (attacks[(a, "harmless")], attacks[(a, "helpful")]) for a in ATTACKS} == ATTACKS
    rounds = {m["round"] for m in metas if m["suite"] != "redteam"}
    assert rounds == {f"round_{i}" for i in range(1, 6)}
    silent = [m for m in metas if m.get("non_discriminating")]
    assert len(silent) == 12 and {m["behavior"] for m in silent} == {"BinarySearch_confirm"}


@needs_data
@needs_code
def test_every_case_round_trips_exactly(imported: tuple[Path, str]) -> None:
    out, _ = imported
    cases = load_all(out)
    registry = ScorerRegistry()
    wording = read_official(OFFICIAL, "system").wording
    for path in sorted(V2.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            file, doc, sc = cases[r["id"]]
            assert file == out / r["suite"] / f"{r['scenario_label']}.llmbench.yaml"
            assert doc["defaults"]["metadata"] == {"benchmark": "rules"}
            assert doc["defaults"]["stop_on_failure"] is True
            params = json.loads(r["params_json"])
            assert (sc["system"], []) == wording.opening(r["scenario"], params, "system")
            got = [(h["role"], h["content"]) for h in sc.get("history", [])]
            got += [("user", t["user"]) for t in sc["turns"]]
            assert got == [(m["role"].lower(), m["content"]) for m in r["messages"]]
            (scorer,) = sc["expect"]  # one scorer: {name: params}, or a bare name (SimonSays)
            name, args = next(iter(scorer.items())) if isinstance(scorer, dict) else (scorer, None)
            assert (args or {}) == params
            registry.build(name, args)  # valid scorer arguments
            assert sc["metadata"]["scenario"] == r["scenario"]


@needs_data
@needs_code
def test_imported_files_are_valid_suites(imported: tuple[Path, str]) -> None:
    out, _ = imported
    for rel in ("redteam/AccessControl", "basic/RockPaperScissors", "benign/Commitment"):
        suite = load_suite(out / f"{rel}.llmbench.yaml")
        assert suite.name == f"rules-official/{rel}"
        assert all(s.stop_on_failure and s.params["max_tokens"] == 100 for s in suite.scenarios)
        assert all("rules" in s.tags for s in suite.scenarios)


def _upstream_tree(root: Path) -> Path:
    """An upstream-layout copy of a few official records, in ``tmp_path`` only."""
    data = root / "llm_rules" / "data"
    wanted = {("redteam", "Encryption"): 3, ("basic", "Millionaires_identify"): 2}
    for path in sorted(V2.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            key = (r["suite"], r["scenario_label"])
            if wanted.get(key, 0) <= 0:
                continue
            wanted[key] -= 1
            record = {
                "id": r["id"],
                "params": json.loads(r["params_json"]),
                "messages": r["messages"],
            }
            if r["suite"] == "redteam":
                record["category"] = r["round"]
            target = data / r["suite"] / f"{r['scenario_label']}.jsonl"
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")
    with (data / "redteam" / "Encryption.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"id": "bad-1", "params": {"key": "x"}, "messages": []}\n')
        fh.write("not json\n")
    return root


@needs_data
def test_upstream_layout_with_bad_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _upstream_tree(tmp_path / "src")
    out = tmp_path / "out"
    assert main(["import", "rules", "--source", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Encryption.jsonl:4: Encryption parameters must be exactly: secret" in err
    assert "Encryption.jsonl:5: Expecting value" in err
    cases = load_all(out)
    assert len(cases) == 5
    metas = [sc["metadata"] for _, _, sc in cases.values()]
    assert Counter((m["suite"], m["behavior"]) for m in metas) == {
        ("redteam", "Encryption"): 3,
        ("basic", "Millionaires_identify"): 2,
    }
    assert all("attack" in m for m in metas if m["suite"] == "redteam")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def http_root() -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(ROOT / "v2"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@needs_data
def test_url_source_folder_listing_and_single_file(http_root: str, tmp_path: Path) -> None:
    assert main(["import", "rules", "--source", http_root, "--out", str(tmp_path / "all")]) == 0
    assert len(load_all(tmp_path / "all")) == 1695
    one = f"{http_root}s_rules/data/basic_helpful.jsonl"
    assert main(["import", "rules", "--source", one, "--out", str(tmp_path / "one")]) == 0
    metas = [sc["metadata"] for _, _, sc in load_all(tmp_path / "one").values()]
    assert len(metas) == 250 and {(m["suite"], m["category"]) for m in metas} == {
        ("basic", "helpful")
    }
    # The data origin names the URL without its query, and hashes what was read.
    secret = one + "?token=abc"
    assert main(["import", "rules", "--source", secret, "--out", str(tmp_path / "cred")]) == 0
    doc = yaml.safe_load((tmp_path / "cred/basic/Commitment.llmbench.yaml").read_text("utf-8"))
    data = doc["provenance"]["data"]
    assert data["location"] == one and "abc" not in json.dumps(doc["provenance"])
    digest = hashlib.sha256((V2 / "basic_helpful.jsonl").read_bytes()).hexdigest()
    assert data["files"] == [{"path": "data/basic_helpful.jsonl", "sha256": digest}]


@needs_data
def test_unreachable_or_empty_sources_are_clear_errors(
    http_root: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["import", "rules", "--source", f"{http_root}missing.jsonl", "--out", str(tmp_path)])
        == 2
    )
    assert "cannot fetch" in capsys.readouterr().err
    assert (
        main(["import", "rules", "--source", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    )
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["import", "rules", "--source", str(ROOT / "v1"), "--out", str(tmp_path)]) == 2
    assert "no RuLES test cases found" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("source", "location"),
    [
        ("/home/me/data/llm_rules/data", "data"),  # a folder's name, never its path
        ("https://u:p@host:8000/rules/?t=1#x", "https://host:8000/rules/"),
        ("hf://normster/RuLES", "hf://normster/RuLES"),
    ],
)
def test_the_data_origin_never_records_a_path_or_credentials(source: str, location: str) -> None:
    origin = data_origin(source, Imported())
    assert origin.official and origin.location == location
