"""The managed server's process: started once, health-checked, always stopped.

The server runs under a small guard process (``python -m pytest_llmbench.serve.process
--guard``) in its own session: the guard stops the server's whole process group when told to,
and also when the pytest process disappears (killed, crashed), so a server never outlives its
run. Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_llmbench.errors import ServeError
from pytest_llmbench.serve.spec import ServeSpec, build_command

LOG_TAIL_LINES = 30
# The build of llama-cpp-python the docs and .ci/run use (docs/local-models.md).
LLAMACPP_CMAKE_ARGS = "-DLLAVA_BUILD=OFF -DGGML_LLAMAFILE=OFF -DGGML_NATIVE=OFF"

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 is local


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def log_tail(path: Path | None, lines: int = LOG_TAIL_LINES) -> str:
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
        guard = [sys.executable, "-m", "pytest_llmbench.serve.process", "--guard", str(os.getpid())]
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
                    f"{log_tail(self.log_path)}"
                )
            try:
                with NO_PROXY.open(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() >= deadline:
                self.stop()
                raise ServeError(
                    f"the {self.spec.backend} server ({program}) was not healthy after "
                    f"{self.timeout:g}s (GET {url}; raise --llm-serve-timeout); "
                    f"last lines of {self.log_path}:\n{log_tail(self.log_path)}"
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
            f"last lines of {self.log_path}:\n{log_tail(self.log_path)}"
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
    sys.exit("usage: python -m pytest_llmbench.serve.process --guard PPID -- COMMAND...")
