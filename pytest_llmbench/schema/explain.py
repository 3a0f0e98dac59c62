"""Every JSON Schema violation of a suite file, worded for the person who wrote it.

Only reached once the fast check said "invalid" (``fastcheck``), so nothing here costs a valid
suite anything. Each violation becomes one ``SuiteError`` with the line of the offending node
(of the key itself for an unknown key) and, where a close spelling exists, a "did you mean"
(``usr:`` → ``user``), so a file with several mistakes is fixed in one round instead of one
run per mistake.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_llmbench.errors import SuiteError
from pytest_llmbench.yamlload import line_of


@dataclass(frozen=True)
class Violations:
    """The errors of one file, and which scenarios they touch (by index)."""

    errors: list[SuiteError]
    bad_scenarios: frozenset[int]
    # A problem outside any single scenario (the header, ``defaults``, the list itself): no
    # scenario can be built on it.
    whole_file: bool


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def key_line(lines: Sequence[str], start: int, key: str) -> int:
    """The 1-based line where ``key`` is written as a mapping key, searching from ``start``
    (the mapping's own line); ``start`` when it cannot be found (a key built by an alias)."""
    pattern = re.compile(r"(?:^|[\s{,?-])(['\"]?)" + re.escape(key) + r"\1\s*:(?:\s|$)")
    for number in range(max(start, 1), len(lines) + 1):
        if pattern.search(lines[number - 1]):
            return number
    return start


def violations(path: Path, data: Any, text: str) -> Violations:
    from jsonschema.exceptions import best_match

    from pytest_llmbench.schema import validator

    lines = text.splitlines()
    errors: list[SuiteError] = []
    bad: set[int] = set()
    whole_file = False
    for error in validator("suite").iter_errors(data):
        parts = list(error.absolute_path)
        index = parts[1] if len(parts) > 1 and parts[0] == "scenarios" else None
        if isinstance(index, int):
            bad.add(index)
        else:
            whole_file = True
        for line, message, scenario in _explain(error, best_match, data, lines):
            errors.append(SuiteError(path, line, message, scenario))
    return Violations(errors, frozenset(bad), whole_file)


def _locate(data: Any, parts: list[Any]) -> tuple[Any, int, str | None]:
    """The node at ``parts``, its line (the nearest enclosing one known) and its scenario."""
    node: Any = data
    line = line_of(data, 1)
    scenario: str | None = None
    for part in parts:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        line = line_of(node, line)
        if scenario is None and isinstance(node, dict) and isinstance(node.get("id"), str):
            scenario = node["id"]
    return node, line, scenario


def _explain(
    error: Any, best_match: Any, data: Any, lines: Sequence[str]
) -> list[tuple[int, str, str | None]]:
    parts = list(error.absolute_path)
    node, line, scenario = _locate(data, parts)
    where = "/".join(str(p) for p in parts) or "<top>"
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(node, dict):
        allowed = list(schema.get("properties") or ())
        out = []
        for key in node:
            if key in allowed:
                continue
            hint = did_you_mean(key, allowed) or f" (allowed: {', '.join(allowed)})"
            out.append(
                (key_line(lines, line, key), f"{where}: unknown key {key!r}{hint}", scenario)
            )
        if out:
            return out
    if _is_user_or_turns(error, node):
        if "user" in node and "turns" in node:
            return [(line, "give either 'user' or 'turns', not both", scenario)]
        # A misspelt 'user' or 'turns' is already reported, with its did-you-mean.
        known = set(schema.get("properties") or ())
        if any(did_you_mean(k, ("user", "turns")) for k in node if k not in known):
            return []
        return [(line, "no 'user' message and no 'turns'", scenario)]
    best = best_match([error])
    node, line, scenario = _locate(data, list(best.absolute_path))
    where = "/".join(str(p) for p in best.absolute_path) or "<top>"
    message = best.message
    if best.validator == "enum" and isinstance(best.instance, str):
        message += did_you_mean(best.instance, [str(v) for v in best.validator_value])
    return [(line, f"{where}: {message}", scenario)]


def _is_user_or_turns(error: Any, node: Any) -> bool:
    """The scenario's "exactly one of 'user' and 'turns'" rule."""
    if error.validator != "oneOf" or not isinstance(node, dict):
        return False
    return list(error.validator_value) == [{"required": ["user"]}, {"required": ["turns"]}]
