"""Atomic file writes: a reader sees the old file or the new one, never a torn one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.atomicfile import write_atomic


def test_write_atomic(tmp_path: Path) -> None:
    path = tmp_path / "out" / "results.json"
    write_atomic(path, '{"a": "ü"}')
    assert path.read_text("utf-8") == '{"a": "ü"}'
    write_atomic(path, "second")
    assert path.read_text("utf-8") == "second"
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]


def test_write_atomic_crash_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "results.json"
    write_atomic(path, "old")

    def crash(src: Any, dst: Any) -> None:
        raise OSError("no space left")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="no space left"):
        write_atomic(path, "new")
    monkeypatch.undo()
    assert path.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_write_atomic_bytes(tmp_path: Path) -> None:
    path = tmp_path / "ab" / "key.json"
    write_atomic(path, b"\x00raw")
    assert path.read_bytes() == b"\x00raw"
