"""Benchmark families: the declaration, entry-point discovery, lazy loading, and old spellings."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.families import (
    VERBS,
    Family,
    FamilyError,
    aggregates,
    all_families,
    canonical_row,
    family_names,
    find_family,
    render_aggregates,
)
from pytest_llmbench.packaged import suite_paths, suites_root
from pytest_llmbench.scoring.registry import ScorerRegistry, UnknownScorer, factories_in

BUILT_IN = ("distractors", "rules", "statqa", "sysbench", "toolbh")


def _imported_families(code: str) -> list[str]:
    """Family modules (not the machinery) imported by ``code`` in a fresh interpreter."""
    probe = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps(sorted(m for m in sys.modules"
        " if m.startswith('pytest_llmbench.families.') and not m.rpartition('.')[2][0] == '_')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    names: list[str] = json.loads(out.stdout.splitlines()[-1])
    return names


# --- the declaration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "Rules"}, "family name 'Rules'"),
        ({"name": "a/b"}, "family name 'a/b'"),
        ({"aliases": ("ok", "no way")}, "family name 'no way'"),
        ({"scorers": "not a module"}, "scorers='not a module' is not a module path"),
        ({"cli": "x.cli", "commands": {"export": "?"}}, r"unknown verb\(s\) \['export'\]"),
        ({"commands": {"import": "?"}}, "declares commands but no cli module"),
    ],
)
def test_a_bad_declaration_is_refused_with_its_reason(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(FamilyError, match=message):
        Family(**{"name": "demo", "title": "Demo", **kwargs})


def test_a_declaration_is_immutable_and_names_its_spellings() -> None:
    family = Family("new", "New", aliases=("old",), commands={})
    with pytest.raises(AttributeError):
        family.name = "other"  # type: ignore[misc]
    assert family.spellings == ("new", "old")
    assert family.canonical("old/f1") == "new/f1"
    assert family.canonical("new/f1") == "new/f1"
    assert family.canonical("f1") == "f1"
    assert family.scorer_module() is None and family.aggregate_module() is None


def test_the_built_in_families_are_found_through_the_entry_point_group() -> None:
    assert set(BUILT_IN) <= set(family_names())
    for name in BUILT_IN:
        family = find_family(name)
        assert family is not None and family.name == name
    assert find_family("multihop") is find_family("distractors")
    assert find_family("no-such-family") is None


@pytest.mark.parametrize(
    "family", [f for f in all_families() if f.name in BUILT_IN], ids=lambda f: f.name
)
def test_each_built_in_family_keeps_its_declaration(family: Family) -> None:
    """What the declaration promises, its modules provide: verbs, aggregate, scorer names."""
    for verb in family.commands:
        assert verb in VERBS
        command = family.command(verb)
        assert callable(command.configure) and callable(command.run)
    assert family.cli is not None
    assert set(importlib.import_module(family.cli).COMMANDS) == set(family.commands)
    assert family.aggregate_module() is not None
    scorers = family.scorer_module()
    assert scorers is not None
    names = [f.scorer_name for f in factories_in(scorers)]
    assert names and all(n.startswith(f"{family.name}/") for n in names)


def test_a_family_whose_cli_lacks_a_declared_verb_says_so() -> None:
    broken = Family("demo", "Demo", cli="pytest_llmbench.scorers.text", commands={"import": "?"})
    with pytest.raises(FamilyError, match=r"declares 'import' but pytest_llmbench\.scorers\.text"):
        broken.command("import")


def test_an_aggregate_module_without_its_functions_is_refused() -> None:
    broken = Family("demo", "Demo", aggregate="pytest_llmbench.scorers.text")
    with pytest.raises(FamilyError, match=r"must define aggregate\(rows\) and render"):
        broken.aggregate_module()


# --- scorers ----------------------------------------------------------------------------------


def test_a_family_scorer_is_found_by_its_prefix() -> None:
    registry = ScorerRegistry()
    assert registry.get("rules/encryption").scorer_name == "rules/encryption"
    assert registry.get("toolbh/level").scorer_name == "toolbh/level"


def test_the_old_multihop_scorer_name_is_the_distractors_scorer() -> None:
    registry = ScorerRegistry()
    assert registry.get("multihop/f1") is registry.get("distractors/f1")
    fn = registry.build("multihop/f1", {"threshold": 0.5, "answer": "Paris"})
    assert fn.__name__ == "distractors/f1"  # scores carry the current name
    assert "multihop/f1" not in registry.names()


def test_unknown_names_get_a_hint_for_the_scorer_or_the_family() -> None:
    registry = ScorerRegistry()
    with pytest.raises(UnknownScorer, match=r"'rules/encrypton' \(did you mean 'rules/encryption'"):
        registry.get("rules/encrypton")
    with pytest.raises(
        UnknownScorer, match=r"'rulez/x' \(no benchmark family 'rulez'; did you mean"
    ):
        registry.get("rulez/x")
    with pytest.raises(
        UnknownScorer, match=r"^unknown scorer 'zzz/x' \(no benchmark family 'zzz'\)$"
    ):
        registry.get("zzz/x")


def test_a_family_scorer_outside_its_namespace_is_refused() -> None:
    registry = ScorerRegistry()
    stray = Family("demo", "Demo", scorers="pytest_llmbench.scorers.text")
    with pytest.raises(FamilyError, match=r"scorer\(s\) \[.*'contains'.*\] .* named 'demo/\.\.\.'"):
        registry.add_family(stray)


def test_generic_scorers_import_no_family_and_a_family_scorer_only_its_own() -> None:
    lookup = "from pytest_llmbench.scoring.registry import ScorerRegistry\nr = ScorerRegistry()\n"
    assert _imported_families(lookup + "r.get('contains'); r.get('tool_called')") == []
    rules = _imported_families(lookup + "r.get('rules/encryption')")
    assert rules and all(m.startswith("pytest_llmbench.families.rules") for m in rules)
    # An alias reads every declaration (package __init__ only) but imports one family's code.
    old = _imported_families(lookup + "r.get('multihop/f1')")
    code = [m for m in old if m.count(".") > 2]
    assert code and all(m.startswith("pytest_llmbench.families.distractors.") for m in code)


def test_the_plugin_import_reads_no_family() -> None:
    assert _imported_families("import pytest_llmbench.plugin") == []


# --- aggregates -------------------------------------------------------------------------------


def _distractors_row(score_name: str, benchmark: str = "distractors") -> dict[str, Any]:
    by_mode = {m: {"em": 1.0, "f1": 1.0} for m in ("official", "strict")}
    return {
        "model": "m",
        "suite": "distractors",
        "scenario": "s-ori",
        "outcome": "passed",
        "scores": [{"name": score_name, "passed": True, "metadata": {"by_mode": by_mode}}],
        "metadata": {"benchmark": benchmark, "pair_id": "p", "version": "original"},
    }


def test_rows_of_an_old_results_file_aggregate_under_the_current_name() -> None:
    new = aggregates([_distractors_row("distractors/f1")])
    old = aggregates([_distractors_row("multihop/f1")])
    also_old = aggregates([_distractors_row("multihop/f1", benchmark="multihop")])
    assert list(new) == ["distractors"]
    assert old == new == also_old
    assert render_aggregates(old) == render_aggregates(new) != []


def test_canonical_row_copies_only_rows_with_an_old_spelling() -> None:
    family = find_family("distractors")
    assert family is not None
    current = _distractors_row("distractors/f1")
    assert canonical_row(current, family) is current
    old = _distractors_row("multihop/f1", benchmark="multihop")
    new = canonical_row(old, family)
    assert new["scores"][0]["name"] == "distractors/f1"
    assert new["metadata"]["benchmark"] == "distractors"
    assert old["scores"][0]["name"] == "multihop/f1"  # the caller's row is left alone


def test_rows_without_a_family_import_none() -> None:
    code = (
        "from pytest_llmbench.families import aggregates\n"
        "rows = [{'scenario': 'a', 'outcome': 'passed', 'scores': [], 'metadata': {}}]\n"
        "assert aggregates(rows) == {}\n"
    )
    assert _imported_families(code) == []


def test_an_aggregate_of_a_family_not_installed_is_left_out() -> None:
    code = (
        "from pytest_llmbench.families import render_aggregates\n"
        "assert render_aggregates({'unknown-family': {'x': 1}}) == []\n"
    )
    # Looking for an alias reads the declarations (package __init__ only), no family code.
    assert all(m.count(".") == 2 for m in _imported_families(code))


def test_aggregating_one_family_imports_only_it() -> None:
    code = (
        "from pytest_llmbench.families import aggregates\n"
        "rows = [{'scenario': 'a', 'outcome': 'passed', 'scores': [],"
        " 'metadata': {'benchmark': 'statqa'}}]\n"
        "aggregates(rows)\n"
    )
    imported = _imported_families(code)
    assert imported and all(m.startswith("pytest_llmbench.families.statqa") for m in imported)


# --- suites and commands under the old name ---------------------------------------------------


def test_the_old_suite_name_finds_the_distractors_suites() -> None:
    assert suite_paths(("multihop",)) == suite_paths(("distractors",))
    assert suite_paths(("distractors",)) == [suites_root() / "distractors"]


def test_an_unknown_suite_name_is_still_a_usage_error() -> None:
    with pytest.raises(pytest.UsageError, match="--llm-suite=nope: no such packaged suite"):
        suite_paths(("nope",))


def test_the_old_name_runs_the_distractors_commands(tmp_path: Path) -> None:
    assert main(["generate", "multihop", "--seed", "7", "--n", "2", "--out", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("*.llmbench.yaml")
    assert path.name == "distractors-seed7-n2.llmbench.yaml"
    text = path.read_text(encoding="utf-8")
    assert "suite: distractors\n" in text and "- distractors/f1:" in text


def test_a_family_verb_imports_that_family_only() -> None:
    code = (
        "import contextlib, io\nfrom pytest_llmbench.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['rescore', 'statqa', '--help'])\n"
    )
    imported = _imported_families(code)
    code_modules = [m for m in imported if m.count(".") > 2]
    assert code_modules and all(
        m.startswith("pytest_llmbench.families.statqa.") for m in code_modules
    )


def test_family_options_are_parsed_by_the_family_and_others_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["generate", "distractors", "--seed", "1"])
    assert exc.value.code == 2
    assert "llmbench generate distractors: error: the following arguments are required: --n" in (
        capsys.readouterr().err
    )
    with pytest.raises(SystemExit):
        main(["suites", "--seed", "1"])
    assert "unrecognized arguments: --seed 1" in capsys.readouterr().err


# --- a family's own bug costs only its aggregate -----------------------------------------------


def test_a_raising_aggregate_or_renderer_is_left_out_with_a_note(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import types

    from pytest_llmbench.families import _aggregation

    broken = types.ModuleType("broken_family_aggregate")

    def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
        raise ZeroDivisionError("division by zero in a third-party pack")

    def render(aggregate: dict[str, Any]) -> list[str]:
        raise KeyError("missing")

    broken.aggregate = aggregate  # type: ignore[attr-defined]
    broken.render = render  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "broken_family_aggregate", broken)
    family = Family(name="broken", title="Broken", aggregate="broken_family_aggregate")
    monkeypatch.setattr(
        _aggregation, "find_family", lambda name: family if name == "broken" else None
    )
    rows = [
        {"scenario": "a", "outcome": "passed", "scores": [], "metadata": {"benchmark": "broken"}}
    ]
    failures: list[str] = []
    assert _aggregation.aggregates(rows, failures) == {}
    assert len(failures) == 1 and "'broken'" in failures[0] and "ZeroDivisionError" in failures[0]
    failures.clear()
    assert _aggregation.render_aggregates({"broken": {"x": 1}}, failures) == []
    assert len(failures) == 1 and "summary renderer" in failures[0] and "KeyError" in failures[0]
