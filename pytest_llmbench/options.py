"""The ``--llm-*`` options, ``llm_*`` ini keys, their parsers and the frozen ``Settings``.

Precedence: command line > ini > environment (``LLMBENCH_MODEL``) > built-in default. Every
option has a ``type=`` parser raising ``pytest.UsageError``-friendly errors, so a typo such as
``--llm-concurrency=0`` is one clear line, not a traceback deep in the run.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from pytest_llmbench.client.base import ModelSpec, unknown_builtin
from pytest_llmbench.scoring.api import SCORING_MODES, ScoringMode

if TYPE_CHECKING:
    from pytest_llmbench.client.deployments import RouteGroup
    from pytest_llmbench.serve.spec import ServeSpec
    from pytest_llmbench.shard import ShardSpec

T = TypeVar("T")

CACHE_MODES = ("readwrite", "read", "write", "off", "replay")
NO_MODEL_HINT = "no model configured: pass --llm-model=provider/name (or set llm_model in ini)"
TRANSPORTS = ("auto", "litellm")


def _checked(
    convert: Callable[[str], T], ok: Callable[[T], bool], expected: str
) -> Callable[[str], T]:
    """A ``type=`` parser: convert, then check; both failures name the expectation and value."""

    def parse(text: str) -> T:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_positive_int = _checked(int, lambda v: v >= 1, "a positive integer")
_non_negative_int = _checked(int, lambda v: v >= 0, "an integer >= 0")
_positive_float = _checked(float, lambda v: v > 0, "a positive number")
_temperature = _checked(float, lambda v: 0 <= v <= 2, "a number in [0, 2]")
_rate = _checked(float, lambda v: 0 <= v <= 1, "a pass rate in [0, 1]")


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _model(text: str) -> str:
    text = text.strip()
    if not text or "/" not in text or text.startswith("/") or text.endswith("/"):
        raise argparse.ArgumentTypeError(
            f"expected a litellm model 'provider/name' (e.g. openai/gpt-4o-mini, "
            f"hosted_vllm/Qwen2.5-7B, llmbench/reference), got {text!r}"
        )
    return text


def _model_or_group(text: str) -> str:
    """``--llm-model``: a litellm model, or a model_name of ``--llm-router``'s config (checked
    once the config is read, in ``settings_from_config``)."""
    text = text.strip()
    if "/" not in text and text:
        return text
    return _model(text)


def _api_base(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"expected an http(s) URL, got {text!r}")
    return text.rstrip("/")


def _suite_rate(text: str) -> tuple[str, float]:
    suite, sep, rate = text.partition("=")
    if not sep or not suite.strip():
        raise argparse.ArgumentTypeError(f"expected SUITE=RATE, e.g. rules=0.8; got {text!r}")
    return suite.strip(), _rate(rate.strip())


def _significance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a level in (0, 1), got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a level in (0, 1), got {text!r}")
    return value


def _hf_repo(text: str) -> str:
    # The Hub's repo id rule: one "/", letters, digits, "-", "_", "." (no "--" or "..").
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", text) or ".." in text or "--" in text:
        raise argparse.ArgumentTypeError(f"expected a dataset repo OWNER/NAME, got {text!r}")
    return text


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text!r}")
    return path


def _shard(text: str) -> Any:
    from pytest_llmbench.shard import parse_shard

    try:
        return parse_shard(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _router_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such router configuration file: {text!r}")
    return path


def _choice(choices: tuple[str, ...]) -> Any:
    def parse(text: str) -> str:
        if text not in choices:
            raise argparse.ArgumentTypeError(f"expected one of {', '.join(choices)}; got {text!r}")
        return text

    return parse


def add_options(parser: pytest.Parser) -> None:
    g = parser.getgroup("llmbench", "pytest-llmbench: LLM scenario suites")
    g.addoption(
        "--llm-model",
        dest="llm_model",
        action="append",
        type=_model_or_group,
        metavar="MODEL",
        help="litellm model to test, e.g. openai/gpt-4o-mini; repeat to compare models "
        "(ini: llm_model; env: LLMBENCH_MODEL)",
    )
    g.addoption(
        "--llm-api-base",
        dest="llm_api_base",
        type=_api_base,
        metavar="URL",
        help="API base URL for the model, e.g. http://127.0.0.1:8000/v1",
    )
    g.addoption(
        "--llm-suite",
        dest="llm_suite",
        action="append",
        metavar="NAME",
        help="run a suite shipped in the package (e.g. examples, rules); repeatable",
    )
    g.addoption(
        "--llm-concurrency",
        dest="llm_concurrency",
        type=_positive_int,
        metavar="N",
        help="calls in flight per model backend (default 32)",
    )
    g.addoption(
        "--llm-rpm",
        dest="llm_rpm",
        type=_positive_float,
        metavar="N",
        help="at most N requests per minute per model backend",
    )
    g.addoption(
        "--llm-timeout",
        dest="llm_timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="timeout of one model call (default 120)",
    )
    g.addoption(
        "--llm-scorer-timeout",
        dest="llm_scorer_timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="time limit of one scorer call; past it the item is an error naming the scorer "
        "(default 5)",
    )
    g.addoption(
        "--llm-transport",
        dest="llm_transport",
        type=_choice(TRANSPORTS),
        metavar="auto|litellm",
        help="auto (default): OpenAI-compatible servers (openai/ or hosted_vllm/ with an API "
        "base) are called directly, everything else through litellm; litellm: always litellm",
    )
    g.addoption(
        "--llm-retries",
        dest="llm_retries",
        type=_non_negative_int,
        metavar="N",
        help="retries of a failed call on rate limits, 5xx, timeouts (default 4)",
    )
    g.addoption(
        "--llm-temperature",
        dest="llm_temperature",
        type=_temperature,
        metavar="T",
        help="sampling temperature (overrides suite params)",
    )
    g.addoption(
        "--llm-max-tokens",
        dest="llm_max_tokens",
        type=_positive_int,
        metavar="N",
        help="maximum tokens per reply (overrides suite params)",
    )
    g.addoption(
        "--llm-seed",
        dest="llm_seed",
        type=_int,
        metavar="N",
        help="sampling seed sent to the model (overrides suite params)",
    )
    g.addoption(
        "--llm-repeat",
        dest="llm_repeat",
        type=_positive_int,
        metavar="N",
        help="samples per scenario; a scenario passes when all pass (pass@k reported)",
    )
    g.addoption(
        "--llm-cache",
        dest="llm_cache",
        type=_choice(CACHE_MODES),
        metavar="MODE",
        help="response cache: readwrite (default), read, write, off, replay (a miss is "
        "an error; no network)",
    )
    g.addoption(
        "--llm-cache-dir",
        dest="llm_cache_dir",
        metavar="DIR",
        help="response cache folder (default .pytest_cache/llmbench)",
    )
    g.addoption(
        "--llm-scoring",
        dest="llm_scoring",
        type=_choice(SCORING_MODES),
        metavar="MODE",
        help="official (default) or strict scoring for benchmark scorers",
    )
    g.addoption(
        "--llm-judge-model",
        dest="llm_judge_model",
        type=_model,
        metavar="MODEL",
        help="litellm model that judges constraints no program can check (benchmark scorers "
        "such as sysbench/checklist), e.g. openai/gpt-4o-2024-05-13",
    )
    g.addoption(
        "--llm-judge-api-base",
        dest="llm_judge_api_base",
        type=_api_base,
        metavar="URL",
        help="API base URL for the judge model (default: the provider's own)",
    )
    g.addoption(
        "--llm-no-judge",
        dest="llm_no_judge",
        action="store_true",
        default=False,
        help="run without a judge model: scorers that need one score only what a program can "
        "check and report the rest as not scored (SysBench: CSR over the program-checked "
        "constraints, no official CSR/ISR/SSR)",
    )
    g.addoption(
        "--llm-results",
        dest="llm_results",
        metavar="PATH",
        help="write the run's results JSON to PATH",
    )
    g.addoption(
        "--llm-record-endpoint",
        dest="llm_record_endpoint",
        action="store_true",
        default=None,
        help="record the API base URLs in the results (default: only 'local' or 'remote'; "
        "ini: llm_record_endpoint)",
    )
    g.addoption(
        "--llm-progress",
        dest="llm_progress",
        type=_choice(("auto", "on", "off")),
        metavar="WHEN",
        help="progress bar: auto (on a TTY, default), on, off",
    )
    g.addoption(
        "--llm-shard",
        dest="llm_shard",
        type=_shard,
        metavar="K/N",
        help="run only shard K of N (K from 1): a deterministic, balanced part of the collected "
        "scenarios, every model of a scenario in the same shard; join the shards' results "
        "with `llmbench merge` (ini: llm_shard)",
    )
    g.addoption(
        "--llm-router",
        dest="llm_router",
        type=_router_file,
        metavar="ROUTER.yaml",
        help="spread calls over the deployments of a LiteLLM Router config (model_list "
        "entries with model_name and litellm_params; keys as os.environ/NAME) (ini: llm_router)",
    )
    _add_ci_options(g)
    _add_serve_options(g)
    parser.addini("llm_model", "litellm model(s) to test (whitespace separated)", type="args")
    parser.addini("llm_api_base", "API base URL for the model")
    parser.addini("llm_concurrency", "calls in flight per model backend", default="32")
    parser.addini("llm_timeout", "timeout of one model call in seconds", default="120")
    parser.addini("llm_retries", "retries of a failed model call", default="4")
    parser.addini("llm_scorer_timeout", "time limit of one scorer call in seconds", default="5")
    parser.addini("llm_cache", "response cache mode", default="readwrite")
    parser.addini("llm_transport", "auto or litellm (see --llm-transport)", default="auto")
    parser.addini("llm_cache_dir", "response cache folder")
    parser.addini("llm_scoring", "official or strict", default="official")
    parser.addini("llm_results", "path of the results JSON")
    parser.addini(
        "llm_record_endpoint", "record API base URLs in the results", type="bool", default=False
    )
    parser.addini("llm_shard", "run only shard K/N of the collected scenarios")
    parser.addini("llm_router", "LiteLLM Router config file (see --llm-router)")
    parser.addini("llm_suite_globs", "extra file globs collected as suites", type="linelist")
    parser.addini("llm_fail_under", "pass-rate gate in [0, 1] (see --llm-fail-under)")
    parser.addini(
        "llm_fail_under_suite", "per-suite pass-rate gates, one SUITE=RATE a line", type="linelist"
    )


def _add_ci_options(g: Any) -> None:
    """Hub upload and CI gates (``results/hub.py``, ``gates.py``). The Hub token is never an
    option: it comes from HF_TOKEN or ``hf auth login`` only, so it never lands in shell
    history or CI logs."""
    g.addoption(
        "--llm-hf-repo",
        dest="llm_hf_repo",
        type=_hf_repo,
        metavar="OWNER/NAME",
        help="upload the run to this Hugging Face dataset repo (token from HF_TOKEN or "
        "hf auth login)",
    )
    g.addoption(
        "--llm-hf-endpoint",
        dest="llm_hf_endpoint",
        type=_api_base,
        metavar="URL",
        help="Hub endpoint for --llm-hf-repo (default: HF_ENDPOINT or huggingface.co)",
    )
    g.addoption(
        "--llm-hf-private",
        dest="llm_hf_private",
        action="store_true",
        default=False,
        help="create the --llm-hf-repo dataset as private",
    )
    g.addoption(
        "--llm-fail-under",
        dest="llm_fail_under",
        type=_rate,
        metavar="RATE",
        help="gate: exit 0 when each model's pass rate is >= RATE (0-1) even if some "
        "scenarios failed, non-zero below it (ini: llm_fail_under; per suite: "
        "llm_fail_under_suite)",
    )
    g.addoption(
        "--llm-baseline",
        dest="llm_baseline",
        type=_existing_file,
        metavar="RESULTS.json",
        help="compare this run with a stored results file, scenario by scenario",
    )
    g.addoption(
        "--llm-fail-on-regression",
        dest="llm_fail_on_regression",
        action="store_true",
        default=False,
        help="gate: fail only when the drop vs --llm-baseline is significant (exact McNemar)",
    )
    g.addoption(
        "--llm-significance",
        dest="llm_significance",
        type=_significance,
        metavar="ALPHA",
        help="significance level of --llm-fail-on-regression (default 0.05)",
    )


def _serve_spec(text: str) -> Any:
    from pytest_llmbench.serve.spec import parse_serve_spec

    return parse_serve_spec(text)


def _replicas(text: str) -> int:
    from pytest_llmbench.serve.spec import parse_replicas

    return parse_replicas(text)


def _add_serve_options(g: Any) -> None:
    """Managed local inference servers (``serve/``)."""
    g.addoption(
        "--llm-serve",
        dest="llm_serve",
        type=_serve_spec,
        metavar="SPEC",
        help="start a local server for the run and route the model to it: "
        "llamacpp:/path/model.gguf[,key=value...] or vllm:MODEL[,key=value...] "
        "(model hosted_vllm/<alias> unless --llm-model is given)",
    )
    g.addoption(
        "--llm-serve-replicas",
        dest="llm_serve_replicas",
        type=_replicas,
        metavar="N",
        help="copies of the llama.cpp server that share the calls, one request at a time each "
        "(default: the spec's replicas item, else 1; local/ models: one per core, at most 4)",
    )
    g.addoption(
        "--llm-serve-timeout",
        dest="llm_serve_timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="how long --llm-serve waits for the server to be healthy (default 300)",
    )


@dataclass(frozen=True)
class Settings:
    models: tuple[str, ...] = ()
    api_base: str | None = None
    suites: tuple[str, ...] = ()
    concurrency: int = 32
    rpm: float | None = None
    timeout: float = 120.0
    scorer_timeout: float = 5.0
    retries: int = 4
    overrides: dict[str, Any] = field(default_factory=dict)  # CLI generation params
    repeat: int = 1
    cache_mode: str = "readwrite"
    cache_dir: Path = Path(".pytest_cache/llmbench")
    scoring: ScoringMode = "official"
    results: Path | None = None
    record_endpoint: bool = False  # API base URLs in the results, not just their host class
    progress: str = "auto"
    suite_globs: tuple[str, ...] = ()
    judge_model: str | None = None
    judge_api_base: str | None = None
    no_judge: bool = False
    hf_repo: str | None = None
    hf_endpoint: str | None = None
    hf_private: bool = False
    fail_under: float | None = None
    fail_under_suite: tuple[tuple[str, float], ...] = ()
    baseline: Path | None = None
    fail_on_regression: bool = False
    significance: float = 0.05
    serve: ServeSpec | None = None
    serve_timeout: float = 300.0
    transport: str = "auto"
    shard: ShardSpec | None = None
    router: Path | None = None
    router_groups: tuple[RouteGroup, ...] = ()  # the groups of --llm-router the run tests

    @property
    def starts_server(self) -> bool:
        """A managed server is started only if the model may be called: replay never calls it."""
        return self.serve is not None and self.cache_mode != "replay"

    def model_specs(self) -> tuple[ModelSpec, ...]:
        """The models under test and where to reach them: with ``--llm-serve`` every model but
        the built-in ones goes to the managed server (its identity stands in for the address,
        which changes with every run's port and would defeat the cache)."""
        if self.serve is not None:
            served = self.serve.identity
            return tuple(
                ModelSpec(m, None if m.startswith("llmbench/") else served) for m in self.models
            )
        groups = {g.name: g for g in self.router_groups}
        return tuple(
            ModelSpec(m, route=groups[m]) if m in groups else ModelSpec(m, self.api_base)
            for m in self.models
        )


def _ini_parse(config: pytest.Config, name: str, parse: Any) -> Any:
    raw = config.getini(name)
    try:
        return parse(str(raw))
    except argparse.ArgumentTypeError as exc:
        raise pytest.UsageError(f"ini option {name} = {raw!r}: {exc}") from None


def settings_from_config(config: pytest.Config) -> Settings:
    opt = config.option
    models: list[str] = list(opt.llm_model or [])
    if not models:
        ini_models = config.getini("llm_model") or []
        env_model = os.environ.get("LLMBENCH_MODEL", "")
        source = ini_models or env_model.split()
        for m in source:
            try:
                models.append(_model_or_group(m))
            except argparse.ArgumentTypeError as exc:
                raise pytest.UsageError(f"llm_model: {exc}") from None
    root = Path(str(config.rootpath))
    router = opt.llm_router
    if router is None and config.getini("llm_router"):
        router = _ini_parse(config, "llm_router", lambda t: _router_file(str(root / t)))
    router_groups = _router_groups(router, models)
    serve = getattr(opt, "llm_serve", None)
    local = [m for m in models if m.startswith("local/")]
    if local:
        if serve is not None or len(local) > 1:
            raise pytest.UsageError(f"{local[-1]} starts its own server: give it alone")
        from pytest_llmbench.serve.spec import local_serve_spec

        try:
            serve = local_serve_spec(local[0])
        except argparse.ArgumentTypeError as exc:
            raise pytest.UsageError(f"--llm-model: {exc}") from None
    if serve is not None and not models:
        models.append(serve.model_name)
    if len(set(models)) != len(models):
        raise pytest.UsageError("--llm-model: the same model is given twice")
    # A misspelt built-in model is known before collection: one line, no call, no retries.
    for option, name in [
        *(("--llm-model", m) for m in models),
        ("--llm-judge-model", opt.llm_judge_model),
    ]:
        problem = unknown_builtin(name) if name else None
        if problem is not None:
            raise pytest.UsageError(f"{option}: {problem}")
    judge = opt.llm_judge_model
    if judge in ("llmbench/reference", "llmbench/violate"):
        raise pytest.UsageError(
            f"--llm-judge-model: {judge} replays a scenario's references and cannot judge; "
            "use a real model, or llmbench/echo to test the wiring"
        )
    api_base = opt.llm_api_base
    if api_base is None and config.getini("llm_api_base"):
        api_base = _ini_parse(config, "llm_api_base", _api_base)
    overrides: dict[str, Any] = {}
    if opt.llm_temperature is not None:
        overrides["temperature"] = opt.llm_temperature
    if opt.llm_max_tokens is not None:
        overrides["max_tokens"] = opt.llm_max_tokens
    if opt.llm_seed is not None:
        overrides["seed"] = opt.llm_seed
    if local:  # the embedded model benchmarks with greedy, seeded decoding unless told otherwise
        overrides.setdefault("temperature", 0.0)
        overrides.setdefault("seed", 0)
    cache_dir = opt.llm_cache_dir or config.getini("llm_cache_dir")
    results = opt.llm_results or config.getini("llm_results")
    fail_under = opt.llm_fail_under
    if fail_under is None and config.getini("llm_fail_under"):
        fail_under = _ini_parse(config, "llm_fail_under", _rate)
    suite_gates = []
    for line in config.getini("llm_fail_under_suite") or ():
        try:
            suite_gates.append(_suite_rate(line))
        except argparse.ArgumentTypeError as exc:
            raise pytest.UsageError(f"ini option llm_fail_under_suite: {exc}") from None
    if serve is not None and opt.llm_api_base is not None:
        raise pytest.UsageError("--llm-serve and --llm-api-base exclude each other")
    replicas = getattr(opt, "llm_serve_replicas", None)
    if replicas is not None:
        if serve is None:
            raise pytest.UsageError("--llm-serve-replicas needs --llm-serve or a local/ model")
        from pytest_llmbench.serve.spec import with_replicas

        try:
            serve = with_replicas(serve, replicas, "--llm-serve-replicas")
        except argparse.ArgumentTypeError as exc:
            raise pytest.UsageError(str(exc)) from None
    if opt.llm_no_judge and opt.llm_judge_model:
        raise pytest.UsageError("--llm-no-judge and --llm-judge-model exclude each other")
    shard = opt.llm_shard
    if shard is None and config.getini("llm_shard"):
        shard = _ini_parse(config, "llm_shard", _shard)
    if opt.llm_fail_on_regression and opt.llm_baseline is None:
        raise pytest.UsageError("--llm-fail-on-regression needs --llm-baseline=RESULTS.json")
    from pytest_llmbench.client.router import RoutingClient
    from pytest_llmbench.credentials import Endpoint, sending_problem

    endpoints = [Endpoint(ModelSpec(m, api_base), "--llm-api-base") for m in models]
    if opt.llm_judge_model:
        judge = ModelSpec(opt.llm_judge_model, opt.llm_judge_api_base)
        endpoints.append(Endpoint(judge, "--llm-judge-api-base"))
    transport = opt.llm_transport or _ini_parse(config, "llm_transport", _choice(TRANSPORTS))
    problem = sending_problem(endpoints, os.environ, RoutingClient(transport).takes_fast_path)
    if problem is not None:
        raise pytest.UsageError(problem)
    return Settings(
        models=tuple(models),
        api_base=api_base,
        suites=tuple(opt.llm_suite or ()),
        concurrency=opt.llm_concurrency or _ini_parse(config, "llm_concurrency", _positive_int),
        rpm=opt.llm_rpm,
        timeout=opt.llm_timeout or _ini_parse(config, "llm_timeout", _positive_float),
        scorer_timeout=opt.llm_scorer_timeout
        or _ini_parse(config, "llm_scorer_timeout", _positive_float),
        retries=opt.llm_retries
        if opt.llm_retries is not None
        else _ini_parse(config, "llm_retries", _non_negative_int),
        overrides=overrides,
        repeat=opt.llm_repeat or 1,
        cache_mode=opt.llm_cache or _ini_parse(config, "llm_cache", _choice(CACHE_MODES)),
        cache_dir=Path(cache_dir) if cache_dir else root / ".pytest_cache" / "llmbench",
        scoring=opt.llm_scoring or _ini_parse(config, "llm_scoring", _choice(SCORING_MODES)),
        results=Path(results) if results else None,
        record_endpoint=bool(
            opt.llm_record_endpoint
            if opt.llm_record_endpoint is not None
            else config.getini("llm_record_endpoint")
        ),
        progress=opt.llm_progress or "auto",
        suite_globs=tuple(config.getini("llm_suite_globs") or ()),
        judge_model=opt.llm_judge_model,
        judge_api_base=opt.llm_judge_api_base,
        no_judge=opt.llm_no_judge,
        hf_repo=opt.llm_hf_repo,
        hf_endpoint=opt.llm_hf_endpoint,
        hf_private=opt.llm_hf_private,
        fail_under=fail_under,
        fail_under_suite=tuple(suite_gates),
        baseline=opt.llm_baseline,
        fail_on_regression=opt.llm_fail_on_regression,
        significance=opt.llm_significance or 0.05,
        serve=serve,
        serve_timeout=getattr(opt, "llm_serve_timeout", None) or 300.0,
        transport=transport,
        shard=shard,
        router=router,
        router_groups=router_groups,
    )


def _router_groups(router: Path | None, models: list[str]) -> tuple[RouteGroup, ...]:
    """The router groups the run tests; with no --llm-model, every group of the config.
    A model without a provider must be one of them (else the usual 'provider/name' error)."""
    groups: dict[str, RouteGroup] = {}
    if router is not None:
        from pytest_llmbench.errors import SuiteError
        from pytest_llmbench.router_config import load_router_config

        try:
            groups = load_router_config(router)
        except SuiteError as exc:
            raise pytest.UsageError(f"--llm-router: {exc}") from None
        if not models:
            models.extend(groups)
    for m in models:
        if m not in groups and "/" not in m:
            try:
                _model(m)
            except argparse.ArgumentTypeError as exc:
                hint = f" (nor a model_name of {router})" if router is not None else ""
                raise pytest.UsageError(f"--llm-model: {exc}{hint}") from None
    return tuple(groups[m] for m in models if m in groups)
