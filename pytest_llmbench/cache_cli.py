"""``llmbench cache list|clear|prune``: what the response cache holds, and removing it.

The folder is the plugin's default (``.pytest_cache/llmbench`` under the folder the command
runs in, normally the project's rootdir) or ``--dir`` (what ``--llm-cache-dir`` named).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_DIR = Path(".pytest_cache") / "llmbench"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("cache", help="list, clear or prune the response cache")
    verbs = p.add_subparsers(dest="cache_command", required=True, metavar="list|clear|prune")

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--dir",
            type=Path,
            default=DEFAULT_DIR,
            help=f"cache folder (default {DEFAULT_DIR}; what --llm-cache-dir named)",
        )

    q = verbs.add_parser("list", help="entries, size and age per model")
    common(q)
    q.set_defaults(func=_list)
    q = verbs.add_parser("clear", help="remove every entry, or one model's")
    common(q)
    q.add_argument("--model", help="only this model's entries (e.g. openai/gpt-4o-mini)")
    q.set_defaults(func=_clear)
    q = verbs.add_parser("prune", help="remove entries older than an age")
    common(q)
    q.add_argument("--older-than", required=True, metavar="AGE", help="e.g. 30d, 12h, 2w")
    q.add_argument("--model", help="only this model's entries")
    q.set_defaults(func=_prune)


def _list(args: argparse.Namespace) -> int:
    from pytest_llmbench.cache_admin import entries, human_age, human_size, usage

    found = entries(args.dir)
    total = sum(e.size for e in found)
    print(f"cache {args.dir}: {len(found)} entries, {human_size(total)}")
    if not found:
        return 0
    rows = usage(found)
    now = time.time()
    width = max(len("model"), *(len(r.model) for r in rows))
    print(f" {'model':<{width}}  {'entries':>8}  {'size':>9}  {'oldest':>6}  {'newest':>6}")
    for r in rows:
        print(
            f" {r.model:<{width}}  {r.count:>8}  {human_size(r.size):>9}  "
            f"{human_age(now - r.oldest):>6}  {human_age(now - r.newest):>6}"
        )
    return 0


def _clear(args: argparse.Namespace) -> int:
    from pytest_llmbench.cache_admin import entries

    found = entries(args.dir, read_model=args.model is not None)
    if args.model is not None:
        found = [e for e in found if e.model == args.model]
    return _removed(args, found, "")


def _prune(args: argparse.Namespace) -> int:
    from pytest_llmbench.cache_admin import entries, parse_age

    try:
        age = parse_age(args.older_than)
    except ValueError as exc:
        print(f"llmbench cache prune: --older-than: {exc}", file=sys.stderr)
        return 2
    cutoff = time.time() - age
    found = [e for e in entries(args.dir, read_model=args.model is not None) if e.mtime < cutoff]
    if args.model is not None:
        found = [e for e in found if e.model == args.model]
    return _removed(args, found, f" older than {args.older_than}")


def _removed(args: argparse.Namespace, found: list[Any], what: str) -> int:
    from pytest_llmbench.cache_admin import human_size, remove

    count, size = remove(found, args.dir)
    scope = f" of {args.model}" if args.model is not None else ""
    print(f"removed {count} entries{scope}{what} ({human_size(size)}) from {args.dir}")
    return 0
