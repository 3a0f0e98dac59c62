"""Secrets never leave the run: every text we write or show (results file, response cache,
failure reports, Hub uploads and their error messages) passes through ``redact``.

API keys come only from the environment, so any environment value that looks like a secret is
replaced by ``***`` wherever it appears (a key pasted into a prompt or a URL, a key a server
echoes back). Named ``redact`` so it is never mistaken for the standard library's ``secrets``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable

_SECRET_HINTS = ("KEY", "TOKEN", "SECRET", "PASSWORD")
MIN_SECRET_LENGTH = 8  # shorter values (flags, ports) would blank out ordinary words


def _environ() -> dict[str, str]:
    # Called from the engine thread (cache writes) while pytest sets and deletes
    # PYTEST_CURRENT_TEST: os.environ lists its keys, then looks each up, so a key deleted in
    # between raised KeyError (one item in ~100,000 errored). A retry sees the next state.
    while True:
        try:
            return dict(os.environ)
        except (KeyError, RuntimeError):
            continue


def secret_values(
    environ: dict[str, str] | None = None,
    *,
    extra: Iterable[str] = (),
    json_escaped: bool = False,
) -> list[str]:
    """Secret-looking environment values (and ``extra`` ones, e.g. a Hub login token), longest
    first so a secret containing another is replaced whole. With ``json_escaped``, also their
    JSON-escaped forms: a value with a quote, backslash or control character appears escaped in
    JSON text."""
    env = _environ() if environ is None else environ
    values = {
        v
        for k, v in env.items()
        if any(h in k.upper() for h in _SECRET_HINTS) and len(v) >= MIN_SECRET_LENGTH
    }
    values.update(v for v in extra if v)
    if json_escaped:  # both spellings: JSON written with and without ensure_ascii
        values |= {json.dumps(v, ensure_ascii=a)[1:-1] for v in values for a in (False, True)}
    return sorted(values, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with each of ``secrets`` (longest first, as ``secret_values`` gives them)
    replaced by ``***``."""
    for value in secrets:
        if value in text:
            text = text.replace(value, "***")
    return text


def redact_env(text: str, *, json_text: bool = False) -> str:
    """``text`` with every secret-looking environment value replaced by ``***``; with
    ``json_text``, their JSON-escaped forms too."""
    return redact(text, secret_values(json_escaped=json_text))
