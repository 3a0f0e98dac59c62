"""Sending the run's scenarios to the models: the engine (built on first use), every selected
scenario submitted right after collection, each item waiting for its own result.

Reads the settings, the pytest hooks that may supply a client or observe a result, the
managed server (if any) and, while an item waits, the terminal for the progress bar.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pytest

from pytest_llmbench.client.base import ModelSpec
from pytest_llmbench.errors import ServeError
from pytest_llmbench.options import Settings

if TYPE_CHECKING:
    from pytest_llmbench.collect import ScenarioItem
    from pytest_llmbench.engine import Engine
    from pytest_llmbench.scenario_result import ScenarioResult
    from pytest_llmbench.serve.group import ServerGroup


class Dispatcher:
    def __init__(
        self, config: pytest.Config, settings: Settings, server: ServerGroup | None
    ) -> None:
        self.config = config
        self.settings = settings
        self.server = server
        self.is_worker = hasattr(config, "workerinput")
        self._engine: Engine | None = None
        self._cache_warned = False

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from pytest_llmbench.cache import ResponseCache
            from pytest_llmbench.engine import Engine
            from pytest_llmbench.retry import RetryPolicy

            s = self.settings
            client = self.config.hook.pytest_llmbench_make_client(settings=s)
            if client is None:
                from pytest_llmbench.client.router import RoutingClient

                client = RoutingClient(s.transport, s.router_groups, s.concurrency, s.rpm)
                # In replay mode no request reaches a transport (a cache miss is an error), so
                # a cached re-run loads neither aiohttp nor litellm (0.3 s to seconds).
                if s.cache_mode != "replay":
                    client.preload(self._called_models())
            server = self.server if s.starts_server else None
            if server is not None:
                from pytest_llmbench.serve.client import ServedClient

                server.ensure_started()  # raises ServeError: the items become errors
                client = ServedClient(client, server)
            self._engine = Engine(
                client,
                ResponseCache(s.cache_dir, s.cache_mode),
                concurrency=s.concurrency,
                rpm=s.rpm,
                timeout=s.timeout,
                retry=RetryPolicy(retries=s.retries),
                scorer_timeout=s.scorer_timeout,
            )
        return self._engine

    def _called_models(self) -> list[ModelSpec]:
        """The models the run's requests go to, as the router sees them: a served model at
        its server's (placeholder) URL, under its served name."""
        s = self.settings
        specs = list(s.model_specs())
        if s.judge_model:
            specs.append(ModelSpec(s.judge_model, s.judge_api_base))
        if self.server is None or not s.starts_server:
            return specs
        from pytest_llmbench.serve.spec import LOCAL_PROVIDER

        served = self.server.spec
        return [
            ModelSpec(
                served.model_name if m.name.startswith(f"{LOCAL_PROVIDER}/") else m.name,
                "http://127.0.0.1/v1",
            )
            if m.api_base == served.identity
            else m
            for m in specs
        ]

    def dispatch(self, items: Sequence[pytest.Item]) -> None:
        """Submit every selected scenario at once (controller or single process only: an xdist
        worker cannot know which items it will be given, so it submits each on arrival)."""
        from pytest_llmbench.collect import ScenarioItem

        todo = [i for i in items if isinstance(i, ScenarioItem) and i.skip_reason is None]
        if not todo or self.is_worker or self.config.option.collectonly:
            return
        try:
            _ = self.engine  # starts the managed server, if any, before any call
        except ServeError:
            return  # each item's setup raises it again: errors, not failures
        for item in todo:
            self._submit(item)

    def _submit(self, item: ScenarioItem) -> concurrent.futures.Future[ScenarioResult]:
        from pytest_llmbench.samples import run_samples

        if item.future is None:
            assert item.model is not None
            engine, plan, model, settings = self.engine, item.plan, item.model, self.settings
            item.future = engine.submit(lambda: run_samples(engine, plan, model, settings))
        return item.future

    def wait_for(self, item: ScenarioItem) -> None:
        """The item's setup: its result, or a pytest error for an infrastructure failure."""
        error: str | None = None
        try:
            future = self._submit(item)
        except ServeError as exc:  # the managed server did not start: an error, not a failure
            error = str(exc)
        if error is not None:
            from pytest_llmbench.redact import scrub
            from pytest_llmbench.report.safe import plain

            pytest.fail(plain(scrub(f"infrastructure error: {error}")), pytrace=False)
        from pytest_llmbench.report.progress import wait_with_progress

        pm = self.config.pluginmanager
        terminal = None if self.is_worker else pm.get_plugin("terminalreporter")
        result = wait_with_progress(
            future,
            self.progress_counts,
            mode=self.settings.progress,
            terminal=terminal,
            capture=pm.get_plugin("capturemanager"),
        )
        item.result = result
        self._warn_if_cache_failed(terminal, pm.get_plugin("capturemanager"))
        self.config.hook.pytest_llmbench_scenario_done(item=item, result=result)
        if result.error is not None:
            from pytest_llmbench.redact import scrub
            from pytest_llmbench.report.safe import plain
            from pytest_llmbench.textsafe import encodable

            # The error quotes the server (an HTTP error body): escaped like model text.
            message = encodable(plain(scrub(f"infrastructure error: {result.error}")))
            pytest.fail(message, pytrace=False)

    def _warn_if_cache_failed(self, terminal: Any, capture: Any) -> None:
        """Once, as soon as it happens: the cache stopped being written (the summary repeats
        it). Printed, not a Python warning: under ``filterwarnings = error`` a warning would
        become the very item error this degradation exists to avoid."""
        engine = self._engine
        if self._cache_warned or engine is None or engine.cache.write_failure is None:
            return
        self._cache_warned = True
        note = engine.cache.failure_note()
        if terminal is None or note is None:
            return
        import contextlib

        suspend = getattr(capture, "global_and_fixture_disabled", None)
        with suspend() if suspend is not None else contextlib.nullcontext():
            terminal.write_line("")
            terminal.write_line(note.split("; ")[0], yellow=True)

    def progress_counts(self) -> tuple[int, int]:
        e = self._engine
        return (e.finished, e.submitted) if e is not None else (0, 0)

    def cancel(self) -> None:
        if self._engine is not None:
            self._engine.cancel_all()

    def close(self) -> list[str]:
        """Stop the engine; notes for the terminal summary."""
        notes: list[str] = []
        if self._engine is not None:
            self._engine.close()
            notes = rate_limit_notes(self._engine)
            cache_note = self._engine.cache.failure_note()
            if cache_note is not None:
                notes.append(cache_note)
            self._engine = None
        return notes


def rate_limit_notes(engine: Engine) -> list[str]:
    """Say when a backend pushed back: the run was slower than --llm-concurrency allowed."""
    notes = []
    client_notes = getattr(engine.client, "notes", None)
    if callable(client_notes):  # the router groups' deployments (client/replicas.py)
        notes += client_notes()
    for (model, _base), window in engine.windows.items():
        if window.rate_limited_count:
            notes.append(
                f"llmbench: {model} was rate limited {window.rate_limited_count} time(s); "
                f"calls in flight were narrowed to {window.lowest} "
                f"(of {window.maximum}) and widened again as calls succeeded"
            )
    return notes
