"""Static reading of one function of an official checkout: the texts it builds, its literals.

Some official wording is not a module constant but the body of a function: ToolBH's user
message is an f-string per level in ``_process_task_infer``, SysBench's judge prompt is built by
``get_eval_pattern`` from f-strings added one after another, and decoding parameters are
keyword literals of an API call. ``FunctionSource`` exposes those shapes (again with ``ast``
only, nothing executed): each text assignment as literal pieces and ``Slot`` placeholders named
by their source expression, simple ``name = base["key"]`` bindings, parameter defaults, and the
keywords of a call; and, for texts assembled with ``+`` or chosen by an ``if`` chain on a
parameter, ``scope()`` and ``branches()``: the names a body binds, read as structure
(``official_values``). The family code decides what each slot or ref means and rejects
anything it does not recognise, naming the file and the function.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_llmbench.errors import OfficialSourceError
from pytest_llmbench.official_values import flat_body, tested_values

if TYPE_CHECKING:
    from pytest_llmbench.official_source import OfficialFile, Scope


@dataclass(frozen=True)
class Slot:
    """A ``{placeholder}`` of an f-string, by its expression as ``ast.unparse`` writes it."""

    expr: str


Part = str | Slot


@dataclass(frozen=True)
class Expr:
    """A value that is not a literal, kept as its source text (for messages and shape checks)."""

    source: str


@dataclass(frozen=True)
class TextBuild:
    """``target = <text>`` or ``target += <text>`` in the function, where the text is an
    f-string or a plain string literal (implicit concatenation included)."""

    target: str
    augmented: bool
    parts: tuple[Part, ...]
    branch: str | None  # the innermost enclosing ``if`` test, as source
    loop: str | None  # the innermost enclosing ``for`` target and iterable, as source
    line: int

    @property
    def slots(self) -> list[str]:
        return [p.expr for p in self.parts if isinstance(p, Slot)]


@dataclass(frozen=True)
class CallSite:
    """One call: its positional arguments and keywords, as expressions."""

    args: tuple[ast.expr, ...]
    keywords: dict[str, ast.expr]
    line: int


def literal(node: ast.expr) -> Any:
    """The value of a literal expression, else an ``Expr`` holding its source."""
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return Expr(ast.unparse(node))


def _walk(
    body: list[ast.stmt], branch: str | None, loop: str | None
) -> Iterator[tuple[ast.stmt, str | None, str | None]]:
    """Statements in source order with their innermost ``if`` test and ``for`` header."""
    for stmt in body:
        yield stmt, branch, loop
        if isinstance(stmt, ast.If):
            test = ast.unparse(stmt.test)
            yield from _walk(stmt.body, test, loop)
            yield from _walk(stmt.orelse, f"not ({test})", loop)
        elif isinstance(stmt, (ast.For, ast.While)):
            header = (
                f"{ast.unparse(stmt.target)} in {ast.unparse(stmt.iter)}"
                if isinstance(stmt, ast.For)
                else ast.unparse(stmt.test)
            )
            yield from _walk(stmt.body, branch, header)
            yield from _walk(stmt.orelse, branch, loop)
        elif isinstance(stmt, (ast.With, ast.Try)):
            yield from _walk(stmt.body, branch, loop)
            if isinstance(stmt, ast.Try):
                for handler in stmt.handlers:
                    yield from _walk(handler.body, branch, loop)
                yield from _walk(stmt.orelse, branch, loop)
                yield from _walk(stmt.finalbody, branch, loop)


class FunctionSource:
    """One function (``name`` or ``Class.method``) of an ``OfficialFile``."""

    def __init__(self, file: OfficialFile, qualname: str) -> None:

        self.file, self.qualname = file, qualname
        scope: list[ast.stmt] = file.tree.body
        node: ast.AST | None = None
        for name in qualname.split("."):
            node = next(  # the last definition wins, as when Python runs the file
                (
                    n
                    for n in reversed(scope)
                    if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                    and n.name == name
                ),
                None,
            )
            if node is None:
                raise OfficialSourceError(
                    f"{file.relpath}: no function {qualname} (has the upstream file changed?)"
                )
            scope = node.body  # type: ignore[attr-defined]
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            raise OfficialSourceError(f"{file.relpath}: {qualname} is not a function")
        self.node = node

    def error(self, what: str) -> Exception:
        """An ``OfficialSourceError`` naming the file and the function."""

        return OfficialSourceError(
            f"{self.file.relpath}: {self.qualname}: {what} (has the upstream file changed?)"
        )

    def scope(self) -> Scope:
        """The names the function binds at its top level and in its ``for`` loops (a text
        built in a loop is built the same way on every pass), read as run-time values."""
        return self._scope(f"{self.qualname}()", self.node.body)

    def branches(self, on: str) -> dict[Any, Scope]:
        """The ``if on == 'a': … elif on == 'b' or on == 'c': … else: …`` chain at the top
        level: each tested value → the names its branch binds (``None`` → the ``else``
        branch). The first branch that tests a value wins, as Python runs it."""
        chain = next(
            (
                s
                for s in self.node.body
                if isinstance(s, ast.If) and tested_values(s.test, on) is not None
            ),
            None,
        )
        if chain is None:
            raise self.error(f"no if/elif chain on {on!r}")
        out: dict[Any, Scope] = {}
        node: ast.If | None = chain
        while node is not None:
            values = tested_values(node.test, on)
            if values is None:
                raise self.error(f"a branch tests {ast.unparse(node.test)!r}, not {on} == a value")
            scope = self._scope(f"{self.qualname}() [{on} == {values[0]!r}]", node.body)
            for value in values:
                out.setdefault(value, scope)
            rest = node.orelse
            if len(rest) == 1 and isinstance(rest[0], ast.If):
                node = rest[0]
            else:
                out.setdefault(None, self._scope(f"{self.qualname}() [else]", rest))
                node = None
        return out

    def _scope(self, label: str, body: list[ast.stmt]) -> Scope:
        # The file builds the scope: this module must not import official_source back.
        return self.file.body_scope(label, flat_body(body))

    def _statements(self) -> Iterator[tuple[ast.stmt, str | None, str | None]]:
        return _walk(self.node.body, None, None)

    def texts(self, target: str | None = None) -> list[TextBuild]:
        """Every text assignment (of ``target`` only, when given), in source order."""
        out = []
        for stmt, branch, loop in self._statements():
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                name_node, value, augmented = stmt.targets[0], stmt.value, False
            elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
                name_node, value, augmented = stmt.target, stmt.value, True
            else:
                continue
            if not isinstance(name_node, ast.Name) or (target and name_node.id != target):
                continue
            parts = self._parts(value)
            if parts is None:
                continue
            out.append(TextBuild(name_node.id, augmented, parts, branch, loop, stmt.lineno))
        return out

    def _parts(self, value: ast.expr) -> tuple[Part, ...] | None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return (value.value,)
        if not isinstance(value, ast.JoinedStr):
            return None
        parts: list[Part] = []
        for piece in value.values:
            if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                parts.append(piece.value)
            elif isinstance(piece, ast.FormattedValue):
                if piece.conversion != -1 or piece.format_spec is not None:
                    raise self.error(
                        f"the placeholder {{{ast.unparse(piece.value)}}} has a conversion or a "
                        "format spec"
                    )
                parts.append(Slot(ast.unparse(piece.value)))
            else:  # pragma: no cover - JoinedStr holds nothing else
                raise self.error(f"unexpected f-string piece {type(piece).__name__}")
        return tuple(parts)

    def subscript_bindings(self) -> dict[str, tuple[str, Any]]:
        """``name = base[literal]`` statements: ``{name: (base, literal)}`` (last one wins)."""
        out: dict[str, tuple[str, Any]] = {}
        for stmt, _, _ in self._statements():
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Subscript)
                and isinstance(stmt.value.value, ast.Name)
            ):
                key = literal(stmt.value.slice)
                if not isinstance(key, Expr):
                    out[stmt.targets[0].id] = (stmt.value.value.id, key)
        return out

    def default(self, param: str) -> Any:
        """The literal default of a parameter (``Expr`` when it is not a literal)."""
        args = self.node.args
        positional = [*args.posonlyargs, *args.args]
        with_default = positional[len(positional) - len(args.defaults) :]
        pairs = list(zip(with_default, args.defaults, strict=True))
        pairs += [
            (a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
        ]
        for arg, value in pairs:
            if arg.arg == param:
                return literal(value)
        raise self.error(f"no parameter {param!r} with a default")

    def calls(self, callee: str) -> list[CallSite]:
        """Every call to ``callee`` (its source, e.g. ``self.client.chat.completions.create``),
        in source order."""
        found = []
        for node in ast.walk(self.node):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == callee:
                keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}
                site = CallSite(tuple(node.args), keywords, node.lineno)
                found.append((node.lineno, node.col_offset, site))
        return [site for _, _, site in sorted(found, key=lambda f: (f[0], f[1]))]

    def assigned(self, target: str) -> ast.expr:
        """The expression last assigned to ``target`` (a plain ``=``)."""
        value: ast.expr | None = None
        for stmt, _, _ in self._statements():
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and stmt.targets[0].id == target
            ):
                value = stmt.value
        if value is None:
            raise self.error(f"no assignment to {target!r}")
        return value


def string_constants(node: ast.AST) -> list[str]:
    """Every string literal inside ``node``, in source order (for checking a small shape)."""
    found = [
        (n.lineno, n.col_offset, n.value)
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    return [v for _, _, v in sorted(found, key=lambda f: (f[0], f[1]))]


def one_user_message(node: ast.expr) -> bool:
    """``[{"role": "user", "content": <a variable>}]``: a chat request of one user message."""
    if not (isinstance(node, ast.List) and len(node.elts) == 1):
        return False
    msg = node.elts[0]
    if not isinstance(msg, ast.Dict) or any(k is None for k in msg.keys):
        return False
    pairs = {literal(k): v for k, v in zip(msg.keys, msg.values, strict=True) if k is not None}
    role = pairs.get("role")
    return (
        set(pairs) == {"role", "content"}
        and isinstance(role, ast.Constant)
        and role.value == "user"
        and isinstance(pairs["content"], ast.Name)
    )
