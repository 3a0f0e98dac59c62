"""Where a suite's wording, data and decoding parameters come from.

A benchmark number is comparable with the published one only when the model received the
official wording, on the official data, with the official decoding parameters. Importers record
each of the three as an ``Origin`` in the suite header (``provenance:``); the run carries it into
every results row and the summary, and reports say "comparable" only when all three are
official. Locations are never absolute paths: a suite file or a results file may be shared.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypedDict, cast

Source = Literal["official", "own"]
ASPECTS = ("wording", "data", "decoding")


class FileRecord(TypedDict):
    path: str
    sha256: str


class _OriginRecordBase(TypedDict):
    source: Source


class OriginRecord(_OriginRecordBase, total=False):
    """``Origin`` as JSON (a suite header, a results row); unset fields are left out."""

    location: str
    revision: str
    variant: str
    note: str
    files: list[FileRecord]


class _ProvenanceRecordBase(TypedDict):
    wording: OriginRecord
    data: OriginRecord
    decoding: OriginRecord
    comparable: bool


class ProvenanceRecord(_ProvenanceRecordBase, total=False):
    """``Provenance`` as JSON, in every results row and verdict."""

    benchmark: str


@dataclass(frozen=True)
class FileDigest:
    path: str  # relative to the checkout (or the data folder)
    sha256: str


@dataclass(frozen=True)
class Origin:
    """One aspect's origin: ``official`` (read from the user's copy of the official material)
    or ``own`` (written for this project)."""

    source: Source
    location: str | None = None  # checkout folder name, hf://owner/name, or a file name
    revision: str | None = None  # upstream git commit or Hub revision, when known
    files: tuple[FileDigest, ...] = ()
    variant: str | None = None  # a named alternative: prompt set, runner, strategy
    note: str | None = None

    @property
    def official(self) -> bool:
        return self.source == "official"

    def to_json(self) -> OriginRecord:
        out: dict[str, Any] = {"source": self.source}
        for key in ("location", "revision", "variant", "note"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.files:
            out["files"] = [{"path": f.path, "sha256": f.sha256} for f in self.files]
        return cast(OriginRecord, out)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Origin:
        return cls(
            source=data["source"],
            location=data.get("location"),
            revision=data.get("revision"),
            files=tuple(FileDigest(f["path"], f["sha256"]) for f in data.get("files") or ()),
            variant=data.get("variant"),
            note=data.get("note"),
        )


OWN = Origin("own")


@dataclass(frozen=True)
class Provenance:
    wording: Origin = OWN
    data: Origin = OWN
    decoding: Origin = OWN
    benchmark: str | None = None

    @property
    def comparable(self) -> bool:
        """True only when wording, data and decoding parameters are all official."""
        return self.wording.official and self.data.official and self.decoding.official

    def to_json(self) -> ProvenanceRecord:
        out: dict[str, Any] = {}  # this key order is the one suite files are written in
        if self.benchmark is not None:
            out["benchmark"] = self.benchmark
        for aspect in ASPECTS:
            out[aspect] = getattr(self, aspect).to_json()
        out["comparable"] = self.comparable
        return cast(ProvenanceRecord, out)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Provenance:
        return cls(
            wording=Origin.from_json(data.get("wording") or {"source": "own"}),
            data=Origin.from_json(data.get("data") or {"source": "own"}),
            decoding=Origin.from_json(data.get("decoding") or {"source": "own"}),
            benchmark=data.get("benchmark"),
        )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def git_commit(folder: Path) -> str | None:
    """The commit checked out in ``folder`` when it is inside a git work tree, else ``None``."""
    try:
        out = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def checkout_origin(
    root: Path,
    files: Sequence[str],
    *,
    variant: str | None = None,
    note: str | None = None,
) -> Origin:
    """An ``official`` origin for text read from ``files`` (relative to the checkout ``root``):
    their sha256 and the checkout's commit. The location is the folder's name only."""
    digests = tuple(FileDigest(f, sha256_file(root / f)) for f in files)
    return Origin(
        "official",
        location=root.resolve().name,
        revision=git_commit(root),
        files=digests,
        variant=variant,
        note=note,
    )
