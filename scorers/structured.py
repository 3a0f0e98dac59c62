"""Structured-output scorers: the reply is JSON, optionally matching a JSON Schema."""

from __future__ import annotations

import json
import re
from typing import Any

from pytest_llmbench.scoring.api import Score, ScoreFn, ScorerContext, scorer

from .matching import check_bool, quote, truncate

# A reply that is exactly one fenced block: ```json ... ``` (or a bare ``` fence).
_FENCE = re.compile(r"\A```[ \t]*(?:json)?[ \t]*\r?\n(.*?)\r?\n?[ \t]*```\Z", re.DOTALL | re.I)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def unfence(reply: str) -> str:
    """The JSON text of ``reply``: the inside of a single fenced block, else the reply itself."""
    m = _FENCE.match(reply.strip())
    if m is None or "```" in m.group(1):
        return reply
    return m.group(1)


def parse_json(reply: str, allow_fence: bool) -> tuple[bool, Any, str]:
    """``(ok, value, error)``; never raises (NaN/Infinity and too-deep nesting are errors)."""
    text = unfence(reply) if allow_fence else reply
    try:
        return True, json.loads(text, parse_constant=_reject_constant), ""
    except ValueError as exc:
        return False, None, truncate(str(exc), 120)
    except RecursionError:
        return False, None, "nested too deeply"


@scorer("json_valid")
def json_valid(allow_fence: bool = True) -> ScoreFn:
    """The reply is valid JSON (if ``allow_fence``, also inside a single ```json fenced block)."""
    fence = check_bool(allow_fence, "allow_fence")

    def score(ctx: ScorerContext) -> Score:
        ok, _, error = parse_json(ctx.reply, fence)
        if ok:
            return Score(True, "reply is valid JSON")
        return Score(False, f"expected valid JSON, got {quote(ctx.reply)} ({error})")

    return score


@scorer("json_schema")
def json_schema(schema: dict[str, Any], allow_fence: bool = True) -> ScoreFn:
    """The reply is valid JSON (fenced allowed as in ``json_valid``) matching ``schema``."""
    import jsonschema  # lazily: only suites that use this scorer pay for the import

    if not isinstance(schema, dict):
        raise TypeError(f"schema must be a mapping (a JSON Schema), got {schema!r}")
    fence = check_bool(allow_fence, "allow_fence")
    cls = jsonschema.validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        where = exc.json_path if exc.path else "the schema root"
        raise ValueError(f"invalid JSON schema at {where}: {truncate(exc.message, 200)}") from None
    validator = cls(schema)

    def score(ctx: ScorerContext) -> Score:
        ok, value, error = parse_json(ctx.reply, fence)
        if not ok:
            return Score(
                False, f"expected JSON matching the schema, got {quote(ctx.reply)} ({error})"
            )
        try:
            errors = list(validator.iter_errors(value))
        except Exception as exc:  # e.g. an unresolvable $ref or a too-deep document: never raise
            return Score(False, f"could not validate against the schema: {truncate(str(exc), 120)}")
        if not errors:
            return Score(True, "reply is JSON matching the schema")
        first = jsonschema.exceptions.best_match(errors)
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return Score(
            False,
            f"JSON does not match the schema at {first.json_path}: "
            f"{truncate(first.message, 160)}{more}",
        )

    return score
