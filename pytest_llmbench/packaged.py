"""Suites shipped inside the installed package (``--llm-suite=NAME``).

A benchmark family's suites are in the folder of its name; an old spelling of the name (a
family alias, e.g. ``multihop`` for ``distractors``) still finds them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest


def suites_root() -> Path:
    return Path(str(resources.files("pytest_llmbench.suites")))


def available() -> list[str]:
    root = suites_root()
    return sorted(p.name for p in root.iterdir() if _has_suites(p))


def suite_paths(names: tuple[str, ...]) -> list[Path]:
    root = suites_root()
    out = []
    for name in names:
        path = root / name
        if not _has_suites(path):
            path = root / _family_name(name)
        if not _has_suites(path):
            known = ", ".join(available()) or "none"
            raise pytest.UsageError(
                f"--llm-suite={name}: no such packaged suite (available: {known})"
            )
        out.append(path)
    return out


def _has_suites(path: Path) -> bool:
    return path.is_dir() and any(path.rglob("*.llmbench.yaml"))


def _family_name(name: str) -> str:
    """The family's current name when ``name`` is one of its aliases (else ``name``)."""
    from pytest_llmbench.families import FamilyError, find_family

    try:
        family = find_family(name)
    except FamilyError as exc:
        raise pytest.UsageError(f"--llm-suite={name}: {exc}") from None
    return family.name if family is not None else name
