"""``--source hf://owner/name[@revision]`` for the RuLES, ToolBH and SysBench importers, against
the local Hub stand-in: the files come through huggingface_hub (its cache under ``HF_HOME``),
the resolved commit lands in each suite's data provenance, and every failure is one line with
exit status 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_llmbench.cli import main
from tests.conftest import SHARED
from tests.families.toolbh.conftest import seed as seed_toolbh
from tests.servers.hub_server import FakeHubServer, use_stand_in

HERE = Path(__file__).parent.parent
TOOLBH = HERE / "families" / "toolbh" / "data"
SYSBENCH = HERE / "families" / "sysbench" / "data" / "sysbench_judge.json"
RULES = SHARED / "datasets" / "rules" / "v2" / "s_rules" / "data" / "basic_harmless.jsonl"


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHubServer]:
    with FakeHubServer() as server:
        use_stand_in(server, monkeypatch, tmp_path / "hf-home")
        seed_toolbh(server)
        server.create_repo(
            "PKU-Baichuan-MLSystemLab/SysBench",
            {"system_benchmark_eval_datas.json": SYSBENCH.read_bytes()},
        )
        yield server


def header(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return doc


def test_toolbh_from_hf_with_a_pinned_revision(hub: FakeHubServer, tmp_path: Path) -> None:
    repo = "Joelzhang/ToolBeHonest"
    first = hub.repo(repo).branches["main"]
    hub.commit(
        repo, {"test_en.json": json.dumps(json.loads((TOOLBH / "test_en.json").read_text())[:1])}
    )
    out = tmp_path / "pinned"
    assert (
        main(
            [
                "import",
                "toolbh",
                "--source",
                f"hf://{repo}@{first}",
                "--lang",
                "en",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    files = sorted((out / "en").glob("*.llmbench.yaml"))
    assert len(files) == 7  # the first commit's rows, not the newer one-row file
    data = header(files[0])["provenance"]["data"]
    assert (data["location"], data["revision"]) == (f"hf://{repo}", first)
    assert header(files[0])["source"].startswith("ToolBeHonest official data, test_en.json")


def test_sysbench_from_hf(
    hub: FakeHubServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = "PKU-Baichuan-MLSystemLab/SysBench"
    head = hub.repo(repo).branches["main"]
    assert (
        main(["import", "sysbench", "--source", f"hf://{repo}", "--out", str(tmp_path / "o")]) == 0
    )
    (path,) = (tmp_path / "o").glob("*.llmbench.yaml")
    doc = header(path)
    assert doc["source"].endswith(f"converted from hf://{repo}@{head}")
    assert doc["provenance"]["data"]["revision"] == head
    assert doc["provenance"]["data"]["files"][0]["path"] == "system_benchmark_eval_datas.json"
    assert not doc["provenance"]["comparable"]  # our own judge wording
    assert list((tmp_path / "hf-home").rglob("system_benchmark_eval_datas.json"))
    capsys.readouterr()


@pytest.mark.skipif(
    not RULES.is_file(), reason="the RuLES data is not in ../shared/datasets/rules/"
)
def test_rules_from_hf(hub: FakeHubServer, tmp_path: Path) -> None:
    lines = RULES.read_text("utf-8").splitlines()[:3]
    hub.create_repo(
        "normster/RuLES", {"data/basic_harmless.jsonl": "\n".join(lines) + "\n", "README.md": "x"}
    )
    head = hub.repo("normster/RuLES").branches["main"]
    assert (
        main(["import", "rules", "--source", "hf://normster/RuLES", "--out", str(tmp_path / "o")])
        == 0
    )
    files = sorted((tmp_path / "o").rglob("*.llmbench.yaml"))
    assert files
    doc = header(files[0])
    assert doc["source"] == f"hf://normster/RuLES@{head}"
    assert doc["provenance"]["data"]["revision"] == head
    assert [f["path"] for f in doc["provenance"]["data"]["files"]] == ["data/basic_harmless.jsonl"]


@pytest.mark.parametrize(
    ("family", "source", "message"),
    [
        ("toolbh", "hf://nobody/nothing", "hf://nobody/nothing: no such dataset on the Hub"),
        ("sysbench", "hf://nobody/nothing", "hf://nobody/nothing: no such dataset on the Hub"),
        ("rules", "hf://nobody/nothing", "hf://nobody/nothing: no such dataset on the Hub"),
        ("toolbh", "hf://Joelzhang/ToolBeHonest@v9", "has no revision 'v9'"),
        (
            "sysbench",
            "hf://Joelzhang/ToolBeHonest",
            "no system_benchmark_eval_datas.json in the dataset",
        ),
        (
            "toolbh",
            "hf://PKU-Baichuan-MLSystemLab/SysBench",
            "no test_en.json, test_zh.json in the dataset",
        ),
        ("rules", "hf://bad name/x", "is not a repository id"),
    ],
)
def test_hub_errors_are_one_line_exit_2(
    hub: FakeHubServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    family: str,
    source: str,
    message: str,
) -> None:
    assert main(["import", family, "--source", source, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"llmbench import {family}: ") and message in err, err
    assert len(err.strip().splitlines()) == 1


def test_no_network_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv("HF_ENDPOINT", down)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty"))
    src = "hf://PKU-Baichuan-MLSystemLab/SysBench"
    assert main(["import", "sysbench", "--source", src, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"cannot reach {down} and no copy of this revision" in err
    assert len(err.strip().splitlines()) == 1
