"""``llmbench init``: a starter suite that validates and runs as written, its editor schema, a
CI workflow; existing files are never overwritten without ``--force``."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from pytest_llmbench.cli import main
from pytest_llmbench.init_cli import MODELINE, SCHEMA_FILE, SUITE_DIR, SUITE_FILE, WORKFLOW_FILE


def test_init_writes_a_suite_that_validates_and_runs(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(pytester.path)]) == 0
    out = capsys.readouterr().out
    for rel in (SUITE_FILE, SCHEMA_FILE, WORKFLOW_FILE):
        assert (pytester.path / rel).is_file()
        assert f"wrote {pytester.path / rel}" in out
    suite = pytester.path / SUITE_FILE
    assert suite.read_text().splitlines()[0] == MODELINE
    assert main(["validate", str(suite)]) == 0
    passing = pytester.runpytest(
        SUITE_DIR, "--llm-model=llmbench/reference", "-p", "no:cacheprovider"
    )
    passing.assert_outcomes(passed=4)
    # Its scorers can fail: the fail references fail every scenario.
    failing = pytester.runpytest(
        SUITE_DIR, "--llm-model=llmbench/violate", "-p", "no:cacheprovider"
    )
    failing.assert_outcomes(failed=4)


def test_the_modeline_points_at_the_editor_schema_and_the_suite_is_valid_under_it(
    tmp_path: Path,
) -> None:
    assert main(["init", str(tmp_path)]) == 0
    suite = tmp_path / SUITE_FILE
    target = MODELINE.split("$schema=", 1)[1]
    schema_path = (suite.parent / target).resolve()
    assert schema_path == (tmp_path / SCHEMA_FILE).resolve()
    schema = json.loads(schema_path.read_text())
    assert "regex" in schema["$defs"]["scorer"]["anyOf"][2]["properties"]
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(yaml.safe_load(suite.read_text()))) == []


def test_the_workflow_checks_offline_then_runs_the_model_when_a_key_is_set(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    workflow = yaml.safe_load((tmp_path / WORKFLOW_FILE).read_text())
    steps = workflow["jobs"]["llmbench"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert any("pip install pytest-llmbench" in r for r in runs)
    assert any(f"pytest {SUITE_DIR} --llm-model=llmbench/reference" in r for r in runs)
    (model_step,) = [s for s in steps if "openai/" in s.get("run", "")]
    assert model_step["if"] == "env.OPENAI_API_KEY != ''"
    # The key comes from the repository's secrets, never written into the file.
    assert workflow["jobs"]["llmbench"]["env"]["OPENAI_API_KEY"] == "${{ secrets.OPENAI_API_KEY }}"


def test_existing_files_are_kept_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = tmp_path / WORKFLOW_FILE
    own.parent.mkdir(parents=True)
    own.write_text("mine\n")
    assert main(["init", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{own} exists (--force overwrites it)" in err
    assert own.read_text() == "mine\n"
    assert not (tmp_path / SUITE_FILE).exists()  # all or nothing
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert own.read_text() != "mine\n"
    assert (tmp_path / SUITE_FILE).is_file()


def test_init_defaults_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert (tmp_path / SUITE_FILE).is_file()
