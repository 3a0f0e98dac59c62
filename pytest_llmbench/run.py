"""``BenchRun``: the object that owns one pytest run's LLM work (settings, scorer registry,
engine, gathered results), kept in ``config.stash`` as pytest-benchmark keeps its session."""

from __future__ import annotations

import concurrent.futures
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_llmbench.client.base import ModelSpec
from pytest_llmbench.options import Settings

if TYPE_CHECKING:
    from pytest_llmbench.collect import ScenarioItem
    from pytest_llmbench.engine import Engine
    from pytest_llmbench.results.collector import ResultsCollector
    from pytest_llmbench.scenario_result import ScenarioResult
    from pytest_llmbench.scoring.registry import ScorerRegistry
    from pytest_llmbench.serve.process import ManagedServer

RUN_KEY = pytest.StashKey["BenchRun"]()
NO_MODEL_HINT = "no model configured: pass --llm-model=provider/name (or set llm_model in ini)"


def get_run(config: pytest.Config) -> BenchRun:
    return config.stash[RUN_KEY]


class BenchRun:
    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.started = time.time()
        self.is_worker = hasattr(config, "workerinput")
        self._registry: ScorerRegistry | None = None
        self._engine: Engine | None = None
        self._known_tags: set[str] = set()
        self.collector: ResultsCollector | None = None
        self.summary: list[dict[str, Any]] = []
        self.aggregates: dict[str, dict[str, Any]] = {}
        self.results_path: Path | None = None
        self.notes: list[str] = []  # upload and gate outcomes for the terminal summary
        self.session: pytest.Session | None = None
        self.server: ManagedServer | None = None
        if settings.serve is not None:
            from pytest_llmbench.serve.process import ManagedServer

            log_dir = settings.cache_dir / "serve"
            self.server = ManagedServer(settings.serve, settings.serve_timeout, log_dir)
        config.addinivalue_line("markers", "llm_fail_under(rate): pass-rate gate of the suite")
        if not self.is_worker:
            from pytest_llmbench.results.collector import ResultsCollector

            self.collector = ResultsCollector()

    # -- collection -------------------------------------------------------------------------
    @property
    def registry(self) -> ScorerRegistry:
        if self._registry is None:
            from pytest_llmbench.scoring.registry import ScorerRegistry

            self._registry = ScorerRegistry()
            self.config.hook.pytest_llmbench_add_scorers(registry=self._registry)
        return self._registry

    def model_specs(self) -> list[ModelSpec]:
        if self.server is not None:  # every non-built-in model goes to the managed server
            served = self.server.spec.identity
            return [
                ModelSpec(m, None if m.startswith("llmbench/") else served)
                for m in self.settings.models
            ]
        return [ModelSpec(m, self.settings.api_base) for m in self.settings.models]

    def register_tags(self, tags: tuple[str, ...]) -> None:
        # Tags become markers (so -m works); registering them keeps --strict-markers happy.
        for tag in tags:
            if tag not in self._known_tags:
                self._known_tags.add(tag)
                self.config.addinivalue_line("markers", f"{tag}: llmbench scenario tag")

    # -- dispatch ---------------------------------------------------------------------------
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

                client = RoutingClient(s.transport)
            server = self.server if self.needs_server else None
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
            )
        return self._engine

    @property
    def needs_server(self) -> bool:
        """A managed server is started only if the model may be called: replay never calls it."""
        return self.server is not None and self.settings.cache_mode != "replay"

    def skip_reason(self, item: ScenarioItem) -> str | None:
        if item.model is None:
            return NO_MODEL_HINT
        builtin = item.model.builtin
        if builtin == "reference" and not item.scenario.reference_pass:
            return "no reference.pass replies for llmbench/reference"
        if builtin == "violate" and not item.scenario.reference_fail:
            return "no reference.fail replies for llmbench/violate"
        return None

    def dispatch(self, items: list[pytest.Item]) -> None:
        """Submit every selected scenario at once (controller or single process only: an xdist
        worker cannot know which items it will be given, so it submits each on arrival)."""
        from pytest_llmbench.collect import ScenarioItem

        todo = [i for i in items if isinstance(i, ScenarioItem) and i.skip_reason is None]
        if not todo or self.is_worker or self.config.option.collectonly:
            return
        if self.needs_server:
            from pytest_llmbench.errors import ServeError

            try:
                _ = self.engine  # starts the managed server before any call
            except ServeError:
                return  # each item's setup raises it again: errors, not failures
        _ = self.engine
        for item in todo:
            self._submit(item)

    def _submit(self, item: ScenarioItem) -> concurrent.futures.Future[ScenarioResult]:
        from pytest_llmbench.samples import run_samples

        if item.future is None:
            assert item.model is not None
            engine, plan, model = self.engine, item.plan, item.model
            item.future = engine.submit(lambda: run_samples(engine, plan, model, self.settings))
        return item.future

    def wait_for(self, item: ScenarioItem) -> None:
        from pytest_llmbench.errors import ServeError

        error: str | None = None
        try:
            future = self._submit(item)
        except ServeError as exc:  # the managed server did not start: an error, not a failure
            error = str(exc)
        if error is not None:
            pytest.fail(f"infrastructure error: {error}", pytrace=False)
        from pytest_llmbench.report.progress import wait_with_progress

        result = wait_with_progress(self, future)
        item.result = result
        self.config.hook.pytest_llmbench_scenario_done(item=item, result=result)
        if result.error is not None:
            from pytest_llmbench.redact import redact_env

            pytest.fail(redact_env(f"infrastructure error: {result.error}"), pytrace=False)

    def cancel(self) -> None:
        if self._engine is not None:
            self._engine.cancel_all()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self.notes += rate_limit_notes(self._engine)
            self._engine = None
        if self.server is not None:
            self.server.stop()

    def progress_counts(self) -> tuple[int, int]:
        e = self._engine
        return (e.finished, e.submitted) if e is not None else (0, 0)

    # -- hooks of the run (registered as a plugin by plugin.py) -----------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # tryfirst: the payload leaves user_properties before junitxml sees it. On the xdist
        # controller this also receives the workers' reports.
        if self.collector is not None:
            self.collector.take(report)

    def pytest_runtest_logfinish(self) -> None:
        session = self.session
        if session is not None and (session.shouldfail or session.shouldstop):
            self.cancel()  # -x / --maxfail: stop paying for calls nobody will wait for

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    def pytest_keyboard_interrupt(self) -> None:
        self.cancel()

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.close()
        if self.collector is None:
            return
        from pytest_llmbench.families import aggregates
        from pytest_llmbench.results.stats import summarize

        self.summary = summarize(self.collector.items, self.collector.rows)
        self.aggregates = aggregates(self.collector.rows)
        # An upload sends the results file, so it needs one even without --llm-results.
        if self.settings.results is not None or self.settings.hf_repo is not None:
            self.results_path = self.write_results()
        if self.settings.hf_repo is not None:
            from pytest_llmbench.results.hub import upload_after_run

            self.notes += upload_after_run(self, session)
        from pytest_llmbench.gates import apply_gates

        self.notes += apply_gates(self, session)  # may change session.exitstatus

    def write_results(self) -> Path:
        from pytest_llmbench.atomicfile import write_atomic
        from pytest_llmbench.results.runinfo import run_info
        from pytest_llmbench.results.writer import build_document, dumps

        assert self.collector is not None
        document = build_document(run_info(self), self.collector.rows, self.summary)
        document["aggregates"] = self.aggregates
        self.config.hook.pytest_llmbench_results_ready(config=self.config, results=document)
        path = self.settings.results
        if path is None:  # kept (not a temp file) so a failed upload can be retried from it
            path = self.settings.cache_dir / "runs" / f"{document['run']['run_id']}.json"
        write_atomic(path, dumps(document))
        return path

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        from pytest_llmbench.report.terminal import write_summary

        if not self.settings.models:
            if self.summary:
                terminalreporter.write_line(f"llmbench: suite items skipped: {NO_MODEL_HINT}")
            return
        notes = []
        no_refs = sum(g["no_references"] for g in self.summary)
        if no_refs and any(m.startswith("llmbench/") for m in self.settings.models):
            notes.append(f"llmbench: {no_refs} scenario item(s) have no reference replies")
        if self.results_path is not None:
            notes.append(f"llmbench: results written to {self.results_path}")
        notes += self.notes
        from pytest_llmbench.families import render_aggregates

        write_summary(self.config, self.summary, render_aggregates(self.aggregates) + notes)


def rate_limit_notes(engine: Engine) -> list[str]:
    """Say when a backend pushed back: the run was slower than --llm-concurrency allowed."""
    notes = []
    for (model, _base), window in engine.windows.items():
        if window.rate_limited_count:
            notes.append(
                f"llmbench: {model} was rate limited {window.rate_limited_count} time(s); "
                f"calls in flight were narrowed to {window.lowest} "
                f"(of {window.maximum}) and widened again as calls succeeded"
            )
    return notes
