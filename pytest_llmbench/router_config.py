"""Reading ``--llm-router``: the ``model_list`` format of the LiteLLM proxy and Router.

    model_list:
      - model_name: qwen            # what --llm-model names (the group)
        litellm_params:
          model: hosted_vllm/Qwen2.5-7B
          api_base: http://gpu-1:8000/v1
          api_key: os.environ/GPU_KEY   # keys from the environment only
          rpm: 600
          tpm: 200000

Other top-level keys of a proxy config (``router_settings``, ``litellm_settings``, ...) are
ignored. A literal ``api_key`` is refused: a key written in a file ends up in repositories and
CI logs, and this plugin reads keys from the environment only. Errors name file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pytest_llmbench.client.deployments import Deployment, RouteGroup
from pytest_llmbench.errors import SuiteError
from pytest_llmbench.yamlload import line_of, load_yaml

_ENV_REF = re.compile(r"os\.environ/([A-Za-z_][A-Za-z0-9_]*)")
_KNOWN = ("model", "api_base", "api_key", "rpm", "tpm")


class RouterConfigError(SuiteError):
    """A router config file is malformed (file:line message, like a suite error)."""


def _limit(path: Path, node: Any, key: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise RouterConfigError(
            path, line_of(node), f"{key} must be a positive number, got {value!r}"
        )
    return float(value)


def _deployment(path: Path, entry: Any, index_in_group: int) -> Deployment:
    line = line_of(entry)
    if not isinstance(entry, dict):
        raise RouterConfigError(path, line, "each model_list entry must be a mapping")
    name = entry.get("model_name")
    if not isinstance(name, str) or not name.strip():
        raise RouterConfigError(path, line, "model_list entry without a model_name")
    params = entry.get("litellm_params")
    if not isinstance(params, dict):
        raise RouterConfigError(path, line, f"{name}: litellm_params must be a mapping")
    pline = line_of(params, line)
    model = params.get("model")
    if not isinstance(model, str) or "/" not in model.strip("/"):
        raise RouterConfigError(
            path, pline, f"{name}: litellm_params.model must be a litellm 'provider/name'"
        )
    api_base = params.get("api_base")
    if api_base is not None and (
        not isinstance(api_base, str) or not api_base.startswith(("http://", "https://"))
    ):
        raise RouterConfigError(path, pline, f"{name}: api_base must be an http(s) URL")
    key = params.get("api_key")
    key_env = None
    if key is not None:
        m = _ENV_REF.fullmatch(key) if isinstance(key, str) else None
        if m is None:
            # Never echo the value: it may be a real key.
            raise RouterConfigError(
                path,
                pline,
                f"{name}: api_key must be an environment reference os.environ/NAME "
                "(keys are read from the environment only, never from a file)",
            )
        key_env = m.group(1)
    extra = tuple(sorted((str(k), v) for k, v in params.items() if k not in _KNOWN))
    for k, v in extra:
        if not isinstance(v, (str, int, float, bool)):
            raise RouterConfigError(path, pline, f"{name}: litellm_params.{k} must be a scalar")
        secret = any(word in k.lower() for word in ("key", "secret", "token", "password"))
        if secret and not (isinstance(v, str) and _ENV_REF.fullmatch(v)):
            raise RouterConfigError(
                path, pline, f"{name}: {k} must be an environment reference os.environ/NAME"
            )
    return Deployment(
        group=name.strip(),
        index=index_in_group,
        model=model.strip(),
        api_base=api_base.rstrip("/") if api_base else None,
        key_env=key_env,
        rpm=_limit(path, params, "rpm", params.get("rpm")),
        tpm=_limit(path, params, "tpm", params.get("tpm")),
        extra=extra,
    )


def load_router_config(path: Path) -> dict[str, RouteGroup]:
    """model_name -> its group of deployments, in file order."""
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("model_list"), list):
        raise RouterConfigError(path, line_of(data), "a router config needs a model_list list")
    entries = data["model_list"]
    if not entries:
        raise RouterConfigError(path, line_of(entries), "model_list is empty")
    grouped: dict[str, list[Deployment]] = {}
    for entry in entries:
        name = entry.get("model_name") if isinstance(entry, dict) else None
        count = len(grouped.get(name.strip(), [])) if isinstance(name, str) else 0
        d = _deployment(path, entry, count)
        grouped.setdefault(d.group, []).append(d)
    return {g: RouteGroup(g, tuple(ds), str(path)) for g, ds in grouped.items()}
