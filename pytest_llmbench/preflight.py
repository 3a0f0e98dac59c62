"""Preflight: what can be known to fail before the first model call, reported once as a usage
error (exit code 4) instead of once per item after retries.

Checked per model that will be called (the models under test and the judge models the
selected scenarios need):

* credentials: litellm's own provider tables say which environment variables a provider reads
  (``client/litellm_client.credential_problem``; litellm is imported there only). Local
  OpenAI-compatible servers (``openai/`` or ``hosted_vllm/`` with an API base) need none.
* reachability of an explicit API base: one TCP connect with a short timeout, no retries. A
  provider's own address is not probed (a missing key is the usual failure there, and tests
  never reach the internet).
* the Hub upload target (``--llm-hf-repo``): a token is present and looks like one.

Misspelt built-in models are refused earlier, with the options (``options.py``).

Nothing here needs the network when nothing will be sent: under ``--llm-cache=replay``, and
when the cache answers the opening request of every sample of a model, that model (and the
judge of its scenarios) is neither probed nor asked for credentials. The opening request is the
one request known before the run; a later turn that misses the cache still fails per item.
"""

from __future__ import annotations

import socket
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_llmbench.client.base import ModelSpec
from pytest_llmbench.client.deployments import RouteGroup
from pytest_llmbench.credentials import KEY_ENV

if TYPE_CHECKING:
    from pytest_llmbench.cache import ResponseCache
    from pytest_llmbench.conversation import Plan
    from pytest_llmbench.options import Settings

# Long enough for a server on another continent, short enough that a typo costs nothing.
PROBE_TIMEOUT = 3.0


@dataclass(frozen=True)
class Target:
    """One model the run will call, and the option (or suite line) that named it."""

    model: ModelSpec
    option: str


def needs_no_key(model: ModelSpec) -> bool:
    """Local OpenAI-compatible servers ignore the key (the clients send a placeholder)."""
    provider = model.name.partition("/")[0]
    return bool(model.api_base) and provider in KEY_ENV


def check_credentials(model: ModelSpec) -> str | None:
    if model.builtin is not None or needs_no_key(model):
        return None
    from pytest_llmbench.client.litellm_client import credential_problem

    return credential_problem(model.name, model.api_base)


def check_reachable(api_base: str, timeout: float = PROBE_TIMEOUT) -> str | None:
    """One TCP connect to the API base's host and port; why it failed, or ``None``."""
    url = urllib.parse.urlsplit(api_base)
    host = url.hostname
    if not host:
        return f"{api_base}: no host in the URL"
    try:
        port = url.port or (443 if url.scheme == "https" else 80)
    except ValueError:
        return f"{api_base}: the port is not a number"
    where = f"{url.scheme}://{host}:{port}"  # never the userinfo or the query
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except socket.gaierror as exc:
        return f"cannot reach {where}: unknown host ({exc.strerror or exc})"
    except TimeoutError:
        return f"cannot reach {where}: no answer within {timeout:g} s"
    except OSError as exc:
        return f"cannot reach {where}: {exc.strerror or type(exc).__name__}"
    return None


def model_problems(
    targets: Iterable[Target], probe: bool = True, timeout: float = PROBE_TIMEOUT
) -> list[str]:
    """One line per problem, each naming its option; every API base is probed once."""
    out: list[str] = []
    seen_models: set[ModelSpec] = set()
    probed: dict[str, str | None] = {}
    for t in targets:
        if t.model in seen_models or t.model.builtin is not None:
            continue
        seen_models.add(t.model)
        if t.model.route is not None:
            out += route_problems(t.model.route, probe, timeout, probed)
            continue
        problem = check_credentials(t.model)
        if problem is not None:
            out.append(f"{t.option}: {problem}")
            continue
        base = t.model.api_base
        if probe and base:
            if base not in probed:
                probed[base] = check_reachable(base, timeout)
            if probed[base] is not None:
                out.append(f"{t.option}: {t.model.name}: {probed[base]}")
    return out


def route_problems(
    route: RouteGroup, probe: bool, timeout: float, probed: dict[str, str | None]
) -> list[str]:
    """A router group (``--llm-router``): each deployment's key variable must be set (a missing
    key fails every call sent there); unreachable deployments are only a problem when it is
    all of them: the run skips a dead replica and goes on with the others."""
    import os

    out: list[str] = []
    for d in route.deployments:
        if d.key_env is not None:
            if not os.environ.get(d.key_env):
                out.append(
                    f"--llm-router {route.source}: {d.label}: api_key os.environ/{d.key_env} "
                    "is not set"
                )
            continue
        problem = check_credentials(ModelSpec(d.model, d.api_base))
        if problem is not None:
            out.append(f"--llm-router {route.source}: {d.label}: {problem}")
    bases = [d.api_base for d in route.deployments if d.api_base]
    if out or not probe or len(bases) < len(route.deployments):
        return out  # a provider's own address is not probed: one of them may be fine
    for base in bases:
        if base not in probed:
            probed[base] = check_reachable(base, timeout)
    if all(probed[b] is not None for b in bases):
        why = "; ".join(str(probed[b]) for b in dict.fromkeys(bases))
        out.append(f"--llm-model={route.name}: no deployment of it is reachable ({why})")
    return out


def hf_problem(repo: str, endpoint: str | None = None, timeout: float = 10.0) -> str | None:
    """Whether an upload to ``repo`` can start: a token that looks like one, which the Hub
    accepts (one ``whoami`` request, no retries) and which is not read-only. The repo id is
    checked by the option's parser; the repo itself is created by the upload if missing."""
    from huggingface_hub import get_token

    try:
        token = get_token()
    except Exception as exc:  # e.g. a failed OIDC exchange
        return f"--llm-hf-repo={repo}: cannot get a Hugging Face token ({type(exc).__name__})"
    if not token:
        return f"--llm-hf-repo={repo}: no Hugging Face token: set HF_TOKEN or run `hf auth login`"
    if token != token.strip() or any(c.isspace() or not c.isprintable() for c in token):
        # A pasted token with a trailing newline or \r: HTTP refuses it as a header value.
        return f"--llm-hf-repo={repo}: the Hugging Face token contains spaces or control characters"
    return _hub_accepts(repo, token, endpoint, timeout)


def _hub_accepts(repo: str, token: str, endpoint: str | None, timeout: float) -> str | None:
    import os

    from huggingface_hub import constants, get_session

    # As the upload does: the option, then HF_ENDPOINT read now, then huggingface_hub's default.
    base = (endpoint or os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")
    url = urllib.parse.urlsplit(base)
    where = f"{url.scheme}://{url.hostname}" + (f":{url.port}" if url.port else "")
    try:
        response = get_session().get(
            f"{base}/api/whoami-v2", headers={"Authorization": f"Bearer {token}"}, timeout=timeout
        )
    except Exception as exc:  # no message: it could quote a header; the type says enough
        return f"--llm-hf-repo={repo}: cannot reach the Hub at {where} ({type(exc).__name__})"
    status = response.status_code
    if status in (401, 403):
        return f"--llm-hf-repo={repo}: the Hub at {where} rejects the token (HTTP {status})"
    if status >= 400:
        return f"--llm-hf-repo={repo}: the Hub at {where} answered HTTP {status}"
    try:
        role = response.json().get("auth", {}).get("accessToken", {}).get("role")
    except Exception:  # an answer without the token's details: nothing more to check
        role = None
    if role == "read":
        return (
            f"--llm-hf-repo={repo}: the Hugging Face token is read-only; uploads need write access"
        )
    return None


def _judges(plan: Plan, settings: Settings) -> list[Target]:
    """The judge models the plan's scorers ask (their own ``model:`` or the run's judge)."""
    from pytest_llmbench.scoring.api import judge_need

    out = []
    scorers = (*(b for t in plan.turn_scorers for b in t), *plan.each_turn, *plan.conversation)
    for ref, fn in scorers:
        need = judge_need(fn)
        name = (need.model or settings.judge_model) if need is not None else None
        if need is None or name is None:
            continue
        where = (
            f"{plan.scenario.path.name}:{ref.line}: {ref.name} model"
            if need.model
            else "--llm-judge-model"
        )
        out.append(Target(ModelSpec(name, settings.judge_api_base), where))
    return out


def run_targets(
    pairs: Iterable[tuple[Plan, ModelSpec]], settings: Settings, cache: ResponseCache
) -> list[Target]:
    """The models the selected scenarios will call, with the judges they need: a scenario
    whose every opening request the cache answers calls neither (its later requests follow
    from cached replies), unless its model is built in (whose judge calls cannot be foreseen:
    use ``--llm-cache=replay`` for a run that must not touch the network)."""
    from pytest_llmbench.cache import cache_key
    from pytest_llmbench.samples import opening_requests

    if settings.cache_mode == "replay":
        return []
    out: dict[ModelSpec, Target] = {}
    for plan, model in pairs:
        judges = _judges(plan, settings)
        wanted = [t.model for t in judges] + ([model] if model.builtin is None else [])
        if all(w in out for w in wanted):
            continue  # nothing this scenario could add (and no request to hash)
        if model.builtin is None and cache.reads:
            requests = opening_requests(plan, model, settings)
            if all(cache.has(cache_key(r)) for r in requests):
                continue
        if model.builtin is None:
            out.setdefault(model, Target(model, "--llm-model"))
        for t in judges:
            out.setdefault(t.model, t)
    return list(out.values())


def check_run(
    pairs: Iterable[tuple[Plan, ModelSpec]],
    settings: Settings,
    cache: ResponseCache,
    custom_client: bool,
) -> list[str]:
    """Every preflight problem of a run whose items are known (single process)."""
    problems = []
    if settings.hf_repo is not None:
        problem = hf_problem(settings.hf_repo, settings.hf_endpoint)
        if problem is not None:
            problems.append(problem)
    # A hook's own client or a managed server decides itself how models are reached.
    if not custom_client and settings.serve is None:
        problems += model_problems(run_targets(pairs, settings, cache))
    return problems


def check_controller(settings: Settings, custom_client: bool) -> list[str]:
    """The xdist controller's preflight: it does not collect, so it cannot ask the cache which
    scenarios will call; it checks the configured models and judge unless the run replays."""
    problems = []
    if settings.hf_repo is not None:
        problem = hf_problem(settings.hf_repo, settings.hf_endpoint)
        if problem is not None:
            problems.append(problem)
    if custom_client or settings.serve is not None or settings.cache_mode == "replay":
        return problems
    targets = [Target(m, "--llm-model") for m in settings.model_specs()]
    if settings.judge_model is not None:
        judge = ModelSpec(settings.judge_model, settings.judge_api_base)
        targets.append(Target(judge, "--llm-judge-model"))
    return problems + model_problems(targets)
