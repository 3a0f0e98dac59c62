"""What a results file says about the machine it ran on: as little as is useful.

A results file is shared (uploaded to the Hub, attached to a CI job), so by default it holds
no absolute path and no endpoint: suite files relative to the rootdir, the API base as its
host class only (``local`` for loopback, ``remote`` otherwise; ``--llm-record-endpoint`` keeps
the URL), and the command as a user would type it again (``pytest ...``, not the interpreter's
name and a path to it).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Literal
from urllib.parse import urlsplit

HostClass = Literal["local", "remote"]
_INSTALLED = "site-packages"
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def host_class(api_base: str) -> HostClass:
    """``local`` when the URL's host is this machine (a loopback name or address)."""
    host = (urlsplit(api_base if "//" in api_base else f"//{api_base}").hostname or "").lower()
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return "local"
    try:
        return "local" if ipaddress.ip_address(host).is_loopback else "remote"
    except ValueError:
        return "remote"


def recorded_endpoint(api_base: str | None, record: bool) -> str | None:
    if api_base is None or record:
        return api_base
    return host_class(api_base)


def portable_path(path: str | PurePath, rootpath: str | PurePath) -> str:
    """``path`` as it may be shown to others: relative to the rootdir (POSIX separators) when
    inside it; an installed package's file from its package folder on
    (``pytest_llmbench/suites/rules/x.yaml``); ``~/...`` when in the home folder; otherwise
    its file name alone."""
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    try:
        inside_root = p.is_relative_to(rootpath)
    except ValueError:
        inside_root = False
    if not inside_root:
        from pytest_llmbench.packaged import suites_root  # wherever the package is installed

        try:
            return "pytest_llmbench/suites/" + p.relative_to(suites_root()).as_posix()
        except ValueError:
            pass
    if not inside_root and _INSTALLED in p.parts[:-1]:
        parts = p.parts
        return PurePath(*parts[len(parts) - parts[::-1].index(_INSTALLED) :]).as_posix()
    for base, prefix in ((Path(rootpath), ""), (Path.home(), "~/")):
        try:
            rel = p.relative_to(base)
        except ValueError:
            continue
        return prefix + (rel.as_posix() if rel.parts else ".")
    return p.name


def _portable_arg(arg: str, rootpath: str | PurePath, record_endpoint: bool) -> str:
    # "--opt=VALUE" or a bare VALUE (the value of the option before, a test file, a node id).
    name, eq, value = arg.partition("=") if arg.startswith("-") else ("", "", arg)
    if "://" in value:  # an endpoint (--llm-api-base, --llm-hf-endpoint, ...)
        return arg if record_endpoint else f"{name}{eq}<{host_class(value)}>"
    # "llamacpp:/models/x.gguf,ctx=4096" (--llm-serve) has its path after the server kind.
    kind, colon, rest = value.partition(":")
    if colon and kind.isalpha() and len(kind) > 1 and os.path.isabs(rest):
        return f"{name}{eq}{kind}:{_portable_arg(rest, rootpath, record_endpoint)}"
    if not os.path.isabs(value):
        return arg
    path, sep, tail = value.partition("::")  # a node id
    path, comma, params = path.partition(",")  # a serve spec's parameters
    return f"{name}{eq}{portable_path(path, rootpath)}{comma}{params}{sep}{tail}"


def typed_command(
    args: Sequence[str], rootpath: str | PurePath, record_endpoint: bool = False
) -> list[str]:
    """The command line as the user would type it: ``pytest`` and the arguments, absolute
    paths made portable (``portable_path``), endpoints replaced by ``<local>`` / ``<remote>``
    unless ``record_endpoint``."""
    return ["pytest", *(_portable_arg(a, rootpath, record_endpoint) for a in args)]


def scrub_paths(text: str, rootpath: str | PurePath) -> str:
    """``text`` (a results file) with the rootdir and home folder prefixes of any path left in
    free text (an error message naming a log file, a skip reason) made relative: the safety
    net behind the fields made portable one by one. ``/`` itself is never a prefix."""
    for base, replacement in ((str(rootpath), ""), (str(Path.home()), "~/")):
        base = base.rstrip("/")
        if base.count("/") >= 1 and base not in ("", "/"):
            text = text.replace(base + "/", replacement)
    return text
