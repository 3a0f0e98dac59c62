"""A compiled yes/no check of a JSON Schema, exact for the keywords it knows.

jsonschema needed 4.4 s (2-core machine) to validate a 10,000-scenario suite: per node it
builds an error generator, evolves a validator and resolves a ``$ref``. A suite is valid almost
every time, so the common case only needs "valid or not". This module generates one small
Python function per schema node (as fastjsonschema does, without the dependency), mirroring
jsonschema's draft 2020-12 semantics keyword by keyword: its type checker, its ``equal``, each
keyword applying only to its own kind of instance. A keyword or ``$ref`` it does not implement
raises ``Unsure`` when reached, so the caller falls back to jsonschema, which also words the
error whenever the answer is no: this module never explains, it must only never say yes where
jsonschema says no (``tests/suites/test_schema_fastcheck.py`` compares the two).
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Check = Callable[[Any], bool]


class Unsure(Exception):
    """The schema uses something this module does not implement: ask jsonschema."""


# Keywords that never change validity.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples"}
)
_OBJECT_KEYWORDS = frozenset({"properties", "additionalProperties", "required"})

# jsonschema's draft 2020-12 type checker, as expressions over ``x``.
_TYPE_TESTS = {
    "array": "isinstance(x, list)",
    "boolean": "isinstance(x, bool)",
    "integer": "_is_integer(x)",
    "null": "x is None",
    "number": "_is_number(x)",
    "object": "isinstance(x, dict)",
    "string": "isinstance(x, str)",
}
# The guard under which a keyword applies (jsonschema ignores it for other instances).
_KIND_TESTS = {
    "number": "_is_number(x)",
    "string": "isinstance(x, str)",
    "array": "isinstance(x, list)",
    "object": "isinstance(x, dict)",
}
_BOUNDS = {  # keyword -> (kind, failing condition over x and the keyword's value v)
    "minimum": ("number", "x < {v}"),
    "maximum": ("number", "x > {v}"),
    "minLength": ("string", "len(x) < {v}"),
    "maxLength": ("string", "len(x) > {v}"),
    "minItems": ("array", "len(x) < {v}"),
    "maxItems": ("array", "len(x) > {v}"),
    "minProperties": ("object", "len(x) < {v}"),
    "maxProperties": ("object", "len(x) > {v}"),
}


def _is_integer(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


def _is_number(x: Any) -> bool:
    return not isinstance(x, bool) and isinstance(x, numbers.Number)


def _unbool(x: Any, true: object = object(), false: object = object()) -> Any:
    if x is True:
        return true
    if x is False:
        return false
    return x


def equal(one: Any, two: Any) -> bool:
    """jsonschema's ``equal``: ``True`` is not ``1``, at any depth."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return one.keys() == two.keys() and all(equal(one[k], two[k]) for k in one)
    return bool(_unbool(one) == _unbool(two))


def _true(x: Any) -> bool:
    return True


def _false(x: Any) -> bool:
    return False


class _Generator:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.names: dict[str, Any] = {
            "Unsure": Unsure,
            "_is_integer": _is_integer,
            "_is_number": _is_number,
            "_equal": equal,
            "_true": _true,
            "_false": _false,
        }
        self.functions: list[str] = []
        self.refs: dict[str, str] = {}
        self.tables: list[dict[str, Any]] = []  # property name -> function name, then function

    def constant(self, value: Any) -> str:
        name = f"_c{len(self.names)}"
        self.names[name] = value
        return name

    def ref(self, ref: str) -> str:
        if ref in self.refs:
            return self.refs[ref]
        defs = self.root.get("$defs", {})
        key = ref[len("#/$defs/") :]
        if not ref.startswith("#/$defs/") or "/" in key or "~" in key or key not in defs:
            return self.unsure(f"$ref {ref!r}")
        # Named before its body is generated, so a recursive schema calls itself.
        name = self.refs[ref] = f"_s{len(self.functions)}"
        self.functions.append("")
        self.functions[int(name[2:])] = self.body(name, defs[key])
        return name

    def unsure(self, what: str) -> str:
        name = f"_s{len(self.functions)}"
        self.functions.append(f"def {name}(x):\n    raise Unsure({what!r})\n")
        return name

    def node(self, schema: Any) -> str:
        """The name of a function checking ``schema``."""
        if schema is True or schema == {}:
            return "_true"
        if schema is False:
            return "_false"
        name = f"_s{len(self.functions)}"
        self.functions.append("")
        self.functions[int(name[2:])] = self.body(name, schema)
        return name

    def body(self, name: str, schema: Any) -> str:
        if not isinstance(schema, Mapping):
            return f"def {name}(x):\n    raise Unsure({f'schema {schema!r}'!r})\n"
        lines: list[str] = []
        known: str | None = None  # the instance's kind once a single "type" has passed
        types = schema.get("type")
        if types is not None:
            names = [types] if isinstance(types, str) else list(types)
            if not names or any(n not in _TYPE_TESTS for n in names):
                lines.append(f"raise Unsure({f'type {types!r}'!r})")
            else:
                lines.append(f"if not ({' or '.join(_TYPE_TESTS[n] for n in names)}): return False")
                known = names[0] if len(names) == 1 else None

        def guarded(kind: str, statements: list[str]) -> None:
            if known == kind or (known == "integer" and kind == "number"):
                lines.extend(statements)
            else:
                lines.append(f"if {_KIND_TESTS[kind]}:")
                lines.extend("    " + s for s in statements)

        for key, value in schema.items():
            if key in _ANNOTATIONS or key in _OBJECT_KEYWORDS or key == "type":
                continue
            if key in _BOUNDS:
                kind, fails = _BOUNDS[key]
                if not isinstance(value, (int, float)) or isinstance(value, bool):
                    lines.append(f"raise Unsure({f'{key} {value!r}'!r})")
                    continue
                guarded(kind, [f"if {fails.format(v=repr(value))}: return False"])
            elif key == "items":
                if "prefixItems" in schema:
                    lines.append("raise Unsure('prefixItems')")
                elif value is not True and value != {}:
                    sub = self.node(value)
                    guarded("array", ["for i in x:", f"    if not {sub}(i): return False"])
            elif key == "pattern":
                search = self.constant(re.compile(value).search)
                guarded("string", [f"if {search}(x) is None: return False"])
            elif key == "const":
                lines.append(f"if not _equal(x, {self.constant(value)}): return False")
            elif key == "enum":
                options = self.constant(tuple(value))
                lines.append(f"if not any(_equal(o, x) for o in {options}): return False")
            elif key in ("oneOf", "anyOf", "allOf"):
                subs = [self.node(s) for s in value]
                calls = [f"{s}(x)" for s in subs]
                if key == "oneOf":  # every branch, as jsonschema does: exactly one may match
                    lines.append(f"if ({' + '.join(calls) or '0'}) != 1: return False")
                elif key == "anyOf":
                    lines.append(f"if not ({' or '.join(calls) or 'False'}): return False")
                else:
                    lines.append(f"if not ({' and '.join(calls) or 'True'}): return False")
            elif key == "not":
                lines.append(f"if {self.node(value)}(x): return False")
            elif key == "propertyNames":
                sub = self.node(value)
                guarded("object", ["for k in x:", f"    if not {sub}(k): return False"])
            elif key == "$ref":
                lines.append(f"if not {self.ref(value)}(x): return False")
            else:
                lines.append(f"raise Unsure({f'keyword {key!r}'!r})")
        if _OBJECT_KEYWORDS & schema.keys():
            guarded("object", self.object_statements(schema))
        lines.append("return True")
        return f"def {name}(x):\n" + "".join(f"    {line}\n" for line in lines)

    def object_statements(self, schema: Mapping[str, Any]) -> list[str]:
        """``required``, ``properties`` and ``additionalProperties`` in one pass over keys."""
        if "patternProperties" in schema:
            return ["raise Unsure('patternProperties')"]
        out = [f"if {p!r} not in x: return False" for p in schema.get("required") or ()]
        props = {k: self.node(v) for k, v in (schema.get("properties") or {}).items()}
        extra = schema.get("additionalProperties", True)
        if extra is True and not props:
            return out
        table = self.constant(props)
        self.tables.append(props)
        out += ["for k, v in x.items():", f"    f = {table}.get(k)", "    if f is None:"]
        if extra is True or extra == {}:
            out.append("        continue")
        elif extra is False:
            out.append("        return False")
        else:
            out.append(f"        if not {self.node(extra)}(v): return False")
        out.append("    elif not f(v): return False")
        return out


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """``check(instance)``: exactly jsonschema's validity, or ``Unsure`` raised."""
    gen = _Generator(schema)
    root = gen.node(schema)
    namespace = gen.names
    exec(compile("".join(gen.functions), "<fastcheck>", "exec"), namespace)
    for table in gen.tables:
        table.update((k, namespace[fname]) for k, fname in table.items())
    check: Check = namespace[root]
    return check
