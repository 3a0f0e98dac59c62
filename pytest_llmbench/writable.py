"""Can this run write where it was told to? Checked before the first model call, so an
unwritable ``--llm-results`` or cache folder is one usage error at the start, not a traceback
after every call was paid for.

The check tries what the run will do (create a file in the folder, or in the nearest folder
that exists, since the run creates the missing ones): permission bits alone say nothing for
root, read-only mounts or a path whose parent is a file. It leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(".")


def _try_create_in(folder: Path) -> str | None:
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".llmbench-write-check-")
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    os.close(fd)
    try:
        os.unlink(tmp)
    except OSError:
        pass
    return None


def folder_problem(folder: Path) -> str | None:
    """Why files cannot be written in ``folder`` (created if missing), or ``None``."""
    base = _nearest_existing(folder)
    if not base.is_dir():
        return f"{base} is not a folder"
    reason = _try_create_in(base)
    return None if reason is None else f"cannot create files in {base}: {reason}"


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be written (replaced atomically, its folder created), or ``None``."""
    if path.is_dir():
        return f"{path} is a folder"
    return folder_problem(path.parent)


def check_writable(option: str, path: Path, *, folder: bool = False) -> str | None:
    """The usage error for ``option`` (e.g. ``--llm-results``) pointing at ``path``, or
    ``None`` when it can be written."""
    problem = folder_problem(path) if folder else file_problem(path)
    return None if problem is None else f"{option}={path}: not writable: {problem}"
