"""The local Hub stand-in, wired as the upload code sees it: HF_ENDPOINT and HF_TOKEN in the
environment, a throw-away HF_HOME, telemetry off, retries without sleeping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_llmbench.backoff import Backoff
from pytest_llmbench.results import hub as hub_module
from tests.servers.hub_server import FakeHubServer

TOKEN = "hf_llmbench_test_secret_0123456789"


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def hub(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sleeps: list[float]
) -> Iterator[FakeHubServer]:
    # The server checks the token: an upload that works proves the token was sent.
    with FakeHubServer(token=TOKEN) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("HF_TOKEN", TOKEN)
        monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
        monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # it blocks even 127.0.0.1
        policy = hub_module.UploadPolicy(backoff=Backoff(initial=0.0), sleep=sleeps.append)
        monkeypatch.setattr(hub_module, "POLICY", policy)
        yield server


def hub_files_text(server: FakeHubServer, repo_id: str) -> str:
    return "\n".join(d.decode("utf-8", "replace") for d in server.files(repo_id).values())
