"""Suites shipped inside the installed package (``--llm-suite=NAME``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest


def suites_root() -> Path:
    return Path(str(resources.files("pytest_llmbench.suites")))


def available() -> list[str]:
    root = suites_root()
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.rglob("*.llmbench.yaml")))


def suite_paths(names: tuple[str, ...]) -> list[Path]:
    root = suites_root()
    out = []
    for name in names:
        path = root / name
        if not path.is_dir() or not any(path.rglob("*.llmbench.yaml")):
            known = ", ".join(available()) or "none"
            raise pytest.UsageError(
                f"--llm-suite={name}: no such packaged suite (available: {known})"
            )
        out.append(path)
    return out
