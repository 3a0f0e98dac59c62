"""``hf://owner/name[@revision]`` through huggingface_hub, against the local Hub stand-in."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_llmbench.hubsource import HubRef, HubSnapshot, HubSourceError, fetch, parse
from pytest_llmbench.provenance import sha256_file
from tests.servers.hub_server import FakeHubServer, use_stand_in

FILES = {"data/a.jsonl": "{}\n", "b.json": "[1]", "README.md": "---\nlicense: mit\n---\n"}


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHubServer]:
    with FakeHubServer(token="hf_secret") as server:
        use_stand_in(server, monkeypatch, tmp_path / "hf-home")
        server.create_repo("org/data", FILES)
        yield server


def get(
    hub: FakeHubServer, source: str, patterns: list[str], required: tuple[str, ...] | list[str] = ()
) -> HubSnapshot:
    """``fetch`` from the stand-in (huggingface_hub reads ``HF_ENDPOINT`` once, at import: a
    test that sets it must pass the endpoint too)."""
    return fetch(parse(source), patterns, required=required, endpoint=hub.url)


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens once closed


@pytest.mark.parametrize(
    ("source", "ref"),
    [
        ("hf://org/data", HubRef("org/data")),
        ("hf://org/data@v1.0", HubRef("org/data", "v1.0")),
        ("hf://datasets/org/data@" + "a" * 40, HubRef("org/data", "a" * 40)),
    ],
)
def test_parse(source: str, ref: HubRef) -> None:
    assert parse(source) == ref
    assert ref.address == "hf://org/data"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("hf://org", "expected hf://owner/name[@revision]"),
        ("hf://org/data/extra", "expected hf://owner/name[@revision]"),
        ("hf://org/data@", "empty revision"),
        ("hf://models/org/m", "only dataset repositories"),
        ("hf://org/da ta", "'org/da ta' is not a repository id"),
        ("org/data", "not an hf:// address"),
    ],
)
def test_parse_errors(source: str, message: str) -> None:
    with pytest.raises(HubSourceError, match=re.escape(message)):
        parse(source)


def test_fetch_records_the_resolved_commit(hub: FakeHubServer) -> None:
    head = hub.repo("org/data").branches["main"]
    snap = get(hub, "hf://org/data", ["*.jsonl"], ["data/a.jsonl"])
    assert snap.commit == head
    assert snap.path("data/a.jsonl").read_text() == "{}\n"
    assert not snap.path("b.json").exists()  # only what the patterns ask for
    origin = snap.origin(["data/a.jsonl"])
    assert origin.to_json() == {
        "source": "official",
        "location": "hf://org/data",
        "revision": head,
        "files": [{"path": "data/a.jsonl", "sha256": sha256_file(snap.path("data/a.jsonl"))}],
    }


def test_a_pinned_revision_is_downloaded_as_it_was(hub: FakeHubServer) -> None:
    first = hub.repo("org/data").branches["main"]
    hub.commit("org/data", {"b.json": "[2]"})
    assert get(hub, "hf://org/data", ["b.json"]).path("b.json").read_text() == "[2]"
    old = get(hub, f"hf://org/data@{first}", ["b.json"], ["b.json"])
    assert old.commit == first and old.path("b.json").read_text() == "[1]"


@pytest.mark.parametrize(
    ("source", "required", "message"),
    [
        ("hf://org/nothing", "b.json", "hf://org/nothing: no such dataset on the Hub"),
        ("hf://org/data@nope", "b.json", "hf://org/data@nope: the dataset has no revision 'nope'"),
        ("hf://org/data", "c.json", "hf://org/data: no c.json in the dataset at revision"),
    ],
)
def test_errors_are_one_line(hub: FakeHubServer, source: str, required: str, message: str) -> None:
    with pytest.raises(HubSourceError) as info:
        get(hub, source, [required], [required])
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_no_network_uses_the_cache_else_says_so(hub: FakeHubServer) -> None:
    head = hub.repo("org/data").branches["main"]
    get(hub, "hf://org/data", ["b.json"], ["b.json"])
    down = _closed_port()
    cached = fetch(parse("hf://org/data"), ["b.json"], required=["b.json"], endpoint=down)
    assert cached.commit == head  # huggingface_hub's offline fall-back to its cache
    with pytest.raises(HubSourceError, match=f"cannot reach {down} and no copy"):
        fetch(parse("hf://org/other"), ["b.json"], required=["b.json"], endpoint=down)


def test_private_datasets_use_huggingface_hubs_token(
    hub: FakeHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.create_repo("org/private", {"b.json": "[3]"}, private=True)
    with pytest.raises(HubSourceError, match="or it is private: log in"):
        get(hub, "hf://org/private", ["b.json"], ["b.json"])
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    snap = get(hub, "hf://org/private", ["b.json"], ["b.json"])
    assert snap.path("b.json").read_text() == "[3]"
    assert any(r.headers.get("authorization") == "Bearer hf_secret" for r in hub.requests)
