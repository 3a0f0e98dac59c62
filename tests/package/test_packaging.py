"""The installed package: plugin import cost, entry points, and what the wheel carries."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pytest_llmbench.families import ENTRY_POINT_GROUP
from tests.conftest import PYTEST_SUBPROCESS

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("litellm", "rich", "jsonschema", "huggingface_hub", "aiohttp", "tenacity", "openai")


def test_importing_the_plugin_imports_nothing_heavy() -> None:
    code = (
        "import json, sys; import pytest_llmbench.plugin; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


@pytest.mark.slow
def test_a_run_without_llm_items_never_imports_litellm(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain="""
        import sys

        def test_no_litellm():
            assert "litellm" not in sys.modules
            assert "rich" not in sys.modules
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_run_of_generic_scorers_imports_no_benchmark_family(pytester: pytest.Pytester) -> None:
    """Families load when their names are used: none here, so none of their code is imported
    (and a run with rows of no family computes no aggregate)."""
    pytester.makeconftest(
        """
        import json, sys

        def pytest_unconfigure(config):
            families = sorted(
                m for m in sys.modules
                if m.startswith("pytest_llmbench.families.")
                and not m.rpartition(".")[2].startswith("_")
            )
            with open("imported.json", "w") as fh:
                json.dump(families, fh)
        """
    )
    suites = REPO / "suites" / "examples"
    for path in suites.glob("*.llmbench.yaml"):
        (pytester.path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--llm-model=llmbench/reference", "--llm-results=out.json"
    )
    assert result.ret == 0, result.stdout.str()[-2000:]
    assert json.loads((pytester.path / "imported.json").read_text()) == []
    assert json.loads((pytester.path / "out.json").read_text())["aggregates"] == {}


def test_entry_point_and_console_script_are_registered() -> None:
    from importlib import metadata

    dist = metadata.distribution("pytest-llmbench")
    eps = {(e.group, e.name): e.value for e in dist.entry_points}
    assert eps[("pytest11", "llmbench")] == "pytest_llmbench.plugin"
    assert eps[("console_scripts", "llmbench")] == "pytest_llmbench.cli:main"
    families = {name: value for (group, name), value in eps.items() if group == ENTRY_POINT_GROUP}
    assert families == {
        name: f"pytest_llmbench.families.{name}:FAMILY"
        for name in ("rules", "sysbench", "toolbh", "statqa", "distractors")
    }
    out = subprocess.run(
        [sys.executable, "-m", "pytest_llmbench.cli", "suites"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert "examples" in [line.split("\t")[0] for line in out.stdout.splitlines()]


def _clean_source(dest: Path) -> Path:
    """The checkout's tracked files only: setuptools builds in ``build/`` inside the source
    folder, and a stale ``build/lib`` from an earlier build (a removed suite, a renamed module)
    ends up in the wheel; building in the checkout would also write into it."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=False
    )
    if listed.returncode != 0:  # not a git checkout (an sdist): copy all but build output
        ignore = shutil.ignore_patterns("build", "dist", ".venv", ".tox", "*.egg-info", ".git")
        shutil.copytree(REPO, dest, ignore=ignore, symlinks=True)
        return dest
    for rel in filter(None, listed.stdout.decode().split("\0")):
        src, target = REPO / rel, dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            target.symlink_to(os.readlink(src))
        elif src.is_file():
            shutil.copy2(src, target)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = _clean_source(tmp_path_factory.mktemp("source") / "pytest-llmbench")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("pytest_llmbench-*.whl")
    return found


@pytest.mark.slow
def test_wheel_carries_suites_scorers_and_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "pytest_llmbench/plugin.py",
        "pytest_llmbench/py.typed",
        "pytest_llmbench/schema/suite.schema.json",
        "pytest_llmbench/schema/results.schema.json",
        "pytest_llmbench/report/browse.js",  # the HTML report reads it at render time
        "pytest_llmbench/scorers/text.py",
        "pytest_llmbench/scorers/tools.py",
        "pytest_llmbench/suites/examples/basics.llmbench.yaml",
    }
    assert expected <= names
    suite_files = {n for n in names if n.endswith(".llmbench.yaml")}
    repo_suites = {
        "pytest_llmbench/suites/" + str(p.relative_to(REPO / "suites"))
        for p in (REPO / "suites").rglob("*.llmbench.yaml")
    }
    assert suite_files == repo_suites
    # Packages are discovered (setup.py): every module of the checkout must be in the wheel.
    modules = {n for n in names if n.endswith(".py")}
    repo_modules = {str(p.relative_to(REPO)) for p in (REPO / "pytest_llmbench").rglob("*.py")} | {
        "pytest_llmbench/scorers/" + str(p.relative_to(REPO / "scorers"))
        for p in (REPO / "scorers").rglob("*.py")
    }
    assert repo_modules - modules == set()
    assert not any(n.startswith("tests/") for n in names)


@pytest.mark.slow
def test_installed_wheel_runs_a_packaged_suite_without_a_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import pytest_llmbench.suites as s; print(s.__file__)"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(target))
    run = subprocess.run(
        [
            *PYTEST_SUBPROCESS,
            "--llm-suite=examples",
            "--llm-model=llmbench/reference",
            "-q",
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
