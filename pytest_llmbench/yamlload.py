"""Safe YAML loading that remembers the line of every mapping and sequence.

pytest's own YAML example reports line 0; users of a suite with hundreds of scenarios need the
exact line of the bad one, so every mapping/list node becomes a ``dict``/``list`` subclass with a
1-based ``line``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pytest_llmbench.errors import SuiteError


class LineDict(dict[str, Any]):
    line: int = 0


class LineList(list[Any]):
    line: int = 0


# libyaml's parser when present (about 5x faster on big suites); construction stays in Python
# either way, so the line-keeping constructors below apply to both.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            # YAML would happily turn `yes:` or `1:` into non-string keys; suites want names.
            key = str(key)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse one YAML document; syntax errors become ``SuiteError`` naming file and line."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SuiteError(path, 0, f"cannot read file: {exc}") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise SuiteError(path, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise SuiteError(path, 0, f"invalid YAML: {exc}") from None


def line_of(node: Any, default: int = 0) -> int:
    return int(getattr(node, "line", default) or default)
