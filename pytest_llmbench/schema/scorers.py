"""The published suite schema with every registered scorer and its arguments spelled out.

``suite.schema.json`` describes a scorer reference as "a name, or ``{name: arguments}``": all a
run needs, since the registry checks names and arguments at collection with its own, better
worded errors. Editors need more to complete a suite as it is typed, so ``llmbench schema
suite`` prints the same schema with ``$defs/scorer`` rebuilt from the registry: one entry per
scorer (generic, every family's, entry-point packs'), its arguments read from the factory's
signature and type hints (the scorer's declared argument spec), its docstring as the hover
text. Names it does not list (a conftest's scorers) stay valid, as the registry decides them.

Collection never builds this schema (it would import every family): it validates against the
plain file, so the richer schema costs a run nothing.
"""

from __future__ import annotations

import copy
import inspect
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_llmbench.scoring.api import ScorerFactory
from pytest_llmbench.scoring.registry import ScorerRegistry

_NAME_PATTERN = r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)?$"
_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    type(None): {"type": "null"},
}


def type_schema(hint: Any) -> dict[str, Any]:
    """A JSON Schema for a parameter's type hint; ``{}`` (anything) for what it cannot map."""
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Literal:
        return {"enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        parts = [type_schema(a) for a in args]
        if any(p == {} for p in parts):
            return {}
        return {"anyOf": parts}
    if origin in (list, tuple, Sequence) or hint in (list, tuple):
        item = type_schema(args[0]) if args and origin is not tuple else {}
        return {"type": "array", "items": item} if item else {"type": "array"}
    if origin in (dict, Mapping) or hint is dict:
        return {"type": "object"}
    return {}


def _hints(factory: ScorerFactory) -> dict[str, Any]:
    try:
        return typing.get_type_hints(inspect.unwrap(factory))
    except Exception:  # a hint naming something unimportable: its arguments stay unconstrained
        return {}


def arguments_schema(factory: ScorerFactory) -> dict[str, Any]:
    """What may follow ``name:`` for this scorer, as ``ScorerRegistry.build`` reads it: nothing
    (``null``) when no argument is required, a mapping of keyword arguments, or the first
    argument alone (a mapping always means keywords)."""
    sig: inspect.Signature = getattr(factory, "signature", None) or inspect.signature(factory)
    hints = _hints(factory)
    props: dict[str, Any] = {}
    required: list[str] = []
    extra = False
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            extra = True
            continue
        if p.kind is p.VAR_POSITIONAL:
            continue
        prop = type_schema(hints.get(p.name, Any))
        if p.default is p.empty:
            required.append(p.name)
        elif isinstance(p.default, (str, int, float, bool)) or p.default is None:
            prop["default"] = p.default
        props[p.name] = prop
    keywords: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        keywords["required"] = required
    if not extra:
        keywords["additionalProperties"] = False
    forms: list[dict[str, Any]] = [keywords]
    if not required:
        forms.insert(0, {"type": "null"})
    first = next(iter(props), None)
    if first is not None and required[1:] == []:
        positional = {k: v for k, v in props[first].items() if k != "default"}
        forms.append(positional or {"not": {"type": "object"}})
    out: dict[str, Any] = {"anyOf": forms}
    doc = inspect.getdoc(inspect.unwrap(factory))
    if doc:
        out["description"] = " ".join(doc.split("\n\n")[0].split())
    return out


def scorer_schema(registry: ScorerRegistry) -> dict[str, Any]:
    """``$defs/scorer`` for every scorer the registry knows."""
    names = registry.names()
    entries = {name: arguments_schema(registry.get(name)) for name in names}
    needs_args = [n for n, e in entries.items() if {"type": "null"} not in e["anyOf"]]
    bare = [n for n in names if n not in needs_args]
    unlisted: dict[str, Any] = {"type": "string", "pattern": _NAME_PATTERN}
    if needs_args:
        unlisted["not"] = {"enum": needs_args}  # a listed scorer that needs arguments
    return {
        "description": "A scorer reference: a bare name, or a one-key mapping {name: arguments}. "
        "Scorers not listed here (your conftest's) are checked by the registry at collection.",
        "anyOf": [
            {"enum": bare},
            unlisted,
            {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "propertyNames": {"pattern": _NAME_PATTERN},
                "properties": entries,
            },
        ],
    }


def suite_schema_for_editors(registry: ScorerRegistry | None = None) -> dict[str, Any]:
    """The suite schema as published by ``llmbench schema suite``."""
    from pytest_llmbench.schema import load_schema

    schema = copy.deepcopy(load_schema("suite"))
    schema["$defs"]["scorer"] = scorer_schema(registry or ScorerRegistry())
    return schema
