"""``llmbench upload`` for runs made earlier, and the card merge against a live repo."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from huggingface_hub import HfApi

from pytest_llmbench.cli import main
from tests.conftest import REPO as REPO_ROOT
from tests.servers.hub_server import FakeHubServer

REPO = "org/earlier"


def document(run_id: str, started: str, passed: int = 2, failed: int = 1) -> dict[str, Any]:
    rows = [
        {
            "nodeid": f"s.llmbench.yaml::sc{i}[m/x]",
            "suite": "s",
            "scenario": f"sc{i}",
            "model": "m/x",
            "sample": 0,
            "outcome": "passed" if i < passed else "failed",
            "scores": [{"name": "contains", "passed": i < passed, "value": None, "reason": "r"}],
            "transcript": [{"role": "user", "content": "hi"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
            "cost": None,
            "latency_s": 0.1,
            "cached": False,
            "error": None,
            "tags": [],
            "metadata": {},
        }
        for i in range(passed + failed)
    ]
    n = passed + failed
    summary = [
        {
            "suite": "s",
            "model": "m/x",
            "scenarios": n,
            "passed": passed,
            "failed": failed,
            "errors": 0,
            "skipped": 0,
            "pass_rate": passed / n,
            "ci95": [0.1, 0.9],
        }
    ]
    run = {"run_id": run_id, "started": started, "models": ["m/x"]}
    return {"schema_version": 1, "run": run, "summary": summary, "results": rows}


def write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / f"{doc['run']['run_id']}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_upload_an_earlier_file_then_again(
    hub: FakeHubServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, document("20240101T000000Z-aaaaaaaa", "2024-01-01T00:00:00+00:00"))
    assert main(["upload", str(path), "--repo", REPO, "--private"]) == 0
    out = capsys.readouterr().out
    assert "uploaded run 20240101T000000Z-aaaaaaaa" in out
    assert hub.repo(REPO).private
    commits = len(hub.repo(REPO).commits)
    assert main(["upload", str(path), "--repo", REPO]) == 0  # a second time: nothing changes
    assert "already in org/earlier; unchanged" in capsys.readouterr().out
    assert len(hub.repo(REPO).commits) == commits


def test_an_older_run_uploaded_later_does_not_replace_newer_scores(
    hub: FakeHubServer, tmp_path: Path
) -> None:
    new = write(tmp_path, document("20240201T000000Z-bbbbbbbb", "2024-02-01T00:00:00+00:00", 3, 0))
    old = write(tmp_path, document("20240101T000000Z-aaaaaaaa", "2024-01-01T00:00:00+00:00", 1, 2))
    assert main(["upload", str(new), "--repo", REPO]) == 0
    assert main(["upload", str(old), "--repo", REPO]) == 0
    card = hub.files(REPO)["README.md"].decode()
    assert "| s | m/x | 100.0% [10–90] | 3 / 3 | `20240201T000000Z-bbbbbbbb` |" in card
    files = hub.files(REPO)
    (latest,) = [p for p in files if p.startswith("latest/")]  # still the newer run's rows
    assert {json.loads(x)["run_id"] for x in files[latest].decode().splitlines()} == {
        "20240201T000000Z-bbbbbbbb"
    }
    assert "runs/20240101T000000Z-aaaaaaaa/results.json" in hub.files(REPO)


def test_owner_card_is_kept_and_a_concurrent_edit_is_not_lost(
    hub: FakeHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.create_repo(
        REPO,
        {
            "README.md": "---\nlicense: mit\ntags: [custom]\nconfigs:\n- config_name: extra\n"
            "  data_files: extra.csv\n  default: true\n---\n\n# My results\n\nOwner text.\n"
        },
    )
    original = HfApi.create_commit
    calls: list[int] = []

    def racing_commit(self: HfApi, *args: Any, **kwargs: Any) -> Any:
        if not calls:  # someone else commits between our read of the card and our commit
            hub.commit(REPO, {"README.md": hub.files(REPO)["README.md"] + b"\nLate edit.\n"})
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(HfApi, "create_commit", racing_commit)
    path = write(tmp_path, document("20240101T000000Z-aaaaaaaa", "2024-01-01T00:00:00+00:00"))
    assert main(["upload", str(path), "--repo", REPO]) == 0
    assert len(calls) == 2  # 412 on the first commit, then re-read and merged
    card = hub.files(REPO)["README.md"].decode()
    assert "# My results\n\nOwner text." in card and "Late edit." in card
    assert "## Latest scores" in card
    assert "license: mit" in card and "- custom" in card and "- pytest-llmbench" in card
    assert card.count("default: true") == 1  # the owner's default config stays the default


def test_failures_are_reported_without_the_token(
    hub: FakeHubServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write(tmp_path, document("20240101T000000Z-aaaaaaaa", "2024-01-01T00:00:00+00:00"))
    monkeypatch.setenv("HF_TOKEN", "hf_wrong_token_0123456789")  # rejected with 401
    assert main(["upload", str(path), "--repo", REPO]) == 1
    err = capsys.readouterr().err
    assert "FAILED" in err and "401" in err
    assert "hf_wrong_token_0123456789" not in err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["upload", str(bad), "--repo", REPO]) == 1
    assert "not a readable pytest-llmbench results file" in capsys.readouterr().err
    assert main(["upload", str(tmp_path / "missing.json"), "--repo", REPO]) == 2
    with pytest.raises(KeyError):
        hub.repo(REPO)  # the rejected token created nothing


def test_no_token_is_a_clear_error(
    hub: FakeHubServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from huggingface_hub import constants

    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    path = write(tmp_path, document("20240101T000000Z-aaaaaaaa", "2024-01-01T00:00:00+00:00"))
    assert main(["upload", str(path), "--repo", REPO]) == 1
    assert "no Hugging Face token: set HF_TOKEN" in capsys.readouterr().err
    assert hub.requests == []  # refused before any request


@pytest.mark.parametrize("repo", ["noslash", "a/b/c", "a/../b", "/x"])
def test_bad_repo_ids_are_usage_errors(repo: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["upload", "r.json", "--repo", repo])
    assert exc.value.code == 2
    assert "expected a dataset repo OWNER/NAME" in capsys.readouterr().err


def test_private_flag_on_an_existing_public_repo_warns(
    hub: FakeHubServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hub.create_repo(REPO)
    path = write(tmp_path, document("20240101T000000Z-aaaaaaaa", "2024-01-01T00:00:00+00:00"))
    assert main(["upload", str(path), "--repo", REPO, "--private"]) == 0
    out = capsys.readouterr().out
    assert "warning: org/earlier exists and is public; --private applies on creation" in out
    assert not hub.repo(REPO).private


def test_a_429_with_an_http_date_waits_until_that_date(hub: FakeHubServer, tmp_path: Path) -> None:
    from pytest_llmbench.backoff import Backoff
    from pytest_llmbench.results.hub import UploadPolicy, upload_results_file

    now = dt.datetime(2015, 10, 21, 7, 28, 0, tzinfo=dt.timezone.utc)
    hub.fail_next(1, 429, match="/commit/", retry_after="Wed, 21 Oct 2015 07:28:08 GMT")
    sleeps: list[float] = []
    policy = UploadPolicy(backoff=Backoff(initial=0.0), sleep=sleeps.append, clock=now.timestamp)
    path = write(tmp_path, document("20240101T000000Z-aaaaaaaa", "2024-01-01T00:00:00+00:00"))
    result = upload_results_file(path, REPO, policy=policy)
    assert result.commit_url is not None
    assert sleeps == [8.0]


def test_llmbench_upload_sends_a_version_1_file_as_written(
    hub: FakeHubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    path = REPO_ROOT / "tests" / "data" / "results-v1" / "results-v1.json"
    assert main(["upload", str(path), "--repo", "org/old-runs"]) == 0
    assert "uploaded run 20261202T201418Z-f12f8b12" in capsys.readouterr().out
    files = hub.files("org/old-runs")
    assert files["runs/20261202T201418Z-f12f8b12/results.json"] == path.read_bytes()
    card = files["README.md"].decode()
    assert "| demo | llmbench/reference | 100.0%" in card
