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
    may_share_nodes = True  # False once the text is known to hold no "&" (so no anchor)

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        try:
            return _build(self, node)
        except Exception:
            pass  # the unusual case: the general path below reports it exactly
        _check_size(node)
        return self.construct_document(node)


_STR = "tag:yaml.org,2002:str"
_MAP = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQ = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
# Scalars whose constructors neither recurse nor depend on other nodes.
_PLAIN_SCALARS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float", "null", "binary", "timestamp")
)


class _Unusual(Exception):
    """Not for the fast path: merge keys, tags, duplicate keys, deep nesting, aliases beyond
    bounds, recursion."""


def _build(loader: _Loader, root: yaml.Node) -> Any:
    """The document as ``_mapping``/``_sequence`` would build it, in one pass and without
    PyYAML's generic machinery (about 3x faster on a 10,000-scenario suite), or ``_Unusual``.

    Only plain mappings, sequences and scalars are handled; anything else raises, and the
    caller runs the general path, which then reports exactly what it always reported. Without
    an ``&`` anchor every node occurs once, so the size bound holds and there is nothing to
    memoize; with anchors, shared nodes are built once and sized as ``_check_size`` sizes
    them."""
    constructors = loader.yaml_constructors
    memo: dict[int, tuple[Any, int]] | None = {} if loader.may_share_nodes else None
    building = (None, -1)

    def build(node: yaml.Node, depth: int) -> tuple[Any, int]:
        if memo is not None:
            hit = memo.get(id(node))
            if hit is not None:
                if hit is building:
                    raise _Unusual("recursive")
                return hit
        if depth > MAX_DEPTH:
            raise _Unusual("deep")
        tag = node.tag
        result: tuple[Any, int]
        if type(node) is yaml.ScalarNode:
            if tag == _STR:
                result = (node.value, 1)
            elif tag in _PLAIN_SCALARS:
                result = (constructors[tag](loader, node), 1)
            else:
                raise _Unusual(tag)
        elif type(node) is yaml.MappingNode and tag == _MAP:
            if memo is not None:
                memo[id(node)] = building
            out = LineDict()
            out.line = node.start_mark.line + 1
            size = 1
            for key_node, value_node in node.value:
                key, key_size = build(key_node, depth + 1)
                if not isinstance(key, str):
                    key = str(key)
                if key in out:
                    raise _Unusual("duplicate key")
                out[key], value_size = build(value_node, depth + 1)
                size += key_size + value_size
            result = (out, size)
        elif type(node) is yaml.SequenceNode and tag == _SEQ:
            if memo is not None:
                memo[id(node)] = building
            items = LineList()
            items.line = node.start_mark.line + 1
            size = 1
            for child in node.value:
                value, child_size = build(child, depth + 1)
                items.append(value)
                size += child_size
            result = (items, size)
        else:
            raise _Unusual(tag)
        if memo is not None:
            memo[id(node)] = result
        return result

    data, size = build(root, 1)
    if memo is not None and size > max(MAX_NODES, 10 * len(memo)):
        raise _Unusual("aliases expand too far")
    return data


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


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> str:
    # A date is kept as written: everything a suite holds must survive the results file's
    # JSON (a datetime would be a crash at the end of the run), and the text is what the
    # author meant anyway.
    return str(node.value)


def _binary(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # Bytes have no JSON form and no meaning to a scorer: refused here, with a line, rather
    # than discovered by the results writer after every call was paid for.
    raise yaml.constructor.ConstructorError(
        None, None, "binary data (!!binary) is not allowed in a suite: write text", node.start_mark
    )


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:binary", _binary)


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse one YAML document; syntax errors become ``SuiteError`` naming file and line."""
    if text is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SuiteError(path, 0, f"cannot read file: {exc}") from None
        text = decode_utf8(path, raw)
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        loader.may_share_nodes = "&" in text
        return loader.get_single_data()
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
    finally:
        if loader is not None:
            loader.dispose()


def decode_utf8(path: Path, raw: bytes) -> str:
    """The file's text; a byte that is not UTF-8 is a ``SuiteError`` at its line and column
    (the codec's own message gives only a byte offset into the file)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
        line_start = raw.rfind(b"\n", 0, start) + 1
        line = raw.count(b"\n", 0, start) + 1
        # Columns count characters, as editors do: decode what precedes the bad byte.
        column = len(raw[line_start:start].decode("utf-8", errors="replace")) + 1
        raise SuiteError(
            path,
            line,
            f"not UTF-8: byte 0x{raw[start]:02x} cannot be decoded (save the file as UTF-8)",
            column=column,
        ) from None


def line_of(node: Any, default: int = 0) -> int:
    return int(getattr(node, "line", default) or default)
