"""End to end: pytest runs of a small suite (built-in offline models) uploading to the local
Hub stand-in through the real huggingface_hub client."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import WARNINGS_AS_ERRORS
from tests.hub.conftest import TOKEN, hub_files_text
from tests.servers.hub_server import FakeHubServer

SUITE = """\
suite: demo
scenarios:
  - id: capital
    user: What is the capital of France?
    expect: [{contains: Paris}]
    reference: {pass: [Paris], fail: [Lyon]}
  - id: name
    turns:
      - user: My name is Ada.
      - user: What is my name?
        expect: [{contains: Ada}]
    reference: {pass: [[Hi, Ada]], fail: [[Hi, Bob]]}
  - id: wrong-reference
    user: Say Oslo
    expect: [{contains: Oslo}]
    reference: {pass: [Bergen], fail: [Bergen]}
"""
REPO = "org/bench"


@pytest.fixture
def suite(pytester: pytest.Pytester) -> Path:
    path = pytester.path / "demo.llmbench.yaml"
    path.write_text(SUITE, encoding="utf-8")
    return path


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*WARNINGS_AS_ERRORS, "--llm-hf-repo", REPO, *args)


def front_matter(card: str) -> dict[str, Any]:
    assert card.startswith("---\n")
    meta = yaml.safe_load(card.split("\n---\n", 1)[0][4:])
    assert isinstance(meta, dict)
    return meta


def run_folders(server: FakeHubServer) -> list[str]:
    return sorted({p.split("/")[1] for p in server.files(REPO) if p.startswith("runs/")})


def test_two_runs_two_folders_a_card_and_jsonl(
    pytester: pytest.Pytester, suite: Path, hub: FakeHubServer
) -> None:
    first = run(pytester, "--llm-model=llmbench/reference", "--llm-results=first.json")
    first.assert_outcomes(passed=2, failed=1)
    first.stdout.fnmatch_lines([f"llmbench: uploaded run * to {hub.url}/datasets/{REPO} *"])
    # No --llm-results: the run still writes a file (under the cache folder) to upload.
    second = run(pytester, "--llm-model=llmbench/reference", "--llm-model=llmbench/violate")
    second.stdout.fnmatch_lines(["llmbench: results written to *.pytest_cache*runs*.json"])
    second.stdout.fnmatch_lines([f"llmbench: uploaded run * to {hub.url}/datasets/{REPO} *"])

    folders = run_folders(hub)
    assert len(folders) == 2  # one folder per run, the first never overwritten
    files = hub.files(REPO)
    local_first = (pytester.path / "first.json").read_bytes()
    first_id = json.loads(local_first)["run"]["run_id"]
    second_id = next(f for f in folders if f != first_id)
    assert files[f"runs/{first_id}/results.json"] == local_first  # the file as written
    for run_id, n_rows in ((first_id, 3), (second_id, 6)):
        lines = files[f"runs/{run_id}/results.jsonl"].decode().splitlines()
        rows = [json.loads(line) for line in lines]
        assert len(rows) == n_rows
        assert {r["run_id"] for r in rows} == {run_id}
        assert {type(r["transcript"]) for r in rows} == {list}  # records, not JSON text

    card = files["README.md"].decode()
    meta = front_matter(card)
    configs = {c["config_name"]: c for c in meta["configs"]}
    assert configs["latest"]["data_files"][0]["path"] == "latest/*.jsonl"
    latest = [p for p in files if p.startswith("latest/")]
    assert len(latest) == 2  # demo × reference (the second run's, overwriting) and × violate
    assert {
        json.loads(line)["run_id"] for p in latest for line in files[p].decode().splitlines()
    } == {second_id}
    assert configs["latest"]["default"] is True
    pattern = configs["all_runs"]["data_files"][0]["path"]
    assert all(fnmatch.fnmatch(f"runs/{f}/results.jsonl", pattern) for f in folders)
    assert meta["license"] and "pytest-llmbench" in meta["tags"]
    table = card.split("## Latest scores", 1)[1]
    assert f"| demo | llmbench/reference | 66.7% [21–94] | 2 / 3 | `{second_id}` |" in table
    assert f"| demo | llmbench/violate | 0.0% [0–56] | 0 / 3 | `{second_id}` |" in table

    # The token authenticated every write and appears nowhere.
    assert any(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in hub.requests)
    for text in (
        first.stdout.str(),
        first.stderr.str(),
        second.stdout.str(),
        second.stderr.str(),
        local_first.decode(),
        hub_files_text(hub, REPO),
    ):
        assert TOKEN not in text


def test_failed_upload_keeps_results_and_says_how_to_retry(
    pytester: pytest.Pytester, suite: Path, hub: FakeHubServer, sleeps: list[float]
) -> None:
    hub.fail_next(5, 500, match="/commit/")  # every attempt (1 + 4 retries) fails
    result = run(pytester, "--llm-model=llmbench/reference", "--llm-results=out/r.json")
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # the scenario failure, not the upload
    result.stdout.fnmatch_lines(
        [
            f"llmbench: upload to {REPO} FAILED: *HTTP 500* (gave up after 5 attempts)",
            f"llmbench: the results are kept in out/r.json; retry with: "
            f"llmbench upload out/r.json --repo {REPO}",
        ]
    )
    assert len(sleeps) == 4
    local = pytester.path / "out" / "r.json"
    document = json.loads(local.read_text())
    assert len(document["results"]) == 3
    assert run_folders(hub) == []
    assert TOKEN not in result.stdout.str() + result.stderr.str()

    from pytest_llmbench.cli import main

    assert main(["upload", str(local), "--repo", REPO]) == 0  # the printed retry works
    assert run_folders(hub) == [document["run"]["run_id"]]


def test_transient_errors_are_retried(
    pytester: pytest.Pytester, suite: Path, hub: FakeHubServer, sleeps: list[float]
) -> None:
    hub.fail_next(1, 429, match="/commit/", retry_after=7)
    hub.fail_next(1, 503, match="/commit/")
    result = run(pytester, "--llm-model=llmbench/reference")
    result.stdout.fnmatch_lines(["llmbench: uploaded run *"])
    assert sleeps[0] == 7  # Retry-After honoured
    assert len(sleeps) == 2
    assert len(run_folders(hub)) == 1


def test_private_repo(pytester: pytest.Pytester, suite: Path, hub: FakeHubServer) -> None:
    from huggingface_hub import HfApi
    from huggingface_hub.errors import RepositoryNotFoundError

    run(pytester, "--llm-model=llmbench/reference", "--llm-hf-private").stdout.fnmatch_lines(
        ["llmbench: uploaded run *"]
    )
    assert hub.repo(REPO).private
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hub.url, token=False).dataset_info(REPO)
    assert len(run_folders(hub)) == 1


def test_endpoint_option_wins_and_empty_runs_upload_nothing(
    pytester: pytest.Pytester, suite: Path, hub: FakeHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens: option wins
    result = run(pytester, "--llm-model=llmbench/reference", f"--llm-hf-endpoint={hub.url}")
    result.stdout.fnmatch_lines(["llmbench: uploaded run *"])
    empty = run(pytester, "--llm-model=llmbench/reference", "-k", "no-such-scenario")
    assert "uploaded" not in empty.stdout.str()
    assert len(run_folders(hub)) == 1


def test_non_transient_error_fails_at_once(
    pytester: pytest.Pytester, suite: Path, hub: FakeHubServer, sleeps: list[float]
) -> None:
    hub.fail_next(1, 403, match="/commit/")
    result = run(pytester, "--llm-model=llmbench/reference", "--llm-results=r.json")
    result.stdout.fnmatch_lines([f"llmbench: upload to {REPO} FAILED: *403*"])
    assert "gave up" not in result.stdout.str()
    assert sleeps == []
