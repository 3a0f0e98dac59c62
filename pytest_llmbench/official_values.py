"""Values that an official file computes at run time, as the static reader sees them.

Inside a function body, a harness builds its text from pieces only known when it runs (the
question, the context, a drawn demonstration). Read with ``ast``, never executed, such a body
yields structure: literal text stays text, an f-string or a ``+`` chain of text becomes a
``Template`` of literal pieces and ``Ref`` placeholders, a call becomes a ``CallValue``. The
importer decides what each ref stands for and rejects the ones it does not know.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


class NotStatic(Exception):
    """An expression whose value the static reader cannot give (the message says why)."""


@dataclass(frozen=True)
class Ref:
    """A value the official file computes at run time, named by its expression's source
    (``prompt``, ``datapoint['question']``); ``base``/``index`` are set for ``name[i]``."""

    source: str
    base: str | None = None
    index: int | None = None


@dataclass(frozen=True)
class Template:
    """A text assembled at run time (an f-string or a ``+`` chain): literal pieces and
    ``Ref`` placeholders, in order."""

    parts: tuple[str | Ref, ...]

    @property
    def refs(self) -> tuple[Ref, ...]:
        return tuple(p for p in self.parts if isinstance(p, Ref))

    @property
    def literal(self) -> str | None:
        """The text when the template has no placeholder at all (``f"plain"``)."""
        return None if self.refs else "".join(p for p in self.parts if isinstance(p, str))

    def render(self, fill: Callable[[Ref], str]) -> str:
        return "".join(p if isinstance(p, str) else fill(p) for p in self.parts)


@dataclass(frozen=True)
class CallValue:
    """A call in an official file, e.g. ``choice(EXAMPLES)``: the callee's source and the
    arguments, read the same way as any other run-time value."""

    func: str
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]

    def keyword(self, name: str, default: Any = None) -> Any:
        return dict(self.kwargs).get(name, default)


def _ref(node: ast.expr) -> Ref:
    source = ast.unparse(node)
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and isinstance(node.slice, ast.Constant)
        and type(node.slice.value) is int
    ):
        return Ref(source, node.value.id, node.slice.value)
    return Ref(source)


def _join(parts: Iterable[Any]) -> Template:
    out: list[str | Ref] = []
    for part in parts:
        pieces = part.parts if isinstance(part, Template) else (part,)
        for piece in pieces:
            if isinstance(piece, str) and out and isinstance(out[-1], str):
                out[-1] += piece
            elif piece != "":
                out.append(piece)
    return Template(tuple(out))


def runtime_value(node: ast.expr) -> Any:
    """A value inside a function body: literals as values, f-strings and ``+`` chains of text
    as ``Template``, calls as ``CallValue``, everything else as a ``Ref``. Names are never
    resolved here: the importer decides what each one stands for."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts: list[Any] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif (
                isinstance(value, ast.FormattedValue)
                and value.conversion == -1
                and value.format_spec is None
            ):
                parts.append(_ref(value.value))
            else:
                raise NotStatic("an f-string placeholder with a conversion or format spec")
        return _join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = runtime_value(node.left), runtime_value(node.right)
        if isinstance(left, list) and isinstance(right, list):
            return left + right
        texts = (str, Template, Ref)
        if isinstance(left, texts) or isinstance(right, texts):
            # In a text chain every operand is text at run time: what is not read as text
            # (a call such as ``'\n'.join(lines)``) is a placeholder named by its source.
            return _join(
                v if isinstance(v, texts) else _ref(n)
                for v, n in ((left, node.left), (right, node.right))
            )
        raise NotStatic("'+' of values that are not text")
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [runtime_value(e) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise NotStatic("'**' in a dict literal")
        pairs = zip(node.keys, node.values, strict=True)
        return {runtime_value(k): runtime_value(v) for k, v in pairs if k is not None}
    if isinstance(node, ast.Call):
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            raise NotStatic("a call with * or ** arguments")
        return CallValue(
            ast.unparse(node.func),
            tuple(runtime_value(a) for a in node.args),
            tuple((k.arg, runtime_value(k.value)) for k in node.keywords if k.arg is not None),
        )
    return _ref(node)


def flat_body(body: Sequence[ast.stmt]) -> Iterable[ast.stmt]:
    """The statements of a body with those of its ``for`` loops, in order: a text built in
    a loop is built the same way on every pass."""
    for stmt in body:
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            yield from flat_body(stmt.body)
        else:
            yield stmt


def tested_values(test: ast.expr, on: str) -> list[Any] | None:
    """``on == 'a'`` or ``on == 'a' or on == 'b'`` → ``['a', 'b']``; None for other tests."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        values: list[Any] = []
        for operand in test.values:
            got = tested_values(operand, on)
            if got is None:
                return None
            values += got
        return values
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == on
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.comparators[0], ast.Constant)
    ):
        return [test.comparators[0].value]
    return None
