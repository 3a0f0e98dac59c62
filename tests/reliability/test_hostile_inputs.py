"""Hostile suite files (issue 19, findings 5 and 11): what validates must survive the results
file, and what cannot be read is one error naming file, line and column."""

from __future__ import annotations

import json

import pytest


def test_yaml_dates_in_metadata_reach_the_results_file_as_text(pytester: pytest.Pytester) -> None:
    (pytester.path / "dated.llmbench.yaml").write_text(
        "suite: dated\n"
        "metadata: {added: 2024-01-01}\n"
        "scenarios:\n"
        "  - id: a\n"
        "    user: hi\n"
        "    metadata: {added: 2024-01-01, at: 2024-01-01 10:00:00}\n"
        "    expect: [{contains: hi}]\n"
        "    reference: {pass: [hi], fail: [nope]}\n",
        encoding="utf-8",
    )
    result = pytester.runpytest("--llm-model=llmbench/reference", "--llm-results=out.json")
    result.assert_outcomes(passed=1)
    doc = json.loads((pytester.path / "out.json").read_text(encoding="utf-8"))
    assert doc["results"][0]["metadata"] == {"added": "2024-01-01", "at": "2024-01-01 10:00:00"}


def test_binary_in_a_suite_is_a_collection_error_at_its_line(pytester: pytest.Pytester) -> None:
    (pytester.path / "blob.llmbench.yaml").write_text(
        "suite: blob\n"
        "scenarios:\n"
        "  - id: a\n"
        "    user: hi\n"
        "    metadata: {blob: !!binary aGVsbG8=}\n"
        "    expect: [{contains: hi}]\n",
        encoding="utf-8",
    )
    result = pytester.runpytest("--llm-model=llmbench/reference", "--llm-results=out.json")
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "blob.llmbench.yaml:5: " in out and "!!binary" in out
    assert "Traceback" not in out


def test_a_latin1_byte_is_reported_at_line_and_column(pytester: pytest.Pytester) -> None:
    (pytester.path / "latin.llmbench.yaml").write_bytes(
        b"suite: latin\nscenarios:\n  - id: a\n    user: caf\xe9 au lait\n"
        b"    expect: [{contains: hi}]\n"
    )
    result = pytester.runpytest("--llm-model=llmbench/reference")
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "latin.llmbench.yaml:4:14: not UTF-8: byte 0xe9" in out, out
    assert "position" not in out and "Traceback" not in out
