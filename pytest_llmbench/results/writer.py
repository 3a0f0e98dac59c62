"""Atomic writing of the results document, with secrets scrubbed.

API keys come only from the environment; any environment value that looks like a secret is
replaced by ``***`` wherever it appears (a key pasted into a URL or a prompt included).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

RESULTS_SCHEMA_VERSION = 1
_SECRET_HINTS = ("KEY", "TOKEN", "SECRET", "PASSWORD")


def _environ() -> dict[str, str]:
    # Called from the engine thread (cache writes) while pytest sets and deletes
    # PYTEST_CURRENT_TEST: os.environ lists its keys, then looks each up, so a key deleted in
    # between raised KeyError (one item in ~100,000 errored). A retry sees the next state.
    while True:
        try:
            return dict(os.environ)
        except (KeyError, RuntimeError):
            continue


def secret_values(environ: dict[str, str] | None = None) -> list[str]:
    env = _environ() if environ is None else environ
    values = {
        v for k, v in env.items() if any(h in k.upper() for h in _SECRET_HINTS) and len(v) >= 8
    }
    return sorted(values, key=len, reverse=True)


def scrub(text: str, secrets: list[str]) -> str:
    for value in secrets:
        if value in text:
            text = text.replace(value, "***")
    return text


def scrub_secrets(text: str, *, json_text: bool = False) -> str:
    """``text`` with every secret-looking environment value replaced by ``***``; with
    ``json_text``, their JSON-escaped forms too."""
    secrets = secret_values()
    if json_text:
        # A value with a quote, backslash or control character appears JSON-escaped in the text.
        escaped = {json.dumps(v, ensure_ascii=False)[1:-1] for v in secrets}
        secrets = sorted({*secrets, *escaped}, key=len, reverse=True)
    return scrub(text, secrets)


def dumps(document: dict[str, Any]) -> str:
    return scrub_secrets(json.dumps(document, ensure_ascii=False, indent=1), json_text=True)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def build_document(
    run_info: dict[str, Any], rows: list[dict[str, Any]], summary: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "schema_version": RESULTS_SCHEMA_VERSION,
        "run": run_info,
        "summary": summary,
        "results": rows,
    }
