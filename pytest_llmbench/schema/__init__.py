"""JSON Schemas shipped with the package (suite format, results file) and their validation."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from importlib import resources
from typing import Any


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """``name`` is ``suite`` or ``results``."""
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def fast_check(name: str) -> Callable[[Any], bool]:
    """Exactly jsonschema's yes/no for schema ``name``; raises ``fastcheck.Unsure`` where it
    cannot tell (then only jsonschema can). See ``fastcheck`` for why it exists."""
    from pytest_llmbench.schema.fastcheck import compile_schema

    return compile_schema(load_schema(name))


@functools.cache
def validator(name: str) -> Any:
    # jsonschema costs ~60 ms to import: only runs that load suites or write results pay it.
    import jsonschema

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)
