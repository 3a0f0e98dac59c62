"""``llmbench import toolbh`` from a local file or folder and from the local Hub stand-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_llmbench.cli import main
from pytest_llmbench.scenario import load_suite
from tests.conftest import SHARED
from tests.families.toolbh.conftest import DATA, rows
from tests.servers.hub_server import FakeHubServer

REPO = "Joelzhang/ToolBeHonest"


def suite(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


def test_import_a_local_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["import", "toolbh", "--source", str(DATA / "test_en.json"), "--out", str(tmp_path)])
        == 0
    )
    files = sorted((tmp_path / "en").glob("*.llmbench.yaml"))
    assert len(files) == 7
    notice = (tmp_path / "LICENSE-ToolBeHonest.txt").read_text()
    assert "MIT licence" in notice and "Yuxiang Zhang" in notice
    out = capsys.readouterr().out
    assert "single_step 2" in out and "wrote 7 suite file(s)" in out
    assert "wording own (not comparable)" in out
    path = tmp_path / "en" / "toolbh_en_single_step.llmbench.yaml"
    text = path.read_text("utf-8")
    assert text.count("item: &") == 2  # one anchor per row, aliases for the other levels
    loaded = load_suite(path)
    assert [s.id for s in loaded.scenarios] == [
        f"single_step-{p:03d}-l{k}" for p in range(2) for k in (1, 2, 3)
    ]
    first = loaded.scenarios[0]
    assert first.metadata["benchmark"] == "toolbh"
    assert first.metadata["item"] == rows()[0]
    assert (first.metadata["level"], first.metadata["variant"]) == ("level_1", "unsolvable")
    assert first.params == {"temperature": 0.0, "max_tokens": 2048}
    assert first.system is None
    assert first.metadata["wording"] == "own" and first.metadata["prompt_variant"] == "own"
    assert loaded.provenance is not None and not loaded.provenance.comparable
    assert loaded.provenance.wording.source == "own"
    assert loaded.provenance.data.location == "test_en.json"
    assert loaded.provenance.data.files[0].sha256 == first.metadata["dataset_sha256"]
    assert first.turns[0].user.endswith("</provided_tools>")
    (ref,) = first.expect
    assert ref.name == "toolbh/level"
    assert ref.args["pool_tools"] == [r["tools"] for r in rows()[:2]]
    assert main(["validate", str(tmp_path)]) == 0


def test_import_a_folder_with_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--lang", "zh", "--solvable", "--levels", "level_2"]
    assert main(["import", "toolbh", "--source", str(DATA), "--out", str(tmp_path), *args]) == 0
    assert not (tmp_path / "en").exists()
    doc = suite(tmp_path / "zh" / "toolbh_zh_os.llmbench.yaml")
    ids = [s["id"] for s in doc["scenarios"]]
    assert ids == ["os-000-l2", "os-000-l2-solvable"]
    assert doc["scenarios"][0]["user"].startswith("请用 <provided_tools> 中列出的工具")
    # Choices of the official wording without a checkout: an error, never our own wording.
    for extra in (["--prompt-variant", "corrected"], ["--runner", "vllm"]):
        assert main(["import", "toolbh", "--source", str(DATA), "--out", str(tmp_path), *extra])
        assert "need --official-code PATH" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"rows": []}', "expected one JSON array"),
        ("[1]", "row 0: a row must be a JSON object"),
        ('[{"subtask": "os"}]', "row 0: row lacks field(s) task"),
        ("not json", "cannot read ToolBH data"),
    ],
)
def test_bad_data_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    src = tmp_path / "test_en.json"
    src.write_text(content)
    assert main(["import", "toolbh", "--source", str(src), "--out", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err


def test_unknown_subtask_and_missing_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = dict(rows()[0], subtask="cooking")
    (tmp_path / "x.json").write_text(json.dumps([bad]))
    assert (
        main(["import", "toolbh", "--source", str(tmp_path / "x.json"), "--out", str(tmp_path)])
        == 2
    )
    assert "unknown subtask 'cooking'" in capsys.readouterr().err
    assert main(["import", "toolbh", "--source", "no such thing", "--out", str(tmp_path)]) == 2
    assert "no such file or folder, and not hf://owner/name" in capsys.readouterr().err


def test_import_from_the_hub_stand_in(hub: FakeHubServer, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ["--endpoint", hub.url, "--cache-dir", str(cache)]
    assert main(["import", "toolbh", "--source", REPO, "--out", str(tmp_path / "o"), *args]) == 0
    en = suite(tmp_path / "o" / "en" / "toolbh_en_best.llmbench.yaml")
    zh = suite(tmp_path / "o" / "zh" / "toolbh_zh_best.llmbench.yaml")
    sha = en["defaults"]["metadata"]["dataset_sha256"]
    assert sha == __import__("hashlib").sha256((DATA / "test_en.json").read_bytes()).hexdigest()
    assert zh["defaults"]["metadata"]["language"] == "zh"
    head = hub.repo(REPO).branches["main"]
    seen = [(r.method, r.path) for r in hub.requests]
    assert ("GET", f"/api/datasets/{REPO}/revision/main") in seen
    assert ("GET", f"/datasets/{REPO}/resolve/{head}/test_zh.json") in seen
    assert list(cache.glob(f"datasets--Joelzhang--ToolBeHonest/snapshots/{head}/test_en.json"))
    assert en["provenance"]["data"] == {
        "source": "official",
        "location": f"hf://{REPO}",
        "revision": head,
        "files": [{"path": "test_en.json", "sha256": sha}],
    }


def test_hub_revisions_and_errors(
    hub: FakeHubServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = hub.repo(REPO).branches["main"]
    hub.commit(REPO, {"test_en.json": json.dumps(rows()[:1])})
    common = ["--lang", "en", "--endpoint", hub.url, "--cache-dir", str(tmp_path / "c")]
    assert (
        main(["import", "toolbh", "--source", REPO, "--out", str(tmp_path / "new"), *common]) == 0
    )
    assert len(list((tmp_path / "new" / "en").glob("*.yaml"))) == 1  # only single_step now
    pinned = [*common, "--revision", first]
    assert (
        main(["import", "toolbh", "--source", REPO, "--out", str(tmp_path / "old"), *pinned]) == 0
    )
    assert len(list((tmp_path / "old" / "en").glob("*.yaml"))) == 7
    capsys.readouterr()
    assert (
        main(["import", "toolbh", "--source", "nobody/nothing", "--out", str(tmp_path), *common])
        == 2
    )
    assert "hf://nobody/nothing: no such dataset on the Hub" in capsys.readouterr().err
    # A transient 503 is retried by huggingface_hub (its backoff starts at 1 s).
    hub.fail_next(1, 503, match="test_zh.json")
    zh = ["--lang", "zh", "--endpoint", hub.url, "--cache-dir", str(tmp_path / "c2")]
    assert main(["import", "toolbh", "--source", REPO, "--out", str(tmp_path / "x"), *zh]) == 0
    tries = [r for r in hub.requests if r.path.endswith("/test_zh.json")]
    assert len(tries) >= 3  # the failed HEAD, its retry, then the GET


@pytest.mark.slow
def test_hf_endpoint_from_the_environment(hub: FakeHubServer, tmp_path: Path) -> None:
    # A fresh process reads HF_ENDPOINT/HF_HOME at import, as a user's shell would.
    env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "home")}
    cmd = [
        sys.executable,
        "-m",
        "pytest_llmbench.cli",
        "import",
        "toolbh",
        "--source",
        REPO,
        "--lang",
        "en",
        "--out",
        str(tmp_path / "o"),
    ]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "home").rglob("test_en.json"))


def test_imported_suites_pass_under_reference_and_fail_under_violate(
    pytester: pytest.Pytester, tmp_path: Path, no_embedder: None
) -> None:
    out = pytester.path / "toolbh"
    assert main(["import", "toolbh", "--source", str(DATA), "--out", str(out), "--solvable"]) == 0
    n = (14 + 7) * 6
    ref = pytester.runpytest(str(out), "--llm-model=llmbench/reference", "-p", "no:cacheprovider")
    ref.assert_outcomes(passed=n)
    # Our own wording: scored officially, but never "comparable".
    ref.stdout.fnmatch_lines(["ToolBH en (official, not comparable with the paper): overall *"])
    bad = pytester.runpytest(str(out), "--llm-model=llmbench/violate", "-p", "no:cacheprovider")
    bad.assert_outcomes(failed=n)


def test_official_outputs_become_rescore_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    en = rows()
    outputs: dict[str, dict[str, list[dict[str, str]]]] = {}
    for r in en:
        per = outputs.setdefault(r["subtask"], {"level_1": [], "level_2": [], "level_3": []})
        for level in per:
            per[level].append({"solvable": "<answer>solvable</answer>", "unsolvable": ""})
    del outputs["best"]
    src = tmp_path / "results_model-x.json"
    src.write_text(json.dumps(outputs))
    args = ["--source", str(DATA / "test_en.json"), "--out", str(tmp_path), "--outputs", str(src)]
    assert main(["import", "toolbh", *args]) == 0
    assert "no outputs for subtask 'best'" in capsys.readouterr().err
    lines = [
        json.loads(x) for x in (tmp_path / "rescore_results_model-x.jsonl").read_text().splitlines()
    ]
    assert len(lines) == 12 * 3 * 2
    assert lines[1]["variant"] == "unsolvable" and lines[1]["error"]
    assert lines[0]["position"] == 0 and lines[0]["item"] == en[0]
    two = ["--source", str(DATA), "--out", str(tmp_path), "--outputs", str(src)]
    assert main(["import", "toolbh", *two]) == 2


OFFICIAL = SHARED / "datasets" / "toolbh"


@pytest.mark.skipif(
    not (OFFICIAL / "test_en.json").is_file(),
    reason="the official ToolBH data is not in ../shared/datasets/toolbh/ (see PROVENANCE.md)",
)
def test_import_the_official_data_when_present(tmp_path: Path) -> None:
    assert main(["import", "toolbh", "--source", str(OFFICIAL), "--out", str(tmp_path)]) == 0
    assert len(list((tmp_path / "en").glob("*.llmbench.yaml"))) == 7
