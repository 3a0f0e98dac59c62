"""``llmbench schema suite``: the suite schema with every scorer and its arguments, for editors.

It must agree with the registry, which decides at collection: every shipped suite is valid
under it, and arguments the registry refuses are refused by the schema too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.errors import BadScorerArguments
from pytest_llmbench.scoring.registry import ScorerRegistry
from pytest_llmbench.yamlload import load_yaml

SUITES = Path(__file__).resolve().parents[2] / "suites"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    from pytest_llmbench.schema.scorers import suite_schema_for_editors

    return suite_schema_for_editors()


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Any:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)  # itself a valid draft 2020-12 schema
    return cls(schema)


def _entries(schema: dict[str, Any]) -> dict[str, Any]:
    mapping = schema["$defs"]["scorer"]["anyOf"][2]
    entries: dict[str, Any] = mapping["properties"]
    return entries


def _keywords(entry: dict[str, Any]) -> dict[str, Any]:
    (form,) = [f for f in entry["anyOf"] if f.get("type") == "object"]
    return form


def test_every_registered_scorer_is_listed_with_its_arguments(schema: dict[str, Any]) -> None:
    entries = _entries(schema)
    names = ScorerRegistry().names()
    assert sorted(entries) == names
    assert any(n.startswith("rules/") for n in names) and "sysbench/checklist" in names
    regex = _keywords(entries["regex"])
    assert regex["required"] == ["pattern"]
    assert regex["properties"]["match"] == {"enum": ["search", "fullmatch"], "default": "search"}
    assert regex["properties"]["negate"] == {"type": "boolean", "default": False}
    assert regex["additionalProperties"] is False
    assert _keywords(entries["max_words"])["properties"]["n"] == {"type": "integer"}
    assert _keywords(entries["contains"])["properties"]["text"] == {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    }
    access = _keywords(entries["rules/access_control"])["properties"]
    assert access["instructions"]["enum"] == ["system", "user"]
    assert "reply contains" in entries["contains"]["description"]
    bare = schema["$defs"]["scorer"]["anyOf"][0]["enum"]
    assert "json_valid" in bare and "contains" not in bare  # contains needs its text


def test_every_shipped_suite_is_valid_under_the_editor_schema(validator: Any) -> None:
    files = sorted(SUITES.rglob("*.llmbench.yaml"))
    assert len(files) >= 10
    for path in files:
        errors = [e.message for e in validator.iter_errors(load_yaml(path))]
        assert errors == [], (path, errors[:3])


def _suite(*expect: Any) -> dict[str, Any]:
    return {"suite": "s", "scenarios": [{"id": "a", "user": "hi", "expect": list(expect)}]}


@pytest.mark.parametrize(
    "ref",
    [
        "json_valid",
        "no_tool_called",
        {"contains": "Paris"},
        {"contains": ["a", "b"]},
        {"contains": {"text": "Paris", "case_sensitive": False}},
        {"max_words": 3},
        {"regex": {"pattern": "x", "match": "fullmatch"}},
        {"json_valid": None},
        {"json_schema": {"schema": {"type": "object"}}},
        {"tool_called": {"name": "lookup", "count": 1}},
        {"rules/simon_says": {"instructions": "user"}},
        "mine/custom",  # a conftest's scorer: the registry decides
        {"mine/custom": {"anything": 1}},
    ],
)
def test_the_schema_accepts_what_the_registry_accepts(validator: Any, ref: Any) -> None:
    assert validator.is_valid(_suite(ref))
    name, args = (ref, None) if isinstance(ref, str) else next(iter(ref.items()))
    if not name.startswith("mine/"):
        ScorerRegistry().build(name, args)


@pytest.mark.parametrize(
    "ref",
    [
        "contains",  # needs its text
        {"contains": {"txt": "x"}},
        {"contains": {"text": "x", "case_sensitve": False}},
        {"contains": 3},
        {"max_words": "three"},
        {"max_words": None},
        {"regex": {"pattern": "x", "match": "whole"}},
        {"tool_called": {"name": "x", "count": "one"}},
        {"rules/simon_says": {"instructions": "assistant"}},
    ],
)
def test_the_schema_refuses_what_the_registry_refuses(validator: Any, ref: Any) -> None:
    assert not validator.is_valid(_suite(ref))
    name, args = (ref, None) if isinstance(ref, str) else next(iter(ref.items()))
    with pytest.raises(BadScorerArguments):
        ScorerRegistry().build(name, args)


def test_cli_prints_the_editor_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "suite"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert "regex" in _entries(printed)
    assert printed["$id"].endswith("suite.schema.json")


def test_collection_keeps_the_plain_schema() -> None:
    """Collection validates against the file (no family import, no extra cost); the scorer
    arguments are the registry's to check."""
    from pytest_llmbench.schema import load_schema

    plain = load_schema("suite")["$defs"]["scorer"]
    assert "properties" not in json.dumps(plain)
