"""Content-addressed on-disk response cache.

The key is the sha256 of the canonical request (model, api base, messages, tools, output-
affecting params, sample index): never the API key, timeout or retry settings, which cannot
change the output. One small JSON file per call, written atomically (temp file + ``os.replace``),
so a run interrupted by Ctrl-C or a crash resumes without repeating any finished call.

The cache is an optimisation: when it cannot be written (a full disk, a folder that is a file,
no permission) the run goes on without writing it and says so once (``write_failure``); a
reply that arrived is never turned into an error by its cache file.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from pytest_llmbench.atomicfile import write_atomic
from pytest_llmbench.client.base import ChatRequest, ChatResponse
from pytest_llmbench.redact import redact_env
from pytest_llmbench.textsafe import encodable

CACHE_FORMAT = 1


def cache_key(request: ChatRequest) -> str:
    payload = {"v": CACHE_FORMAT, **request.cache_payload()}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # surrogatepass: a request quoting a lone surrogate (from a hook's client) still has a key.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ResponseCache:
    def __init__(self, root: Path, mode: str) -> None:
        self.root = root
        self._prefix = os.path.join(root, "")  # a cached re-run opens every entry: no Path
        self.mode = mode
        self.reads = mode in ("readwrite", "read", "replay")
        self.writes_wanted = mode in ("readwrite", "write")
        self.writes = self.writes_wanted  # False once writing failed
        self.write_failure: str | None = None  # why writing stopped, once it did
        self.unwritten = 0  # replies not cached since then
        self._lock = threading.Lock()

    def _file(self, key: str) -> str:
        return f"{self._prefix}{key[:2]}{os.sep}{key}.json"

    def _path(self, key: str) -> Path:
        return Path(self._file(key))

    def has(self, key: str) -> bool:
        """Whether a read would find an entry (without reading it): the preflight's question."""
        return self.reads and os.path.isfile(self._file(key))

    def get(self, key: str) -> ChatResponse | None:
        if not self.reads:
            return None
        try:
            with open(self._file(key), "rb") as f:
                data: Any = json.loads(f.read())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None  # a torn or foreign file is a miss, never a crash
        if (
            not isinstance(data, dict)
            or data.get("v") != CACHE_FORMAT
            or not isinstance(data.get("response"), dict)
        ):
            return None
        try:
            return ChatResponse.from_json(data["response"], cached=True)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # right version, foreign shape: still a miss

    def put(self, key: str, response: ChatResponse, model: str) -> None:
        if not self.writes:
            if self.write_failure is not None:
                with self._lock:
                    self.unwritten += 1
            return
        path = self._path(key)
        # A reply may quote a key (a server echoing its headers): cache files are outputs too.
        text = json.dumps(
            {"v": CACHE_FORMAT, "model": model, "response": response.to_json()},
            ensure_ascii=False,
        )
        try:
            write_atomic(path, encodable(redact_env(text, json_text=True)))
        except OSError as exc:
            with self._lock:
                self.unwritten += 1
                if self.write_failure is None:
                    self.write_failure = f"{type(exc).__name__}: {exc.strerror or exc}"
                    self.writes = False  # one failure is enough: no disk thrash per call

    def failure_note(self) -> str | None:
        """The line for the terminal summary when writing stopped, else ``None``."""
        if self.write_failure is None:
            return None
        return (
            f"llmbench: warning: the response cache in {self.root} could not be written "
            f"({self.write_failure}); the run went on without it, "
            f"{self.unwritten} repl{'y was' if self.unwritten == 1 else 'ies were'} not cached"
        )
