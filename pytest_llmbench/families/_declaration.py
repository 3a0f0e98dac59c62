"""``Family``: the one declaration of a benchmark family, and ``Command``: one of its CLI verbs.

A declaration names its parts as module paths, imported only when a part is used (a scorer of
the family looked up, rows of the family aggregated, one of its verbs run), so that declaring a
family costs nothing and a run that never names it never imports it.
"""

from __future__ import annotations

import argparse
import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType

from pytest_llmbench.errors import FamilyError

VERBS = ("import", "rescore", "generate")
_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


@dataclass(frozen=True)
class Command:
    """One ``llmbench <verb> <family>`` command: adds its options, then runs (exit status)."""

    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Family:
    """A benchmark family, registered under its ``name`` in the ``pytest_llmbench.families``
    entry-point group.

    ``name`` is the family's one spelling everywhere: its scorers are ``<name>/<scorer>``, its
    verbs ``llmbench <verb> <name>``, its result rows carry ``metadata.benchmark: <name>``, its
    aggregate is ``aggregates[<name>]`` and its shipped suites (if any) ``--llm-suite=<name>``.
    ``aliases`` are older spellings still accepted for each of these.

    ``scorers`` is a module of ``@scorer`` factories; ``aggregate`` a module with
    ``aggregate(rows) -> dict | None`` and ``render(aggregate) -> list[str]``; ``cli`` a module
    with ``COMMANDS: dict[str, Command]`` implementing the verbs of ``commands`` (verb -> the
    one-line help ``llmbench <verb> --help`` shows).
    """

    name: str
    title: str
    scorers: str | None = None
    aggregate: str | None = None
    cli: str | None = None
    commands: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for spelling in (self.name, *self.aliases):
            if not isinstance(spelling, str) or not _NAME.match(spelling):
                raise FamilyError(
                    f"family name {spelling!r}: use lower-case letters, digits, '_' and '-'"
                )
        for part in ("scorers", "aggregate", "cli"):
            path = getattr(self, part)
            if path is not None and not (isinstance(path, str) and _MODULE.match(path)):
                raise FamilyError(f"family {self.name!r}: {part}={path!r} is not a module path")
        unknown = set(self.commands) - set(VERBS)
        if unknown:
            raise FamilyError(
                f"family {self.name!r}: unknown verb(s) {sorted(unknown)} (known: {VERBS})"
            )
        if self.commands and self.cli is None:
            raise FamilyError(f"family {self.name!r} declares commands but no cli module")
        object.__setattr__(self, "commands", MappingProxyType(dict(self.commands)))
        object.__setattr__(self, "aliases", tuple(self.aliases))

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def canonical(self, scorer_name: str) -> str:
        """``multihop/f1`` -> ``distractors/f1`` for an alias prefix; other names unchanged."""
        prefix, sep, rest = scorer_name.partition("/")
        return f"{self.name}/{rest}" if sep and prefix in self.aliases else scorer_name

    def _load(self, part: str) -> ModuleType | None:
        path: str | None = getattr(self, part)
        return None if path is None else importlib.import_module(path)

    def scorer_module(self) -> ModuleType | None:
        return self._load("scorers")

    def aggregate_module(self) -> ModuleType | None:
        module = self._load("aggregate")
        if module is not None and not all(
            callable(getattr(module, f, None)) for f in ("aggregate", "render")
        ):
            raise FamilyError(
                f"family {self.name!r}: {self.aggregate} must define aggregate(rows) and "
                "render(aggregate)"
            )
        return module

    def command(self, verb: str) -> Command:
        module = self._load("cli")
        command = getattr(module, "COMMANDS", {}).get(verb) if module is not None else None
        if not isinstance(command, Command):
            raise FamilyError(
                f"family {self.name!r} declares '{verb}' but {self.cli}.COMMANDS has no "
                f"Command for it"
            )
        return command
