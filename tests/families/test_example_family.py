"""A benchmark family from outside the project, installed through the entry point.

``tests/data/example_family`` is a complete third-party benchmark pack (its own pyproject, one
scorer, an aggregate and an ``import`` verb). It is installed the way an installer would:
its package and a ``.dist-info`` (METADATA and entry_points.txt from its pyproject) in a folder
on ``sys.path`` of a child process. Nothing of it is listed anywhere in pytest-llmbench.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PYTEST_SUBPROCESS, REPO

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib

PACK = REPO / "tests" / "data" / "example_family"
WORDS = "hello\nworld\npytest\n"


def install(pack: Path, site: Path) -> None:
    """What ``pip install`` leaves behind: the packages and a dist-info with the entry points."""
    config = tomllib.loads((pack / "pyproject.toml").read_text(encoding="utf-8"))
    project = config["project"]
    for package in config["tool"]["setuptools"]["packages"]:
        shutil.copytree(pack / package, site / package)
    name, version = project["name"], project["version"]
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    info.joinpath("METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    groups = project["entry-points"]
    info.joinpath("entry_points.txt").write_text(
        "".join(
            f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()) + "\n"
            for group, eps in groups.items()
        ),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    site = tmp_path_factory.mktemp("site")
    install(PACK, site)
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


@pytest.fixture
def imported(tmp_path: Path, env: dict[str, str]) -> Path:
    """``llmbench import example``: a word list -> a suite in ``suites/``."""
    (tmp_path / "words.txt").write_text(WORDS, encoding="utf-8")
    out = llmbench(env, tmp_path, "import", "example", "--source", "words.txt", "--out", "suites")
    assert out.returncode == 0, out.stderr
    assert "wrote 3 scenario(s) to suites/example.llmbench.yaml" in out.stdout
    return tmp_path / "suites" / "example.llmbench.yaml"


def llmbench(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest_llmbench.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def run_pytest(
    env: dict[str, str], cwd: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    proc = subprocess.run(
        [*PYTEST_SUBPROCESS, "suites", "--llm-results=results.json", "-rA", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    results = cwd / "results.json"
    doc = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
    return proc, doc


def test_the_pack_adds_its_verb_to_llmbench(tmp_path: Path, env: dict[str, str]) -> None:
    listing = llmbench(env, tmp_path, "import", "--help")
    assert "a word list (one word a line) -> a suite file" in listing.stdout
    options = llmbench(env, tmp_path, "import", "example", "--help")
    assert options.returncode == 0 and "--source" in options.stdout
    missing = llmbench(env, tmp_path, "import", "example", "--source", "nope.txt", "--out", "x")
    assert missing.returncode == 2 and "nope.txt" in missing.stderr


def test_the_imported_suite_runs_with_the_packs_scorer_and_aggregate(
    imported: Path, env: dict[str, str]
) -> None:
    cwd = imported.parent.parent
    proc, doc = run_pytest(env, cwd, "--llm-model=llmbench/reference")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "3 passed" in proc.stdout
    assert "example: llmbench/reference shouted 3 of 3 words" in proc.stdout
    assert doc["aggregates"]["example"] == {
        "models": {"llmbench/reference": {"words": 3, "shouted": 3}}
    }
    assert {s["name"] for r in doc["results"] for s in r["scores"]} == {"example/shouted"}

    proc, doc = run_pytest(env, cwd, "--llm-model=llmbench/violate")
    assert proc.returncode == 1 and "3 failed" in proc.stdout
    assert "'HELLO' is not in the reply" in proc.stdout
    assert "example: llmbench/violate shouted 0 of 3 words" in proc.stdout
    assert doc["aggregates"]["example"]["models"]["llmbench/violate"]["shouted"] == 0


def test_without_the_pack_its_scorer_is_unknown(imported: Path) -> None:
    proc = subprocess.run(
        [*PYTEST_SUBPROCESS, "suites", "--llm-model=llmbench/reference"],
        cwd=imported.parent.parent,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "unknown scorer 'example/shouted' (no benchmark family 'example'" in proc.stdout
