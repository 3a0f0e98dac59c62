"""Reading text constants from a user's checkout of a benchmark's official repository.

The project carries none of the benchmarks' own wording: in official-wording mode an importer
reads the constants it needs (module-level strings, class attributes such as a scenario's
``template``) from the user's checkout, by parsing the files with ``ast``. Nothing of the
checkout is ever executed: only literals, names bound to literals earlier in the same file, and
``+`` / implicit concatenation of those are understood. Anything else, a missing file or a
missing constant, is one ``OfficialSourceError`` naming the file and the constant, so a changed
upstream file can never fall back silently to other wording. Texts a function builds
(f-strings, keyword literals of a call) are read through ``OfficialFile.function``
(``official_function.py``); its ``scope()`` and ``branches()`` read a function body's
bindings as structure (``official_values.py``: literal pieces stay text, what the file computes
at run time becomes a ``Ref``, a call a ``CallValue``).
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Defined with every other exception; importable from here, where it is raised.
from pytest_llmbench.errors import OfficialSourceError as OfficialSourceError
from pytest_llmbench.official_function import FunctionSource
from pytest_llmbench.official_values import NotStatic as _NotStatic
from pytest_llmbench.official_values import runtime_value
from pytest_llmbench.provenance import Origin, checkout_origin


def _value(node: ast.expr, names: dict[str, Any]) -> Any:
    """The value of a literal expression; names resolve to literals bound earlier."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        raise _NotStatic(f"name {node.id!r} is not a literal bound earlier in the file")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _value(node.left, names), _value(node.right, names)
        if type(left) is type(right) and isinstance(left, (str, list, tuple)):
            return left + right
        raise _NotStatic("'+' of values that are not both text (or both lists)")
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_value(e, names) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise _NotStatic("'**' in a dict literal")
        pairs = zip(node.keys, node.values, strict=True)
        return {_value(k, names): _value(v, names) for k, v in pairs if k is not None}
    raise _NotStatic(f"{type(node).__name__} is not a literal")


def _assigned(stmt: ast.stmt) -> tuple[list[str], ast.expr | None]:
    if isinstance(stmt, ast.Assign):
        targets = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        return targets, stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id], stmt.value
    return [], None


def bind(
    body: Iterable[ast.stmt], evaluate: Callable[[ast.expr, dict[str, Any]], Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The names ``body`` binds (the last binding wins, as when Python runs it) → their
    values, and the names whose value cannot be read statically → why."""
    names: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for stmt in body:
        targets, value = _assigned(stmt)
        if value is None:
            continue
        try:
            v = evaluate(value, names)
        except _NotStatic as exc:
            for t in targets:
                names.pop(t, None)
                problems[t] = str(exc)
            continue
        for t in targets:
            names[t] = v
            problems.pop(t, None)
    return names, problems


@dataclass
class Scope:
    """The names bound in one function body (or one branch of it), read as run-time values."""

    file: OfficialFile
    label: str  # how errors name the scope: "f()", "f() [trick == 'one-shot']"
    names: dict[str, Any]
    problems: dict[str, str]

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def get(self, name: str, kind: type | tuple[type, ...] = object) -> Any:
        if name not in self.names and name not in self.problems:
            raise OfficialSourceError(
                f"{self.file.relpath}: {self.label} binds no {name} "
                "(has the upstream file changed?)"
            )
        return self.file._pick(self.names, self.problems, name, kind, f"{self.label}: {name}")


@dataclass
class OfficialFile:
    """One parsed file of the checkout; ``relpath`` is how errors and provenance name it."""

    path: Path
    relpath: str
    tree: ast.Module = field(repr=False)

    def _bindings(self, body: Sequence[ast.stmt]) -> tuple[dict[str, Any], dict[str, str]]:
        return bind(body, _value)

    def body_scope(self, label: str, body: Iterable[ast.stmt]) -> Scope:
        """The names ``body`` binds, read as run-time values (see ``official_values``)."""
        names, problems = bind(body, lambda node, _: runtime_value(node))
        return Scope(self, label, names, problems)

    def constant(self, name: str, kind: type | tuple[type, ...] = str) -> Any:
        """A module-level constant (last binding wins, as when Python runs the file)."""
        names, problems = self._bindings(self.tree.body)
        return self._pick(names, problems, name, kind, name)

    def constants(
        self, names: Iterable[str], kind: type | tuple[type, ...] = str
    ) -> dict[str, Any]:
        return {n: self.constant(n, kind) for n in names}

    def class_attribute(self, cls: str, name: str, kind: type | tuple[type, ...] = str) -> Any:
        node = self._class(cls)
        names, problems = self._bindings(node.body)
        return self._pick(names, problems, name, kind, f"{cls}.{name}")

    def function(self, qualname: str) -> FunctionSource:
        """A function (``name``) or method (``Class.method``), for the texts it builds."""
        return FunctionSource(self, qualname)

    def function_names(self) -> list[str]:
        return [n.name for n in self.tree.body if isinstance(n, ast.FunctionDef)]

    def imported_names(self, module: str) -> list[str]:
        """The names of ``from module import a, b`` statements at the file's top level."""
        return [
            alias.name
            for n in self.tree.body
            if isinstance(n, ast.ImportFrom) and n.module == module
            for alias in n.names
        ]

    def class_names(self) -> list[str]:
        return [n.name for n in self.tree.body if isinstance(n, ast.ClassDef)]

    def class_bases(self, cls: str) -> list[str]:
        return [ast.unparse(b) for b in self._class(cls).bases]

    def has_class_attribute(self, cls: str, name: str) -> bool:
        names, problems = self._bindings(self._class(cls).body)
        return name in names or name in problems

    def _class(self, cls: str) -> ast.ClassDef:
        for node in self.tree.body:
            if isinstance(node, ast.ClassDef) and node.name == cls:
                return node
        raise OfficialSourceError(
            f"{self.relpath}: no class {cls!r} (has the upstream file changed?)"
        )

    def _pick(
        self,
        names: dict[str, Any],
        problems: dict[str, str],
        name: str,
        kind: type | tuple[type, ...],
        label: str,
    ) -> Any:
        if name in problems:
            raise OfficialSourceError(
                f"{self.relpath}: {label} cannot be read statically ({problems[name]}); "
                "has the upstream file changed?"
            )
        if name not in names:
            raise OfficialSourceError(
                f"{self.relpath}: no constant {label} (has the upstream file changed?)"
            )
        value = names[name]
        if not isinstance(value, kind):
            expected = (
                kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            )
            raise OfficialSourceError(
                f"{self.relpath}: {label} is a {type(value).__name__}, expected {expected} "
                "(has the upstream file changed?)"
            )
        return value


class Checkout:
    """A user's checkout of an official repository, with the files read from it so far."""

    def __init__(self, root: Path | str, benchmark: str, marker: str) -> None:
        """``marker`` is a file (relative path) every checkout of the repository has."""
        self.root = Path(root)
        self.benchmark = benchmark
        if not self.root.is_dir():
            raise OfficialSourceError(f"{self.root}: not a folder (the {benchmark} checkout)")
        if not (self.root / marker).is_file():
            raise OfficialSourceError(
                f"{self.root}: not a checkout of the official {benchmark} repository (no {marker})"
            )
        self._files: dict[str, OfficialFile] = {}
        self._texts: dict[str, str] = {}

    def has(self, relpath: str) -> bool:
        return (self.root / relpath).is_file()

    def text(self, relpath: str) -> str:
        """A non-Python file of the checkout (a config the official runner reads), as text;
        recorded among the files read like the parsed ones."""
        if relpath not in self._texts:
            path = self.root / relpath
            try:
                self._texts[relpath] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise OfficialSourceError(f"{self.root}: cannot read {relpath}: {exc}") from None
        return self._texts[relpath]

    def file(self, relpath: str) -> OfficialFile:
        if relpath not in self._files:
            path = self.root / relpath
            if not path.is_file():
                raise OfficialSourceError(
                    f"{self.root}: no {relpath} (is this the official {self.benchmark} "
                    "repository, at a supported revision?)"
                )
            try:
                with warnings.catch_warnings():
                    # Upstream strings may hold invalid escapes (a backslash before a quote): Python
                    # keeps them as text; its SyntaxWarning must not fail a -W error run.
                    warnings.simplefilter("ignore", SyntaxWarning)
                    warnings.simplefilter("ignore", DeprecationWarning)
                    tree = ast.parse(path.read_bytes(), filename=relpath)
            except (SyntaxError, ValueError) as exc:
                raise OfficialSourceError(f"{relpath}: cannot be parsed: {exc}") from None
            self._files[relpath] = OfficialFile(path, relpath, tree)
        return self._files[relpath]

    @property
    def files_read(self) -> list[str]:
        return sorted({*self._files, *self._texts})

    def origin(self, *, variant: str | None = None, note: str | None = None) -> Origin:
        """The ``official`` wording origin: every file read so far, hashed, and the commit."""
        return checkout_origin(self.root, self.files_read, variant=variant, note=note)
