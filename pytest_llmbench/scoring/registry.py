"""Scorer registry: generic scorers, benchmark families, the ``pytest_llmbench.scorers`` entry
points, and a hook.

Names are ``name`` for generic scorers (every module of ``pytest_llmbench.scorers``, imported on
the first lookup) and ``family/name`` for a benchmark family's: the family's declaration is found
by its name (``pytest_llmbench.families`` entry points) and its scorer module imported on the
first lookup of one of its names, so a run never imports a family it does not use. Packs of plain
scorers (the ``pytest_llmbench.scorers`` group) load only on a miss, as inspect_ai does.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import pkgutil
from collections.abc import Iterable
from importlib import metadata
from types import ModuleType
from typing import Any

from pytest_llmbench.errors import BadScorerArguments, UnknownScorer
from pytest_llmbench.families import Family, FamilyError, family_names, find_family
from pytest_llmbench.scoring.api import ScoreFn, ScorerFactory, is_scorer_factory

GENERIC_PACKAGE = "pytest_llmbench.scorers"
ENTRY_POINT_GROUP = "pytest_llmbench.scorers"


def factories_in(module: ModuleType) -> list[ScorerFactory]:
    return [obj for obj in vars(module).values() if is_scorer_factory(obj)]


def generic_modules() -> list[str]:
    """Every public module of the generic scorer package (found, not listed)."""
    package = importlib.import_module(GENERIC_PACKAGE)
    return sorted(
        m.name
        for m in pkgutil.iter_modules(package.__path__, f"{GENERIC_PACKAGE}.")
        if not m.name.rpartition(".")[2].startswith("_")
    )


def _close(word: str, choices: list[str]) -> list[str]:
    return difflib.get_close_matches(word, choices, n=1, cutoff=0.6)


class ScorerRegistry:
    def __init__(self, modules: Iterable[str] | None = None) -> None:
        """``modules``: the generic scorer modules (default: all of ``pytest_llmbench.scorers``)."""
        self._factories: dict[str, ScorerFactory] = {}
        self._modules = None if modules is None else tuple(modules)
        self._generic_loaded = False
        self._entry_points_loaded = False
        self._families: dict[str, Family | None] = {}  # spelling -> loaded family (None: none)

    def add(self, *factories: ScorerFactory, replace: bool = False) -> None:
        """Register factories made with ``@scorer``; a clash is an error unless ``replace``."""
        for f in factories:
            if not is_scorer_factory(f):
                raise TypeError(f"{f!r} is not a scorer factory (decorate it with @scorer)")
            name = f.scorer_name
            old = self._factories.get(name)
            if old is not None and old is not f and not replace:
                raise ValueError(f"scorer {name!r} is registered twice ({old!r} and {f!r})")
            self._factories[name] = f

    def add_module(self, module: ModuleType | str) -> None:
        mod = importlib.import_module(module) if isinstance(module, str) else module
        self.add(*factories_in(mod))

    def _load_generic(self) -> None:
        if not self._generic_loaded:
            self._generic_loaded = True
            for m in generic_modules() if self._modules is None else self._modules:
                self.add_module(m)

    def add_family(self, family: Family) -> None:
        """Register a family's scorers; each must be named ``<family>/...``."""
        for spelling in family.spellings:
            self._families[spelling] = family
        module = family.scorer_module()
        if module is None:
            return
        factories = factories_in(module)
        stray = [
            f.scorer_name for f in factories if not f.scorer_name.startswith(family.name + "/")
        ]
        if stray:
            raise FamilyError(
                f"benchmark family {family.name!r}: scorer(s) {stray} in {family.scorers} must be "
                f"named '{family.name}/...'"
            )
        self.add(*factories)

    def _family(self, spelling: str) -> Family | None:
        if spelling not in self._families:
            family = find_family(spelling)
            if family is None:
                self._families[spelling] = None
            elif family.name in self._families:  # loaded under another spelling
                self._families[spelling] = self._families[family.name]
            else:
                self.add_family(family)
        return self._families[spelling]

    def _load_entry_points(self) -> None:
        if self._entry_points_loaded:
            return
        self._entry_points_loaded = True
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            obj = ep.load()
            if isinstance(obj, ModuleType):
                self.add_module(obj)
            elif is_scorer_factory(obj):
                self.add(obj)
            elif callable(obj):  # a function returning factories
                self.add(*obj())

    def names(self) -> list[str]:
        """Every scorer name, canonical spellings only (imports every family)."""
        self._load_generic()
        for family in family_names():
            self._family(family)
        self._load_entry_points()
        return sorted(self._factories)

    def get(self, name: str) -> ScorerFactory:
        self._load_generic()
        prefix, sep, _ = name.partition("/")
        family = self._family(prefix) if sep and name not in self._factories else None
        wanted = family.canonical(name) if family is not None else name
        if wanted not in self._factories:
            self._load_entry_points()
        found = self._factories.get(wanted)
        if found is not None:
            return found
        close = difflib.get_close_matches(wanted, list(self._factories), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        if not close and sep and family is None:
            names = difflib.get_close_matches(prefix, family_names(), n=1, cutoff=0.6)
            also = f"; did you mean {names[0]!r}?" if names else ""
            hint = f" (no benchmark family {prefix!r}{also})"
        raise UnknownScorer(f"unknown scorer {name!r}{hint}")

    def build(self, name: str, args: Any) -> ScoreFn:
        """Call the factory with YAML arguments.

        A mapping gives keywords, null no arguments, anything else one positional argument.
        """
        factory = self.get(name)
        if isinstance(args, dict):
            call_args: tuple[Any, ...] = ()
            kwargs: dict[str, Any] = dict(args)
        elif args is None:
            call_args, kwargs = (), {}
        else:
            call_args, kwargs = (args,), {}
        sig = getattr(factory, "signature", None) or inspect.signature(factory)
        try:
            sig.bind(*call_args, **kwargs)
        except TypeError as exc:
            unknown = [k for k in kwargs if k not in sig.parameters]
            params = [p for p in sig.parameters if p not in kwargs]
            hint = next(
                (f" (did you mean {c[0]!r}?)" for k in unknown if (c := _close(k, params))), ""
            )
            raise BadScorerArguments(
                f"bad arguments for scorer {name!r}: {exc}{hint}; expected {name}{sig}"
            ) from None
        try:
            return factory(*call_args, **kwargs)
        except (TypeError, ValueError) as exc:
            raise BadScorerArguments(f"bad arguments for scorer {name!r}: {exc}") from None
