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


# Aliases share one node, so a "billion laughs" file is a few hundred bytes that expands to
# billions of values once anything walks it (schema validation, copying, the results file), and
# deep nesting overflows the recursive constructors with a traceback. Both are checked on the
# composed node graph, before anything is built.
MAX_NODES = 1_000_000  # alias expansion may not grow a document past max(this, 10 x its nodes)
MAX_DEPTH = 100


def _check_size(root: yaml.Node) -> None:
    sizes: dict[int, int] = {}  # id(node) -> expanded node count
    distinct = 0
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if depth > MAX_DEPTH:
            raise yaml.constructor.ConstructorError(
                None, None, f"nesting deeper than {MAX_DEPTH} levels", node.start_mark
            )
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if not done:
            if id(node) in sizes:
                continue  # an alias of a node already measured (or being measured: recursion)
            sizes[id(node)] = 1  # provisional, so a recursive alias terminates
            distinct += 1
            stack.append((node, depth, True))
            stack.extend((c, depth + 1, False) for c in children)
            continue
        size = 1 + sum(sizes.get(id(c), 1) for c in children)
        sizes[id(node)] = size
        if size > max(MAX_NODES, 10 * distinct):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"aliases expand to more than {max(MAX_NODES, 10 * distinct):,} values"
                " (a YAML bomb?)",
                node.start_mark,
            )


class _Loader(_Base):  # type: ignore[valid-type,misc]
    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _check_size(node)
        return self.construct_document(node)


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
    except yaml.reader.ReaderError as exc:  # a control character: its str() spans two lines
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise SuiteError(
            path, line, f"invalid YAML: unacceptable character #x{char:04x}: {exc.reason}"
        ) from None
    except yaml.YAMLError as exc:
        raise SuiteError(path, 0, f"invalid YAML: {exc}") from None
    except RecursionError:  # pure-Python parser (no libyaml) composing a very deep file
        raise SuiteError(path, 0, f"invalid YAML: nesting deeper than {MAX_DEPTH} levels") from None


def line_of(node: Any, default: int = 0) -> int:
    return int(getattr(node, "line", default) or default)
