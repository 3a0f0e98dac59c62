"""Scorer registry: bundled scorers, the ``pytest_llmbench.scorers`` entry points, and a hook.

Names are ``name`` for generic scorers and ``family/name`` for benchmark scorers. Bundled modules
are imported on first lookup; entry points load only on a miss, as inspect_ai does, so a run that
only uses built-in scorers never imports third-party code.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import inspect
from collections.abc import Iterable
from importlib import metadata
from types import ModuleType
from typing import Any

from pytest_llmbench.scoring.api import ScoreFn, ScorerFactory, is_scorer_factory

BUNDLED_MODULES = (
    "pytest_llmbench.scorers.text",
    "pytest_llmbench.scorers.structured",
    "pytest_llmbench.scorers.tools",
    "pytest_llmbench.families.rules.scorers",
    "pytest_llmbench.families.sysbench.scorers",
    "pytest_llmbench.families.toolbh.scorers",
    "pytest_llmbench.families.statqa.scorers",
    "pytest_llmbench.families.distractors.scorers",
)
ENTRY_POINT_GROUP = "pytest_llmbench.scorers"


class UnknownScorer(LookupError):
    pass


class BadScorerArguments(ValueError):
    pass


def factories_in(module: ModuleType) -> list[ScorerFactory]:
    return [obj for obj in vars(module).values() if is_scorer_factory(obj)]


class ScorerRegistry:
    def __init__(self, modules: Iterable[str] = BUNDLED_MODULES) -> None:
        self._factories: dict[str, ScorerFactory] = {}
        self._modules = tuple(modules)
        self._bundled_loaded = False
        self._entry_points_loaded = False

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

    def _load_bundled(self) -> None:
        if not self._bundled_loaded:
            self._bundled_loaded = True
            for m in self._modules:
                # Benchmark families are optional modules; a present but broken one still fails.
                if importlib.util.find_spec(m) is not None:
                    self.add_module(m)

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
        self._load_bundled()
        self._load_entry_points()
        return sorted(self._factories)

    def get(self, name: str) -> ScorerFactory:
        self._load_bundled()
        if name not in self._factories:
            self._load_entry_points()
        try:
            return self._factories[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self._factories), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UnknownScorer(f"unknown scorer {name!r}{hint}") from None

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
            raise BadScorerArguments(
                f"bad arguments for scorer {name!r}: {exc}; expected {name}{sig}"
            ) from None
        try:
            return factory(*call_args, **kwargs)
        except (TypeError, ValueError) as exc:
            raise BadScorerArguments(f"bad arguments for scorer {name!r}: {exc}") from None
