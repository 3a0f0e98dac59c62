"""Official data by name: ``hf://owner/name[@revision]`` for the importers' ``--source``.

The download goes through huggingface_hub (imported lazily): its cache (``HF_HOME``,
``HF_HUB_CACHE`` or ``cache_dir``), its token handling (``HF_TOKEN`` or ``hf auth login``; never an
option of ours), its endpoint (``HF_ENDPOINT``, or ``endpoint``) and its offline fall-back to a
cached snapshot. The resolved commit becomes the data's provenance, so a suite says exactly
which revision of the dataset it was built from. Every failure is one ``HubSourceError`` line:
an importer prints it and exits 2.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pytest_llmbench.errors import LLMBenchError
from pytest_llmbench.provenance import FileDigest, Origin, sha256_file

SCHEME = "hf://"
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
# The Hub's rule for a part of a repo id: no leading/trailing '-' or '.', at most 96 characters.
_PART = r"(?=[\w.-]{1,96}(?:/|$))(?![-.])[\w.-]*(?<![-.])"
_REPO_ID = re.compile(rf"^{_PART}/{_PART}$", re.ASCII)
_OTHER_KINDS = ("models/", "spaces/", "buckets/", "kernels/")


class HubSourceError(LLMBenchError):
    """An ``hf://`` source that is malformed, unknown, missing a file, or unreachable."""


@dataclass(frozen=True)
class HubRef:
    """A dataset repository on the Hub, with an optional revision (branch, tag or commit)."""

    repo_id: str
    revision: str | None = None

    @property
    def address(self) -> str:
        """``hf://owner/name`` (without the revision: that is recorded apart)."""
        return f"{SCHEME}{self.repo_id}"

    def __str__(self) -> str:
        return self.address + (f"@{self.revision}" if self.revision else "")


def is_hub_source(source: str) -> bool:
    return source.startswith(SCHEME)


def parse(source: str) -> HubRef:
    """``hf://owner/name``, ``hf://owner/name@revision`` or ``hf://datasets/owner/name...``."""
    if not is_hub_source(source):
        raise HubSourceError(f"{source!r}: not an hf:// address")
    body = source[len(SCHEME) :]
    if body.startswith(_OTHER_KINDS):
        raise HubSourceError(f"{source}: only dataset repositories hold benchmark data")
    body = body.removeprefix("datasets/")
    name, at, revision = body.partition("@")
    if at and not revision:
        raise HubSourceError(f"{source}: empty revision after '@'")
    if name.count("/") != 1 or not all(name.split("/")):
        raise HubSourceError(f"{source}: expected hf://owner/name[@revision]")
    if not _REPO_ID.match(name):
        raise HubSourceError(
            f"{source}: {name!r} is not a repository id (letters, digits, '-', '_' and '.')"
        )
    return HubRef(name, revision or None)


@dataclass(frozen=True)
class HubSnapshot:
    """The downloaded files of one revision, in huggingface_hub's cache."""

    ref: HubRef
    commit: str | None  # the resolved commit (None only if the cache layout hides it)
    folder: Path

    def path(self, filename: str) -> Path:
        return self.folder / filename

    @property
    def label(self) -> str:
        """``hf://owner/name@<commit>``: how a suite header names its source."""
        return f"{self.ref.address}@{self.commit}" if self.commit else str(self.ref)

    def files(self) -> list[str]:
        """Every downloaded file, relative to the snapshot, sorted."""
        return sorted(
            p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*") if p.is_file()
        )

    def origin(self, files: Sequence[str], *, note: str | None = None) -> Origin:
        """The ``official`` data origin: the address, the commit, each file's sha256."""
        digests = tuple(FileDigest(f, sha256_file(self.folder / f)) for f in files)
        return Origin(
            "official", location=self.ref.address, revision=self.commit, files=digests, note=note
        )


def fetch(
    ref: HubRef,
    patterns: Sequence[str],
    *,
    required: Sequence[str] = (),
    endpoint: str | None = None,
    cache_dir: str | Path | None = None,
) -> HubSnapshot:
    """Download the files matching ``patterns`` (glob, relative to the repo root) of ``ref``;
    each name in ``required`` must be among them.

    ``HF_ENDPOINT``, ``HF_HUB_CACHE`` and ``HF_HOME`` are read now (huggingface_hub reads them
    once, when first imported), so they apply however late the process sets them."""
    endpoint = endpoint or os.environ.get("HF_ENDPOINT") or None
    if cache_dir is None and os.environ.get("HF_HUB_CACHE"):
        cache_dir = os.environ["HF_HUB_CACHE"]
    elif cache_dir is None and os.environ.get("HF_HOME"):
        cache_dir = Path(os.environ["HF_HOME"]) / "hub"
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        GatedRepoError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )
    from huggingface_hub.utils.tqdm import (
        are_progress_bars_disabled,
        disable_progress_bars,
        enable_progress_bars,
    )

    # The importers print their own summary; a progress bar would break one-line errors.
    quiet = are_progress_bars_disabled()
    disable_progress_bars()
    try:
        folder = Path(
            snapshot_download(
                ref.repo_id,
                repo_type="dataset",
                revision=ref.revision,
                allow_patterns=list(patterns),
                endpoint=endpoint,
                cache_dir=cache_dir,
            )
        )
    except GatedRepoError:
        raise HubSourceError(
            f"{ref}: the dataset is gated: accept its terms on the Hub and log in "
            "(hf auth login, or HF_TOKEN)"
        ) from None
    except RepositoryNotFoundError:
        raise HubSourceError(
            f"{ref}: no such dataset on the Hub (or it is private: log in with hf auth login, "
            "or set HF_TOKEN)"
        ) from None
    except RevisionNotFoundError:
        raise HubSourceError(f"{ref}: the dataset has no revision {ref.revision!r}") from None
    except LocalEntryNotFoundError:  # before EntryNotFoundError: it is one of them
        where = endpoint or "the Hub (HF_ENDPOINT)"
        raise HubSourceError(
            f"{ref}: cannot reach {where} and no copy of this revision is in the "
            "huggingface_hub cache (no network? HF_HUB_OFFLINE set?)"
        ) from None
    except EntryNotFoundError as exc:
        raise HubSourceError(f"{ref}: {_first_line(exc)}") from None
    except (HfHubHTTPError, OSError, ValueError) as exc:
        raise HubSourceError(f"{ref}: download failed: {_first_line(exc)}") from None
    finally:
        if not quiet:
            enable_progress_bars()
    commit = folder.name if _COMMIT.match(folder.name) else None
    missing = [f for f in required if not (folder / f).is_file()]
    if missing:
        at = f"revision {commit[:12]}" if commit else "this revision"
        raise HubSourceError(f"{ref}: no {', '.join(missing)} in the dataset at {at}")
    return HubSnapshot(ref, commit, folder)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
