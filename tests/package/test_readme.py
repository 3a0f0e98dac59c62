"""The README stays true to the code: its options table lists exactly the registered options
and ini keys, and its set-up commands are the ones CI (``.ci/run``) runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pytest_llmbench.options import add_options

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


class _Recorder:
    """Stands in for pytest's parser and option group: records what ``add_options`` registers."""

    def __init__(self) -> None:
        self.options: set[str] = set()
        self.ini: set[str] = set()

    def getgroup(self, *args: Any, **kwargs: Any) -> _Recorder:
        return self

    def addoption(self, *names: str, **kwargs: Any) -> None:
        self.options.update(names)

    def addini(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.ini.add(name)


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}[^\n]*\n(.*?)(?=^## )", README, re.M | re.S)
    assert match is not None, f"README has no '## {title}' section"
    return match.group(1)


def _table_cells() -> list[tuple[str, str]]:
    rows = []
    for line in _section("Options").splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        rows.append((cells[0], cells[1]))
    assert rows[0] == (" option ", " ini key ")
    return rows[1:]


def test_the_options_table_lists_every_registered_option_and_nothing_else() -> None:
    registered = _Recorder()
    add_options(registered)  # type: ignore[arg-type]
    options = {o for o, _ in _table_cells() for o in re.findall(r"`(--llm-[a-z-]+)", o)}
    ini = {k for _, cell in _table_cells() for k in re.findall(r"`(llm_[a-z_]+)`", cell)}
    assert "--llm-judge-model" in options
    assert options == registered.options, (
        f"missing from the README: {sorted(registered.options - options)}; "
        f"not an option: {sorted(options - registered.options)}"
    )
    assert ini == registered.ini, (
        f"missing from the README: {sorted(registered.ini - ini)}; "
        f"not an ini key: {sorted(ini - registered.ini)}"
    )


def _commands(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_set_up_commands() -> None:
    setup = _section("Set up from a checkout")
    blocks = re.findall(r"```\n(.*?)```", setup, re.S)
    install, run = _commands(blocks[0])
    ci = [
        line.strip()
        for line in (REPO / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert ci[-2:] == [install, run]
    assert run == "pytest"
    # The third command: a real benchmark on the embedded model.
    assert _commands(blocks[1]) == ["pytest suites/examples --llm-model=local/smollm2"]


def test_the_quick_start_comes_first_and_installs_the_plugin() -> None:
    headings = re.findall(r"^## (.+)$", README, re.M)
    assert headings[0] == "Quick start"
    quick = _section("Quick start")
    assert "pip install pytest-llmbench\n" in quick
    assert "pytest-xdist" in quick and "-n" in quick
    assert "llmbench init" in quick
    assert headings.index("Quick start") < headings.index("Set up from a checkout")
