"""ToolBH test helpers: the synthetic rows in ``data/`` (official format, written by us), a
deterministic stand-in embedder, and the local Hub stand-in."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.families.toolbh import embed
from tests.servers.hub_server import FakeHubServer, use_stand_in

DATA = Path(__file__).parent / "data"


def rows(language: str = "en") -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads((DATA / f"test_{language}.json").read_text("utf-8"))
    return loaded


def row(subtask: str, index: int = 0, language: str = "en") -> dict[str, Any]:
    return [r for r in rows(language) if r["subtask"] == subtask][index]


_SERIAL = itertools.count()


class BagOfWords:
    """Hashes words into 64 buckets: identical texts embed identically, shared words raise the
    cosine, and ``vectors`` can pin exact embeddings (e.g. to make a cosine negative)."""

    def __init__(self, vectors: dict[str, list[float]] | None = None) -> None:
        # A distinct name per instance: pools are cached by embedder name across tests.
        self.name = f"test/bag-of-words/{next(_SERIAL)}"
        self.vectors = vectors or {}
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return [self.vectors.get(t) or self._bag(t) for t in texts]

    @staticmethod
    def _bag(text: str) -> list[float]:
        v = [0.0] * 64
        for word in re.findall(r"\w+", text.lower()):
            v[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        return v


def cos(a: Sequence[float], b: Sequence[float]) -> float:
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(x * x for x in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / (na * nb)


@pytest.fixture
def bag() -> Iterator[BagOfWords]:
    """The process-wide embedder replaced by ``BagOfWords`` for the test."""
    e = BagOfWords()
    embed.set_default_embedder(e)
    yield e
    embed.reset_default_embedder()


@pytest.fixture
def no_embedder() -> Iterator[None]:
    embed.set_default_embedder(None)
    yield
    embed.reset_default_embedder()


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHubServer]:
    """The Hub stand-in holding the fixtures as dataset ``Joelzhang/ToolBeHonest``."""
    with FakeHubServer() as server:
        use_stand_in(server, monkeypatch, tmp_path / "hf-home")
        seed(server)
        yield server


def seed(server: FakeHubServer) -> None:
    """The fixtures as the Hub dataset ``Joelzhang/ToolBeHonest``."""
    files = {f"test_{k}.json": (DATA / f"test_{k}.json").read_bytes() for k in ("en", "zh")}
    card = "---\nlicense: mit\n---\n"
    server.create_repo("Joelzhang/ToolBeHonest", {**files, "README.md": card})
