"""The one way this package writes a file another process may read: a temporary file in the
same folder, then ``os.replace``. A reader (a resumed run, a CI step, ``llmbench report``) sees
the old file or the new one, never a torn one, even when the run is killed mid-write."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path``, creating its folder; on any failure the old
    file, if there was one, is left as it was and no temporary file stays behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
