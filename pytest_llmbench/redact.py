"""Secrets never leave the run: every text we write or show (results file, response cache,
failure reports of every kind, logs, Hub uploads and their error messages) passes through here.

Two strengths, for two kinds of output:

- ``redact`` / ``redact_env`` replace known secret *values* with ``***``: every secret-looking
  environment value (API keys come only from the environment) and the credentials found in the
  configured URLs (``register_url``). Exact values only, so model text is otherwise untouched:
  it is what the cache replays and what verdicts were computed from.
- ``scrub`` does that and also blanks anything *shaped* like a credential: URL userinfo
  (``http://user:pass@host``), secret-looking query parameters (``?api_key=…``, ``token=``,
  ``sig=``), ``Authorization`` schemes (``Bearer …``) and ``password='…'`` in reprs. For text
  about the run rather than from the model: failure reports and tracebacks (``scrub_report``),
  log records (``scrub_logs``), error messages, the results file's run header.

Named ``redact`` so it is never mistaken for the standard library's ``secrets``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

_SECRET_HINTS = ("KEY", "TOKEN", "SECRET", "PASSWORD")
MIN_SECRET_LENGTH = 8  # shorter values (flags, ports) would blank out ordinary words
MASK = "***"

# Query parameters whose value is a credential: api_key, key, access_token, X-Amz-Signature...
_SECRET_PARAM = (
    r"[\w.-]*?(?:key|token|secret|password|passwd|pwd|sig|signature|auth|credential)[\w.-]*"
)
_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@?#'\"<>]+@")
_QUERY = re.compile(rf"(?P<name>[?&;]{_SECRET_PARAM}=)[^&;#\s'\"<>]+", re.IGNORECASE)
# A token has a digit or a symbol in it: "Bearer token missing" stays readable.
_AUTH_SCHEME = re.compile(
    r"(?P<name>\b(?:Bearer|Basic)\s+)(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}"
)
# password='x', "api_key": "x", token=b'x' in reprs and dicts; the value is quoted.
_QUOTED = re.compile(
    r"(?P<name>\b(?:password|passwd|api_key|apikey|token|secret|authorization)['\"]?\s*[:=]\s*"
    r"b?)(?P<q>['\"])(?!\*\*\*)(?:\\.|(?!(?P=q)).)*(?P=q)",
    re.IGNORECASE,
)

_registered: set[str] = set()
_registered_lock = threading.Lock()


def _environ() -> dict[str, str]:
    # Called from the engine thread (cache writes) while pytest sets and deletes
    # PYTEST_CURRENT_TEST: os.environ lists its keys, then looks each up, so a key deleted in
    # between raised KeyError (one item in ~100,000 errored). A retry sees the next state.
    while True:
        try:
            return dict(os.environ)
        except (KeyError, RuntimeError):
            continue


def url_credentials(url: str) -> list[str]:
    """The secret parts of ``url``: its userinfo (whole, and the password alone) and the values
    of secret-looking query parameters."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = []
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at and userinfo:
        found.append(userinfo)
        _, colon, password = userinfo.partition(":")
        if colon and password:
            found.append(password)
    for match in _QUERY.finditer("?" + parts.query):
        found.append(match.group(0)[len(match.group("name")) :])
    return found


def register_url(url: str | None) -> None:
    """Treat the credentials in ``url`` (an API base, a Hub endpoint) as secrets from now on, in
    this process: they are redacted like environment keys wherever their value appears."""
    if not url:
        return
    with _registered_lock:
        _registered.update(v for v in url_credentials(url) if len(v) >= MIN_SECRET_LENGTH)


def _spellings(value: str) -> set[str]:
    """The forms a secret takes in text: as is, stripped (a key read with a trailing ``\\r``
    appears without it, or with its repr escape after it), as Python writes it in a repr, and
    percent-encoded or decoded as in a URL."""
    forms = {value, value.strip(), repr(value)[1:-1], quote(value, safe=""), unquote(value)}
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH or f == value}


def secret_values(
    environ: dict[str, str] | None = None,
    *,
    extra: Iterable[str] = (),
    json_escaped: bool = False,
) -> list[str]:
    """Secret-looking environment values (and ``extra`` ones, e.g. a Hub login token, and the
    registered URL credentials when reading the real environment), in every spelling, longest
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
    if environ is None:
        with _registered_lock:
            values |= _registered
    values = {form for v in values for form in _spellings(v)}
    if json_escaped:  # both spellings: JSON written with and without ensure_ascii
        values |= {json.dumps(v, ensure_ascii=a)[1:-1] for v in values for a in (False, True)}
    return sorted(values, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with each of ``secrets`` (longest first, as ``secret_values`` gives them)
    replaced by ``***``."""
    for value in secrets:
        if value in text:
            text = text.replace(value, MASK)
    return text


def redact_env(text: str, *, json_text: bool = False) -> str:
    """``text`` with every secret-looking environment value (and registered URL credential)
    replaced by ``***``; with ``json_text``, their JSON-escaped forms too."""
    return redact(text, secret_values(json_escaped=json_text))


def scrub_patterns(text: str) -> str:
    """``text`` with everything shaped like a credential blanked (see the module docstring)."""
    if "@" in text:
        text = _USERINFO.sub(rf"\g<scheme>{MASK}@", text)
    if "=" in text:
        text = _QUERY.sub(rf"\g<name>{MASK}", text)
    text = _AUTH_SCHEME.sub(rf"\g<name>{MASK}", text)
    return _QUOTED.sub(rf"\g<name>\g<q>{MASK}\g<q>", text)


def scrub(text: str, secrets: list[str] | None = None) -> str:
    """``text`` about the run (an error message, a traceback, a log line, a URL, a command
    line) with known secrets and credential-shaped text replaced by ``***``."""
    return scrub_patterns(redact(text, secret_values() if secrets is None else secrets))


def scrub_tree(obj: Any, clean: Callable[[str], str]) -> Any:
    """``obj`` with ``clean`` applied to every string inside it: lists, tuples, dicts and
    dataclass instances (pytest's traceback representations are dataclasses) are walked, a
    dataclass rewritten in place; anything else is returned as it is."""
    if isinstance(obj, str):
        return clean(obj)
    if isinstance(obj, list):
        obj[:] = [scrub_tree(v, clean) for v in obj]
        return obj
    if isinstance(obj, tuple):
        return tuple(scrub_tree(v, clean) for v in obj)
    if isinstance(obj, dict):
        return {k: scrub_tree(v, clean) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name, None)
            new = scrub_tree(value, clean)
            if new is not value:
                object.__setattr__(obj, f.name, new)
        return obj
    return obj


def scrub_report(
    report: Any, *, patterns: bool = True, extra: Callable[[str], str] | None = None
) -> None:
    """Rewrite a pytest report in place so that neither the terminal, nor ``-rA``'s summary, nor
    JUnit XML, nor an xdist controller sees a secret: the failure representation (any exception
    type: tracebacks show every frame's arguments, ``--showlocals`` their locals) and the
    captured output and log sections. Without ``patterns``, known secret values only (``redact``
    rather than ``scrub``). ``extra`` is applied after scrubbing (e.g. escaping)."""
    secrets = secret_values()

    def clean(text: str) -> str:
        text = scrub(text, secrets) if patterns else redact(text, secrets)
        return extra(text) if extra is not None else text

    longrepr = getattr(report, "longrepr", None)
    if longrepr is not None:
        if isinstance(longrepr, (str, tuple)) or dataclasses.is_dataclass(longrepr):
            report.longrepr = scrub_tree(longrepr, clean)
        else:  # a representation of another kind: keep its text only if it changes nothing
            text = str(longrepr)
            cleaned = clean(text)
            if cleaned != text:
                report.longrepr = cleaned
    sections = getattr(report, "sections", None)
    if sections:
        report.sections = [(title, clean(content)) for title, content in sections]


class _ScrubbingFactory:
    """A log record factory scrubbing each record's message (and traceback text) when the
    record is made, so every handler (pytest's captured logs, ``--log-file``, the user's own)
    only ever sees the scrubbed text."""

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        try:
            message = record.getMessage()
            cleaned = scrub(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
            if record.exc_info and not record.exc_text:
                text = logging.Formatter().formatException(record.exc_info)
                record.exc_text = scrub(text)
        except Exception:  # a malformed record is the logging module's to report, not ours
            pass
        return record


def scrub_logs() -> Callable[[], None]:
    """Scrub every log record from now on; returns the undo (restores the previous factory
    unless another one was installed on top since)."""
    previous = logging.getLogRecordFactory()
    factory = _ScrubbingFactory(previous)
    logging.setLogRecordFactory(factory)

    def undo() -> None:
        if logging.getLogRecordFactory() is factory:
            logging.setLogRecordFactory(previous)

    return undo
