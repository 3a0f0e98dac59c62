"""The compiled suite check must agree with jsonschema on every document it answers for: a
"yes" where jsonschema says no would let a malformed suite through without its error."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.schema import fast_check, load_schema, validator
from pytest_llmbench.schema.fastcheck import Unsure, compile_schema, equal
from pytest_llmbench.yamlload import load_yaml

REPO = Path(__file__).resolve().parents[2]
SUITES = sorted(
    p
    for folder in (REPO / "suites", REPO / "tests")
    for p in folder.rglob("*.llmbench.yaml")
    if "malformed" not in p.parts
)
MALFORMED = sorted((REPO / "tests" / "data" / "malformed").glob("*.llmbench.yaml"))

REPLACEMENTS: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1.0,
    2.5,
    51,
    "",
    "x",
    "bad id!",
    "a/b/c",
    [],
    ["x"],
    [1],
    {},
    {"x": 1},
    {"contains": "ok"},
    {"a": 1, "b": 2},
]


def answer(check: Any, doc: Any) -> bool | None:
    try:
        return bool(check(doc))
    except Unsure:
        return None


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


def mutated(doc: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    """A copy of ``doc`` changed at ``path``; only the containers on the path are copied."""
    if not path:
        return value
    top = copy.copy(doc)
    parent = top
    for part in path[:-1]:
        parent[part] = copy.copy(parent[part])
        parent = parent[part]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "extra" and isinstance(parent[last], dict):
        parent[last] = {**parent[last], "unexpected_key": value}
    else:
        parent[last] = value
    return top


def test_agrees_on_every_shipped_suite() -> None:
    check = fast_check("suite")
    assert SUITES
    for path in SUITES:
        doc = load_yaml(path)
        assert answer(check, doc) == validator("suite").is_valid(doc), path


def test_agrees_on_the_malformed_corpus() -> None:
    check = fast_check("suite")
    for path in MALFORMED:
        try:
            doc = load_yaml(path)
        except Exception:  # unreadable YAML never reaches validation
            continue
        got = answer(check, doc)
        assert got is None or got == validator("suite").is_valid(doc), path


def test_agrees_on_mutated_scenarios() -> None:
    """Single scenarios (with their file's header and defaults) changed at every position:
    wrong types, deleted keys, unexpected keys, bad patterns, out-of-range numbers."""
    rng = random.Random(8)
    check = fast_check("suite")
    sites: list[tuple[Any, tuple[Any, ...], str]] = []
    for path in SUITES:
        doc = load_yaml(path)
        for scenario in rng.sample(doc["scenarios"], min(2, len(doc["scenarios"]))):
            small = {**doc, "scenarios": [scenario]}
            for where in paths(small):
                sites += [(small, where, how) for how in ("replace", "delete", "extra") if where]
    answered = 0
    for small, where, how in rng.sample(sites, min(2000, len(sites))):
        doc = mutated(small, where, how, rng.choice(REPLACEMENTS))
        got = answer(check, doc)
        if got is None:
            continue
        answered += 1
        assert got == validator("suite").is_valid(doc), f"fast check says {got} for {doc!r}"
    assert answered > 1500


@pytest.mark.parametrize(
    ("schema", "good", "bad"),
    [
        ({"type": "integer"}, [1, 2.0, -3], [True, 1.5, "1", None]),
        ({"type": "number", "minimum": 0}, [0, 0.5, float("nan")], [-1, False]),
        ({"const": 1}, [1, 1.0], [True, "1"]),
        ({"enum": [False, "a"]}, [False, "a"], [0, "b"]),
        ({"oneOf": [{"type": "string"}, {"pattern": "^a"}]}, ["b", 1], ["a"]),
        ({"not": {"type": "null"}}, [0, ""], [None]),
        ({"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}, [{"a": 1}, [], 3], [{"c": 1}]),
        ({"propertyNames": {"maxLength": 2}}, [{"ab": 1}, "long"], [{"abc": 1}]),
        ({"additionalProperties": {"type": "string"}}, [{"a": "x"}], [{"a": 1}]),
        ({"items": {"type": "string"}, "maxItems": 2}, [["a"], "x"], [[1], ["a", "b", "c"]]),
        ({"$ref": "#/$defs/t", "$defs": {"t": {"minLength": 2}}}, ["ab", 1], ["a"]),
    ],
)
def test_keywords_match_jsonschema(schema: dict[str, Any], good: list[Any], bad: list[Any]) -> None:
    import jsonschema

    check = compile_schema(schema)
    reference = jsonschema.Draft202012Validator(schema)
    for value in good:
        assert check(value) and reference.is_valid(value), value
    for value in bad:
        assert not check(value) and not reference.is_valid(value), value


def test_unknown_keywords_and_refs_are_unsure() -> None:
    schemas: list[dict[str, Any]] = [
        {"format": "email"},
        {"patternProperties": {"a": {}}},
        {"$ref": "other.json#/x"},
        {"type": "any"},
    ]
    for schema in schemas:
        with pytest.raises(Unsure):
            compile_schema(schema)("x")


def test_recursive_ref() -> None:
    schema = {
        "$ref": "#/$defs/tree",
        "$defs": {"tree": {"type": "array", "items": {"$ref": "#/$defs/tree"}}},
    }
    check = compile_schema(schema)
    assert check([[], [[]]])
    assert not check([[], [1]])


def test_equal_keeps_booleans_apart() -> None:
    assert equal([1, {"a": 0}], [1.0, {"a": 0}])
    assert not equal([1], [True])
    assert not equal({"a": False}, {"a": 0})


def test_suite_schema_compiles_without_unsure_parts() -> None:
    # Every valid shipped suite gets a yes/no, never a fallback: the fast path is the common path.
    check = compile_schema(load_schema("suite"))
    for path in SUITES:
        assert answer(check, load_yaml(path)) is True, path
