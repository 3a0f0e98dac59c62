"""What ``llmbench cache list|clear|prune`` sees of the response cache folder.

The layout is ``ResponseCache``'s (``cache.py``): ``<root>/<first two hex digits>/<sha256>.json``,
each file ``{"v": CACHE_FORMAT, "model": ..., "response": ...}``. Only files of exactly that
name shape are counted or removed, so pointing ``--dir`` at the wrong folder deletes nothing
else, and the managed servers' logs (``<root>/serve``) are left alone.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_SHARD = re.compile(r"[0-9a-f]{2}")
_ENTRY = re.compile(r"[0-9a-f]{64}\.json")
UNREADABLE = "(unreadable)"  # a torn or foreign file: a miss for the cache, listed apart here
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


@dataclass(frozen=True)
class CacheEntry:
    path: Path
    model: str
    size: int
    mtime: float  # when the response was stored


@dataclass(frozen=True)
class ModelUsage:
    model: str
    count: int
    size: int
    oldest: float
    newest: float


def entries(root: Path, *, read_model: bool = True) -> list[CacheEntry]:
    """Every cache entry under ``root`` (none if it does not exist)."""
    out: list[CacheEntry] = []
    try:
        shards = [d for d in os.scandir(root) if d.is_dir() and _SHARD.fullmatch(d.name)]
    except (FileNotFoundError, NotADirectoryError):
        return out
    for shard in shards:
        for f in os.scandir(shard.path):
            if not (_ENTRY.fullmatch(f.name) and f.name.startswith(shard.name)):
                continue
            try:
                st = f.stat()
            except FileNotFoundError:  # removed by a concurrent clear
                continue
            model = _model_of(Path(f.path)) if read_model else UNREADABLE
            out.append(CacheEntry(Path(f.path), model, st.st_size, st.st_mtime))
    return out


def _model_of(path: Path) -> str:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return UNREADABLE
    model = data.get("model") if isinstance(data, dict) else None
    return model if isinstance(model, str) and model else UNREADABLE


def usage(found: Iterable[CacheEntry]) -> list[ModelUsage]:
    """Per model: entries, bytes, oldest and newest store time; largest first."""
    by_model: dict[str, list[CacheEntry]] = {}
    for e in found:
        by_model.setdefault(e.model, []).append(e)
    rows = [
        ModelUsage(
            model,
            len(es),
            sum(e.size for e in es),
            min(e.mtime for e in es),
            max(e.mtime for e in es),
        )
        for model, es in by_model.items()
    ]
    return sorted(rows, key=lambda r: (-r.size, r.model))


def remove(found: Iterable[CacheEntry], root: Path) -> tuple[int, int]:
    """Delete the entries; (count, bytes) removed. Emptied shard folders go too."""
    count = size = 0
    shards: set[Path] = set()
    for e in found:
        try:
            e.path.unlink()
        except FileNotFoundError:
            continue
        count += 1
        size += e.size
        shards.add(e.path.parent)
    for shard in shards:
        try:
            shard.rmdir()  # only if empty: a concurrent run may have just written into it
        except OSError:
            pass
    return count, size


def parse_age(text: str) -> float:
    """``30d``, ``12h``, ``90m``, ``2w``, ``45s`` -> seconds (``ValueError`` otherwise)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text)
    if m is None:
        raise ValueError(f"expected an age such as 30d, 12h, 90m or 2w, got {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def human_age(seconds: float) -> str:
    seconds = max(seconds, 0.0)
    for unit, span in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= span:
            return f"{seconds / span:.0f}{unit}"
    return f"{seconds:.0f}s"
