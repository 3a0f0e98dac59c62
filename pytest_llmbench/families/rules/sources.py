"""Where official RuLES files come from: a local file or folder, or an http(s) URL.

A URL is either one ``.jsonl`` file or a folder listing (an HTML page of links, as served by
``python -m http.server``, nginx or Apache); listings are followed into sub-folders below the
given URL only. Each file is returned with its path parts (relative to the source) because
the layout is recognised from them (``<suite>/<behaviour>.jsonl`` or ``<suite>_<category>.jsonl``).
"""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pytest_llmbench.errors import LLMBenchError

MAX_DEPTH = 6
TIMEOUT_S = 60
_HREF = re.compile(r"""href\s*=\s*["']([^"'#?]+)["']""", re.IGNORECASE)


class SourceError(LLMBenchError):
    """The source cannot be read (missing path, HTTP error, not a listing)."""


@dataclass(frozen=True)
class SourceFile:
    where: str  # path or URL, for messages
    parts: tuple[str, ...]  # path parts relative to the source (last = file name)
    text: str


def is_url(source: str) -> bool:
    return urllib.parse.urlsplit(source).scheme in ("http", "https")


def read_files(source: str) -> list[SourceFile]:
    """Every ``.jsonl`` file of ``source``, in a stable order."""
    files = list(_url_files(source) if is_url(source) else _local_files(Path(source)))
    return sorted(files, key=lambda f: f.parts)


def _local_files(root: Path) -> Iterator[SourceFile]:
    if not root.exists():
        raise SourceError(f"{root}: no such file or folder")
    if root.is_file():
        yield SourceFile(str(root), (root.parent.name, root.name), _read(root))
        return
    for path in sorted(root.rglob("*.jsonl")):
        yield SourceFile(str(path), path.relative_to(root).parts, _read(path))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read: {exc}") from None


def _fetch(url: str) -> tuple[str, str]:
    """(content type, text) of ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp:  # http(s) only: see is_url
            body = resp.read()
            ctype = resp.headers.get("Content-Type", "")
    except OSError as exc:  # URLError and HTTPError are OSErrors
        raise SourceError(f"{url}: cannot fetch: {exc}") from None
    try:
        return ctype, body.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"{url}: not UTF-8 text") from None


def _segments(url: str) -> tuple[str, ...]:
    path = urllib.parse.urlsplit(url).path
    return tuple(urllib.parse.unquote(p) for p in path.split("/") if p)


def _url_files(url: str) -> Iterator[SourceFile]:
    if _segments(url)[-1:] and _segments(url)[-1].endswith(".jsonl"):
        segs = _segments(url)
        yield SourceFile(url, segs[-2:], _fetch(url)[1])
        return
    base = url if url.endswith("/") else url + "/"
    seen: set[str] = set()
    yield from _walk_listing(base, base, 0, seen)


def _walk_listing(base: str, url: str, depth: int, seen: set[str]) -> Iterator[SourceFile]:
    if depth > MAX_DEPTH or url in seen:
        return
    seen.add(url)
    ctype, text = _fetch(url)
    if "html" not in ctype.lower() and "<a " not in text.lower():
        raise SourceError(f"{url}: neither a .jsonl file nor a folder listing")
    for href in _HREF.findall(text):
        target = urllib.parse.urljoin(url, href)
        if not target.startswith(base) or target == url:
            continue  # parent folders, other sites, self links
        if target.endswith("/"):
            yield from _walk_listing(base, target, depth + 1, seen)
        elif target.endswith(".jsonl") and target not in seen:
            seen.add(target)
            rel = _segments(target)[len(_segments(base)) :]
            yield SourceFile(target, rel, _fetch(target)[1])
