"""The local Hugging Face Hub stand-in, driven by huggingface_hub itself (download and upload)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, hf_hub_download
from huggingface_hub.errors import (
    EntryNotFoundError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from tests.servers.hub_server import FakeHubServer, git_blob_oid

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
TOKEN = "hf_test_token"


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHubServer]:
    with FakeHubServer() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        server.create_repo("org/data", {"a.json": "[1]", "dir/sub/b.txt": "bee"})
        yield server


@pytest.fixture
def secured(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHubServer]:
    with FakeHubServer(token=TOKEN) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        server.create_repo("org/open", {"x": "1"})
        server.create_repo("org/secret", {"x": "2"}, private=True)
        yield server


def api(hub: FakeHubServer, token: str | bool = False) -> HfApi:
    return HfApi(endpoint=hub.url, token=token)


def raw(
    url: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


def test_hf_hub_download_and_resolve_headers(hub: FakeHubServer, tmp_path: Path) -> None:
    path = hf_hub_download(
        "org/data",
        "dir/sub/b.txt",
        repo_type="dataset",
        endpoint=hub.url,
        cache_dir=tmp_path / "c",
        token=False,
    )
    assert Path(path).read_text() == "bee"
    head = hub.repo("org/data").branches["main"]
    assert f"snapshots/{head}/dir/sub/b.txt" in path
    status, headers, body = raw(f"{hub.url}/datasets/org/data/resolve/main/a.json", "HEAD")
    assert (status, body) == (200, b"")
    assert headers["ETag"] == f'"{git_blob_oid(b"[1]")}"'
    assert headers["X-Repo-Commit"] == head
    assert headers["Content-Length"] == "3"
    status, headers, body = raw(
        f"{hub.url}/datasets/org/data/resolve/main/a.json", headers={"Range": "bytes=1-"}
    )
    assert (status, body, headers["Content-Range"]) == (206, b"1]", "bytes 1-2/3")


def test_repo_info_revisions_and_errors(hub: FakeHubServer, tmp_path: Path) -> None:
    old = hub.repo("org/data").branches["main"]
    new = hub.commit("org/data", {"a.json": "[2]"}, message="second")
    info = api(hub).dataset_info("org/data")
    assert info.sha == new and not info.private
    assert sorted(s.rfilename for s in info.siblings or []) == ["a.json", "dir/sub/b.txt"]
    assert api(hub).dataset_info("org/data", revision=old).sha == old
    old_file = hf_hub_download(
        "org/data",
        "a.json",
        repo_type="dataset",
        revision=old,
        endpoint=hub.url,
        cache_dir=tmp_path,
        token=False,
    )
    assert Path(old_file).read_text() == "[1]"
    with pytest.raises(RevisionNotFoundError):
        api(hub).dataset_info("org/data", revision="nope")
    with pytest.raises(RepositoryNotFoundError):
        api(hub).dataset_info("org/missing")
    with pytest.raises(EntryNotFoundError):
        hf_hub_download(
            "org/data",
            "missing.json",
            repo_type="dataset",
            endpoint=hub.url,
            cache_dir=tmp_path,
            token=False,
        )


def test_tree_listing(hub: FakeHubServer) -> None:
    def tree(**kw: object) -> list[tuple[str, str]]:
        entries = api(hub).list_repo_tree("org/data", repo_type="dataset", **kw)  # type: ignore[arg-type]
        return [(type(e).__name__, e.path) for e in entries]

    assert tree() == [("RepoFile", "a.json"), ("RepoFolder", "dir")]
    assert tree(recursive=True) == [
        ("RepoFile", "a.json"),
        ("RepoFolder", "dir"),
        ("RepoFolder", "dir/sub"),
        ("RepoFile", "dir/sub/b.txt"),
    ]
    assert tree(path_in_repo="dir/sub") == [("RepoFile", "dir/sub/b.txt")]
    with pytest.raises(EntryNotFoundError):
        tree(path_in_repo="nowhere")


def test_create_repo_and_upload(hub: FakeHubServer) -> None:
    a = api(hub, "any-token")  # without a configured token, any token opens private repos
    url = a.create_repo("org/results", repo_type="dataset", private=True)
    assert url == f"{hub.url}/datasets/org/results"
    assert hub.repo("org/results").private
    with pytest.raises(RepositoryNotFoundError):
        api(hub).dataset_info("org/results")  # anonymous
    with pytest.raises(HfHubHTTPError) as exc:
        a.create_repo("org/results", repo_type="dataset")
    assert exc.value.response.status_code == 409
    assert a.create_repo("org/results", repo_type="dataset", exist_ok=True) == url
    info = a.create_commit(
        "org/results",
        [
            CommitOperationAdd("runs/1/results.jsonl", b'{"a": 1}\n'),
            CommitOperationAdd("runs/1/summary.json", b"{}"),
        ],
        commit_message="run 1",
        repo_type="dataset",
    )
    assert hub.files("org/results") == {
        "runs/1/results.jsonl": b'{"a": 1}\n',
        "runs/1/summary.json": b"{}",
    }
    assert info.oid == hub.repo("org/results").branches["main"]
    assert info.commit_url.endswith(f"/datasets/org/results/commit/{info.oid}")
    assert hub.repo("org/results").commits[info.oid].summary == "run 1"
    paths = {r.path for r in hub.requests}
    assert "/api/datasets/org/results/preupload/main" in paths
    assert not any("lfs" in p or "xet" in p for p in paths)  # "regular" uploads only
    commit_request = next(r for r in hub.requests if r.path.endswith("/commit/main"))
    assert commit_request.headers["content-type"] == "application/x-ndjson"


def test_unchanged_files_are_skipped_deletes_and_parent_checks(hub: FakeHubServer) -> None:
    a = api(hub)
    head = hub.repo("org/data").branches["main"]
    same = a.upload_file(
        path_or_fileobj=b"[1]", path_in_repo="a.json", repo_id="org/data", repo_type="dataset"
    )
    assert same.oid == head  # preupload's oid told the client nothing changed
    a.create_commit(
        "org/data", [CommitOperationDelete("dir/")], commit_message="rm", repo_type="dataset"
    )
    assert hub.files("org/data") == {"a.json": b"[1]"}
    with pytest.raises(HfHubHTTPError) as exc:
        a.create_commit(
            "org/data",
            [CommitOperationAdd("c", b"c")],
            commit_message="late",
            repo_type="dataset",
            parent_commit=head,
        )
    assert exc.value.response.status_code == 412


def test_pull_request_commits_go_to_their_own_ref(hub: FakeHubServer) -> None:
    info = api(hub).create_commit(
        "org/data",
        [CommitOperationAdd("pr.txt", b"p")],
        commit_message="proposal",
        repo_type="dataset",
        create_pr=True,
    )
    assert info.pr_url and info.pr_url.endswith("/datasets/org/data/discussions/1")
    assert "pr.txt" in hub.files("org/data", revision="refs/pr/1")
    assert "pr.txt" not in hub.files("org/data")


def test_token_and_private_repos(secured: FakeHubServer) -> None:
    assert api(secured, TOKEN).whoami()["name"] == "tester"
    assert api(secured).dataset_info("org/open").sha
    with pytest.raises(RepositoryNotFoundError):
        api(secured).dataset_info("org/secret")
    assert api(secured, TOKEN).dataset_info("org/secret").private
    with pytest.raises(HfHubHTTPError) as exc:
        api(secured, "hf_wrong").dataset_info("org/open")
    assert exc.value.response.status_code == 401
    with pytest.raises(HfHubHTTPError):
        api(secured).create_repo("org/new", repo_type="dataset")
    api(secured, TOKEN).upload_file(
        path_or_fileobj=b"ok", path_in_repo="y", repo_id="org/secret", repo_type="dataset"
    )
    assert secured.files("org/secret")["y"] == b"ok"
    sent = [r.headers.get("authorization") for r in secured.requests]
    assert f"Bearer {TOKEN}" in sent


def test_fault_injection(hub: FakeHubServer) -> None:
    a = api(hub)
    hub.fail_next(1, 500, match="preupload")  # retried by huggingface_hub's backoff
    a.upload_file(path_or_fileobj=b"x", path_in_repo="x", repo_id="org/data", repo_type="dataset")
    assert hub.files("org/data")["x"] == b"x"
    hub.fail_next(1, 503, match="/commit/", retry_after=2)
    with pytest.raises(HfHubHTTPError) as exc:  # the commit POST itself is not retried
        a.upload_file(
            path_or_fileobj=b"y", path_in_repo="y", repo_id="org/data", repo_type="dataset"
        )
    assert exc.value.response.headers["Retry-After"] == "2"
    assert "y" not in hub.files("org/data")
    status, _, _ = raw(f"{hub.url}/api/nothing/here")
    assert status == 404


def test_readme_metadata_is_validated_before_commit(hub: FakeHubServer) -> None:
    a = api(hub)
    good = b"---\nlicense: mit\nconfigs:\n- config_name: x\n  data_files: a.json\n---\n# Hi\n"
    a.upload_file(
        path_or_fileobj=good, path_in_repo="README.md", repo_id="org/data", repo_type="dataset"
    )
    assert hub.files("org/data")["README.md"] == good
    for bad in (b"---\nlicense: [mit\n---\n", b"---\nconfigs:\n- data_files: a.json\n---\n"):
        with pytest.raises(ValueError, match=r"Invalid metadata in README\.md"):
            a.upload_file(
                path_or_fileobj=bad,
                path_in_repo="README.md",
                repo_id="org/data",
                repo_type="dataset",
            )
    assert hub.files("org/data")["README.md"] == good
