"""``llmbench validate`` reports every problem of a file, each with its file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.errors import SuiteError, SuiteErrors
from pytest_llmbench.scenario import load_suite

BROKEN = """\
suite: demo
scenarios:
  - id: a
    usr: hi
    expect: [exact]
  - id: b
    user: hi
    expect: [{contans: hi}]
  - id: c
    user: hi
    expect:
      - contains: {text: hi, case_sensitve: false}
  - id: fine
    user: hi
    expect: [{contains: hi}]
"""


def test_validate_lists_every_error_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.llmbench.yaml"
    path.write_text(BROKEN)
    good = tmp_path / "good.llmbench.yaml"
    good.write_text("suite: g\nscenarios:\n  - id: x\n    user: hi\n    expect: [json_valid]\n")
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr()
    lines = out.err.splitlines()
    assert lines[:2] == [
        f"{path}:4: scenario 'a': scenarios/0: unknown key 'usr' (did you mean 'user'?)",
        f"{path}:8: scenario 'b': unknown scorer 'contans' (did you mean 'contains'?)",
    ]
    assert lines[2].startswith(
        f"{path}:12: scenario 'c': bad arguments for scorer 'contains': got an unexpected "
        "keyword argument 'case_sensitve' (did you mean 'case_sensitive'?); expected "
        "contains(text: 'str | list[str]', case_sensitive: 'bool' = True,"
    )
    assert len(lines) == 3
    assert out.out == f"{good}: ok (1 scenarios)\n"


def test_load_suite_raises_all_schema_errors_at_once(tmp_path: Path) -> None:
    path = tmp_path / "demo.llmbench.yaml"
    path.write_text(
        "suite: demo\nscenarios:\n  - id: a\n    usr: hi\n    expect: [exact]\n"
        "  - id: b\n    user: hi\n    expect: [exact]\n    params: {temprature: 0}\n"
    )
    with pytest.raises(SuiteErrors) as info:
        load_suite(path)
    errors = info.value.errors
    assert [(e.line, e.scenario) for e in errors] == [(4, "a"), (9, "b")]
    assert "did you mean 'temperature'" in errors[1].message
    # The first error stands for the whole, for code that handles one SuiteError.
    assert isinstance(info.value, SuiteError) and info.value.line == 4
    assert str(info.value).count("\n") == 1


def test_a_single_error_is_a_plain_suite_error(tmp_path: Path) -> None:
    path = tmp_path / "demo.llmbench.yaml"
    path.write_text(
        "suite: demo\nscenarios:\n  - id: a\n    user: hi\n    expect: [exact]\n    x: 1\n"
    )
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert type(info.value) is SuiteError
    assert info.value.line == 6
    assert "unknown key 'x' (allowed: id, description, tags," in info.value.message


def test_many_errors_are_capped_in_the_message(tmp_path: Path) -> None:
    body = "".join(
        f"  - id: s{i}\n    user: hi\n    expect: [exact]\n    bogus: 1\n" for i in range(80)
    )
    path = tmp_path / "demo.llmbench.yaml"
    path.write_text("suite: demo\nscenarios:\n" + body)
    with pytest.raises(SuiteErrors) as info:
        load_suite(path)
    assert len(info.value.errors) == 80
    lines = str(info.value).splitlines()
    assert len(lines) == SuiteErrors.SHOWN + 1
    assert lines[-1] == f"... and {80 - SuiteErrors.SHOWN} more problem(s) in this file"
