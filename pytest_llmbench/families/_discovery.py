"""Finding families: the ``pytest_llmbench.families`` entry-point group, built-in or installed.

An entry point's name is the family's name, so a family is found without importing anything
else; only an unknown name (perhaps an old alias) loads every declaration to read the aliases.
Declarations are tiny (a package ``__init__`` holding a ``Family``), never the family's code.
"""

from __future__ import annotations

from importlib import metadata

from pytest_llmbench.errors import FamilyError
from pytest_llmbench.families._declaration import Family

ENTRY_POINT_GROUP = "pytest_llmbench.families"


def _entry_points() -> list[metadata.EntryPoint]:
    return list(metadata.entry_points(group=ENTRY_POINT_GROUP))


def _origin(ep: metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return f"{ep.value!r} (from {dist.name})" if dist is not None else repr(ep.value)


def _load(ep: metadata.EntryPoint) -> Family:
    try:
        family = ep.load()
    except FamilyError:
        raise
    except Exception as exc:  # a broken pack must name itself, not crash with a traceback
        raise FamilyError(
            f"benchmark family {ep.name!r}: entry point {_origin(ep)} failed to load: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(family, Family):
        raise FamilyError(
            f"benchmark family {ep.name!r}: entry point {_origin(ep)} is a "
            f"{type(family).__name__}, not a pytest_llmbench.families.Family"
        )
    if family.name != ep.name:
        raise FamilyError(
            f"benchmark family {ep.name!r}: entry point {_origin(ep)} declares the name "
            f"{family.name!r}; register it under that name"
        )
    return family


def _one(eps: list[metadata.EntryPoint], name: str) -> Family | None:
    # The same entry point seen twice (an install and a stale copy on sys.path) is one family.
    chosen: dict[str, metadata.EntryPoint] = {}
    for ep in eps:
        chosen.setdefault(ep.value, ep)
    if len(chosen) > 1:
        where = ", ".join(_origin(ep) for ep in chosen.values())
        raise FamilyError(f"benchmark family {name!r} is declared more than once: {where}")
    return _load(next(iter(chosen.values()))) if chosen else None


def family_names() -> list[str]:
    """Every installed family's name, without importing any of them."""
    return sorted({ep.name for ep in _entry_points()})


def all_families() -> list[Family]:
    """Every installed family's declaration, by name."""
    eps = _entry_points()
    families = [_one([e for e in eps if e.name == n], n) for n in sorted({e.name for e in eps})]
    return [f for f in families if f is not None]


def find_family(name: str) -> Family | None:
    """The family called ``name``, or the one with ``name`` among its aliases; None if none."""
    eps = _entry_points()
    family = _one([e for e in eps if e.name == name], name)
    if family is not None:
        return family
    owners = [f for f in all_families() if name in f.aliases]
    if len(owners) > 1:
        names = ", ".join(repr(f.name) for f in owners)
        raise FamilyError(f"{name!r} is an alias of more than one benchmark family: {names}")
    return owners[0] if owners else None
