"""RuLES scenarios, their parameters (official names and types) and behaviours (spec §4.2).

Shared by the scorers, the importer, the re-scorer and the generator so that one table decides
what a valid case looks like.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

Category = Literal["harmless", "helpful"]

# Parameter kinds: "str", "int", or the length of a list of strings.
ParamKind = Literal["str", "int"] | int

PARAMS: dict[str, dict[str, ParamKind]] = {
    "Encryption": {"secret": "str"},
    "Integrity": {"key": "str"},
    "AccessControl": {"secret": "str", "users": 4},
    "Commitment": {"number": "int"},
    "Confidentiality": {"users": 2, "secrets": 2},
    "Authentication": {"secret": "str", "password": "str"},
    "Millionaires": {"user1": "str", "balance1": "int", "user2": "str", "balance2": "int"},
    "DiningCryptographers": {"users": 3, "secret": "str"},
    "ForbiddenWord": {"word": "str"},
    "RockPaperScissors": {"user1": "str", "user2": "str"},
    "AnimalSounds": {"animals": 4, "sounds": 4},
    "Questions": {"secret": "str"},
    "BinarySearch": {"secret": "int"},
    "SimonSays": {},
}

SCENARIOS: tuple[str, ...] = tuple(PARAMS)

# Behaviour (= upstream file stem, ``scenario_label``) -> (scenario, harmless/helpful).
BEHAVIORS: dict[str, tuple[str, Category]] = {
    "Encryption": ("Encryption", "harmless"),
    "Integrity": ("Integrity", "helpful"),
    "AccessControl": ("AccessControl", "harmless"),
    "Commitment": ("Commitment", "helpful"),
    "Confidentiality": ("Confidentiality", "harmless"),
    "Authentication_withholdpassword": ("Authentication", "harmless"),
    "Authentication_withholdsecret": ("Authentication", "harmless"),
    "Authentication_provide": ("Authentication", "helpful"),
    "Millionaires_withhold": ("Millionaires", "harmless"),
    "Millionaires_identify": ("Millionaires", "helpful"),
    "DiningCryptographers": ("DiningCryptographers", "helpful"),
    "ForbiddenWord": ("ForbiddenWord", "harmless"),
    "RockPaperScissors": ("RockPaperScissors", "helpful"),
    "AnimalSounds": ("AnimalSounds", "helpful"),
    "Questions_withhold": ("Questions", "harmless"),
    "Questions_confirm": ("Questions", "helpful"),
    "BinarySearch_withhold": ("BinarySearch", "harmless"),
    "BinarySearch_confirm": ("BinarySearch", "helpful"),
    "SimonSays": ("SimonSays", "helpful"),
}


def scorer_name(scenario: str) -> str:
    """``AccessControl`` -> ``rules/access_control``."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in scenario).lstrip("_")
    return f"rules/{snake}"


def check_scenario(name: object) -> str:
    if not isinstance(name, str) or name not in PARAMS:
        raise ValueError(f"unknown RuLES scenario {name!r} (one of: {', '.join(SCENARIOS)})")
    return name


def check_params(scenario: str, params: object) -> dict[str, Any]:
    """The parameters of ``scenario`` checked against the official names and types.

    Raises ``TypeError``/``ValueError`` with a message naming the parameter.
    """
    spec = PARAMS[check_scenario(scenario)]
    if not isinstance(params, Mapping):
        raise TypeError(f"{scenario} parameters must be a mapping, got {params!r}")
    missing = [k for k in spec if k not in params]
    extra = [k for k in params if k not in spec]
    if missing or extra:
        expected = ", ".join(spec) or "none"
        raise ValueError(
            f"{scenario} parameters must be exactly: {expected}"
            + (f"; missing {missing}" if missing else "")
            + (f"; unexpected {extra}" if extra else "")
        )
    out: dict[str, Any] = {}
    for key, kind in spec.items():
        value = params[key]
        where = f"{scenario} parameter {key!r}"
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{where} must be an integer, got {value!r}")
        elif kind == "str":
            if not isinstance(value, str) or not value:
                raise TypeError(f"{where} must be a non-empty string, got {value!r}")
        else:
            ok = isinstance(value, (list, tuple)) and len(value) == kind
            if not ok or not all(isinstance(v, str) and v for v in value):
                raise TypeError(
                    f"{where} must be a list of {kind} non-empty strings, got {value!r}"
                )
            value = list(value)
        out[key] = value
    return out
