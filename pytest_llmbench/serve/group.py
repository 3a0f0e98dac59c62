"""The run's managed server as ``spec.replicas`` identical processes, started together and
stopped together; ``ServedClient`` spreads the calls over them.

Every replica runs the same command line on its own port, so a reply does not depend on which
one answered (greedy decoding of a fresh prompt state; ``tests/serve/test_local_model.py``).
Standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pytest_llmbench.errors import ServeError
from pytest_llmbench.serve.process import ManagedServer
from pytest_llmbench.serve.spec import ServeSpec


class ServerGroup:
    def __init__(self, spec: ServeSpec, members: Sequence[ManagedServer]) -> None:
        self.spec = spec
        self.members = list(members)

    @classmethod
    def of(cls, spec: ServeSpec, timeout: float, log_dir: Path) -> ServerGroup:
        return cls(spec, [ManagedServer(spec, timeout, log_dir) for _ in range(spec.replicas)])

    @property
    def error(self) -> ServeError | None:
        return next((m.error for m in self.members if m.error is not None), None)

    @property
    def api_bases(self) -> list[str]:
        return [m.api_base for m in self.members]

    @property
    def log_paths(self) -> list[Path | None]:
        return [m.log_path for m in self.members]

    def ensure_started(self) -> None:
        """All replicas or none: they start side by side (a start is mostly waiting for the
        model to load), and one that cannot start stops the others, its error raised."""
        with ThreadPoolExecutor(len(self.members), thread_name_prefix="llmbench-serve") as pool:
            errors = list(pool.map(_start, self.members))
        error = next((e for e in errors if e is not None), None)
        if error is not None:
            self.stop()
            raise error

    def died(self, index: int) -> ServeError | None:
        return self.members[index].died()

    def stop(self) -> None:
        for member in self.members:
            member.stop()


def _start(member: ManagedServer) -> ServeError | None:
    try:
        member.ensure_started()
    except ServeError as exc:
        return exc
    return None
