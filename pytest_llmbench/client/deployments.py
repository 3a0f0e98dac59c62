"""The deployments of a router group (``--llm-router``): typed, hashable records that ride on
``ModelSpec.route``. They hold the *name* of the environment variable with a key, never a key:
the key is read from the environment at call time only, so no record, cache entry or results
file can carry it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Deployment:
    group: str  # the model_name it serves under
    index: int  # its position in the group (0-based), for messages and aliases
    model: str  # litellm model, e.g. hosted_vllm/Qwen2.5-7B
    api_base: str | None = None
    key_env: str | None = None  # api_key: os.environ/NAME -> NAME
    rpm: float | None = None
    tpm: float | None = None
    # further litellm_params (api_version, ...) passed on to litellm as written
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def label(self) -> str:
        """How messages name it: never the key, the model and where it is."""
        where = f" at {self.api_base}" if self.api_base else ""
        return f"{self.group} #{self.index + 1} ({self.model}{where})"

    @property
    def alias(self) -> str:
        """Its own model_name in the litellm Router built for the run (one deployment each)."""
        return f"{self.group}#{self.index}"


@dataclass(frozen=True)
class RouteGroup:
    """One model_name of the router config and its deployments."""

    name: str
    deployments: tuple[Deployment, ...]
    source: str  # the config file, for messages
