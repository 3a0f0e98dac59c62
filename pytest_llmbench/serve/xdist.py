"""``--llm-serve`` under pytest-xdist: the controller starts the one server and hands its address
to the workers, which route to it and never start or stop it. Without this, N workers would start
N servers: N copies of the model in memory, competing for the same cores, and N start-up waits.

plugin.py sets this up only when xdist is loaded: ``pytest_configure_node`` is an xdist hook, and
pytest rejects an implementation of a hook nobody declared.
"""

from __future__ import annotations

import urllib.error
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.client.base import ModelSpec
from pytest_llmbench.errors import ServeError
from pytest_llmbench.serve.group import ServerGroup
from pytest_llmbench.serve.process import NO_PROXY, ManagedServer, log_tail
from pytest_llmbench.serve.spec import ServeSpec

WORKERINPUT_KEY = "llmbench_serve"


def setup(
    config: pytest.Config, server: ServerGroup | None, models: Sequence[ModelSpec]
) -> ServerGroup | None:
    """The server this process should use. Controller: register the hook that starts
    ``server`` for the workers. Worker: the controller's replicas when it handed them over."""
    if server is None:
        return None
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None:
        config.pluginmanager.register(ControllerServe(server, models), "llmbench-xdist-serve")
        return server
    handed = workerinput.get(WORKERINPUT_KEY)
    if handed is None:  # absent for remote workers: those start their own server
        return server
    error = handed["error"]
    members = [
        SharedServer(server.spec, base, log, error)
        for base, log in zip(handed["api_bases"], handed["log_paths"], strict=True)
    ]
    return ServerGroup(server.spec, members)


class ControllerServe:
    def __init__(self, server: ServerGroup, models: Sequence[ModelSpec]) -> None:
        self.server = server
        self.models = tuple(models)

    def pytest_configure_node(self, node: Any) -> None:
        server = self.server
        if not node.gateway.spec.popen:
            return  # a worker on another host cannot reach our 127.0.0.1
        served = server.spec.identity
        if not any(spec.api_base == served for spec in self.models):
            return  # only built-in models: nothing to serve
        try:
            server.ensure_started()  # once; later nodes get the same server (or error)
        except ServeError:
            pass
        node.workerinput[WORKERINPUT_KEY] = {
            "api_bases": server.api_bases,
            "log_paths": [str(p) if p is not None else None for p in server.log_paths],
            "error": str(server.error) if server.error is not None else None,
        }


class SharedServer(ManagedServer):
    """A worker's handle on the server the controller started and will stop."""

    def __init__(
        self, spec: ServeSpec, api_base: str, log_path: str | None, error: str | None
    ) -> None:
        super().__init__(spec, timeout=0, log_dir=Path())
        self._api_base = api_base
        self.log_path = Path(log_path) if log_path else None
        self.error = ServeError(error) if error else None

    @property
    def api_base(self) -> str:
        return self._api_base

    def ensure_started(self) -> None:
        if self.error is not None:
            raise self.error

    def died(self) -> ServeError | None:
        # Not our child, so no exit code to read: a refused connection means it is gone. A
        # timeout does not: llama.cpp may be busy generating for another worker.
        try:
            with NO_PROXY.open(f"{self.api_base}/models", timeout=2):
                return None
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionRefusedError):
                return None
        except ConnectionRefusedError:
            pass
        except OSError:
            return None
        return ServeError(
            f"the {self.spec.backend} server started by the xdist controller no longer answers "
            f"at {self.api_base}; last lines of {self.log_path}:\n{log_tail(self.log_path)}"
        )

    def stop(self, grace: float = 10.0) -> None:
        """The controller stops it, after every worker is done."""
