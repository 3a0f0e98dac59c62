"""``BenchRun``: one pytest run's LLM wiring, kept in ``config.stash`` (as pytest-benchmark keeps
its session) and registered as a plugin. It owns the run's parts (settings, scorer registry,
dispatcher, results collector, managed server) and its hook implementations only delegate:
collection to ``collect``, calls to ``dispatch``, the end of the run to ``session_end``.
"""

from __future__ import annotations

import atexit
import functools
import gc
import time
from typing import TYPE_CHECKING, Any

import pytest

from pytest_llmbench.options import Settings

if TYPE_CHECKING:
    from pytest_llmbench.collect import CollectContext, ScenarioItem
    from pytest_llmbench.dispatch import Dispatcher
    from pytest_llmbench.results.collector import ResultsCollector
    from pytest_llmbench.results.records import NotRunRecord
    from pytest_llmbench.scoring.registry import ScorerRegistry
    from pytest_llmbench.serve.group import ServerGroup
    from pytest_llmbench.session_end import SessionReport
    from pytest_llmbench.shard import ShardRecord

RUN_KEY = pytest.StashKey["BenchRun"]()


@functools.cache  # once per process
def _freeze_at_exit() -> None:
    """Freeze every object when the interpreter exits, before its final garbage collections.
    After a run of thousands of scenarios those passes re-walk the whole heap (the items, their
    reports, the terminal's stats): 0.3-0.4 s of a 2,000-scenario run (benchmarks/throughput.py),
    for memory the process hands back to the system anyway. Python makes no promise to
    finalize objects still alive at exit, so nothing promised is skipped; every atexit handler
    still runs, and the results file was written long before."""
    atexit.register(gc.freeze)


class BenchRun:
    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.started = time.time()
        self.is_worker = hasattr(config, "workerinput")
        self._registry: ScorerRegistry | None = None
        self._dispatcher: Dispatcher | None = None
        self._context: CollectContext | None = None
        self._known_tags: set[str] = set()
        self.collector: ResultsCollector | None = None
        self.report: SessionReport | None = None
        self.session: pytest.Session | None = None
        self.server: ServerGroup | None = None
        self.shard: ShardRecord | None = None
        self._frozen = False  # the collected items are out of the GC's passes
        # Registered while configuring (tryfirst), so it runs after every other plugin's
        # cleanup: pytest's own final garbage collection skips the frozen items too.
        config.add_cleanup(self._thaw)
        if settings.serve is not None:
            from pytest_llmbench.serve.group import ServerGroup

            log_dir = settings.cache_dir / "serve"
            self.server = ServerGroup.of(settings.serve, settings.serve_timeout, log_dir)
        config.addinivalue_line("markers", "llm_fail_under(rate): pass-rate gate of the suite")
        if not self.is_worker:
            from pytest_llmbench.results.collector import ResultsCollector

            self.collector = ResultsCollector()
            if settings.shard is not None and config.pluginmanager.hasplugin("xdist"):
                config.pluginmanager.register(_ShardRelay(self), "llmbench-shard-relay")

    def check_outputs(self) -> None:
        """Before any call: every place the run must write is writable, or one usage error
        names the option. The cache folder counts only when the user chose it: the default
        one, if unwritable, only costs the cache (``cache.py`` goes on without it)."""
        config, s = self.config, self.settings
        if self.is_worker or config.option.collectonly or getattr(config.option, "help", False):
            return
        from pytest_llmbench.writable import check_writable

        problems = []
        if s.results is not None:
            problems.append(check_writable("--llm-results", s.results))
        explicit_cache = config.option.llm_cache_dir or config.getini("llm_cache_dir")
        if explicit_cache and s.cache_mode in ("readwrite", "write") and s.models:
            problems.append(check_writable("--llm-cache-dir", s.cache_dir, folder=True))
        errors = [p for p in problems if p is not None]
        if errors:
            raise pytest.UsageError("\n".join(errors))

    # -- the parts, built on first use ------------------------------------------------------
    def registry(self) -> ScorerRegistry:
        if self._registry is None:
            from pytest_llmbench.scoring.registry import ScorerRegistry

            self._registry = ScorerRegistry()
            self.config.hook.pytest_llmbench_add_scorers(registry=self._registry)
        return self._registry

    @property
    def dispatcher(self) -> Dispatcher:
        if self._dispatcher is None:  # after pytest_configure: xdist may have swapped the server
            from pytest_llmbench.dispatch import Dispatcher

            self._dispatcher = Dispatcher(self.config, self.settings, self.server)
        return self._dispatcher

    def collect_context(self) -> CollectContext:
        if self._context is None:
            from pytest_llmbench.collect import CollectContext

            self._context = CollectContext(
                settings=self.settings,
                models=self.settings.model_specs() or (None,),
                registry=self.registry,
                register_tags=self._register_tags,
                wait_for=self._wait_for,
            )
        return self._context

    def _register_tags(self, tags: tuple[str, ...]) -> None:
        # Tags become markers (so -m works); registering them keeps --strict-markers happy.
        for tag in tags:
            if tag not in self._known_tags:
                self._known_tags.add(tag)
                self.config.addinivalue_line("markers", f"{tag}: llmbench scenario tag")

    def _wait_for(self, item: ScenarioItem) -> None:
        self.dispatcher.wait_for(item)

    def close(self) -> list[str]:
        notes = self._dispatcher.close() if self._dispatcher is not None else []
        if self.server is not None:
            # Here, not in the dispatcher: an xdist controller starts the server for its workers
            # without ever dispatching (a worker's handle on it does not stop it).
            self.server.stop()
        return notes

    # -- hooks of the run (registered as a plugin by plugin.py) -----------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        # tryfirst: the shard is chosen over the full collected set, before -k/-m deselect.
        if self.settings.shard is not None:
            from pytest_llmbench.shard_items import apply_shard

            self.shard = apply_shard(config, items, self.settings.shard, self.settings.repeat)
            if self.is_worker:  # the xdist controller collects nothing: it is told
                config.workeroutput["llmbench_shard"] = self.shard  # type: ignore[attr-defined]

    def take_worker_shard(self, record: ShardRecord | None) -> None:
        # Every worker collects the same items, so each computes the same record.
        if self.shard is None and record is not None:
            self.shard = record

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        # Collection errors interrupt the run before any item runs (unless the user asked to go
        # on): dispatching would only start calls to cancel them.
        if session.testsfailed and not session.config.option.continue_on_collection_errors:
            return
        self._freeze(session.items)
        if not self.is_worker and not self.config.option.collectonly:
            self._preflight(session.items)
        self.dispatcher.dispatch(session.items)
        self._freeze(session.items)

    def _freeze(self, items: list[pytest.Item]) -> None:
        """Keep the collected scenarios, and then the results of those the cache answered at
        once (``inline.py``), out of the garbage collector's passes: they live until their item
        has run anyway (then reference counting frees them), and with thousands of them every
        full pass re-walks them all (about a second of a 10,000-scenario cached re-run).
        Thawed at the very end (``_thaw``)."""
        from pytest_llmbench.collect import ScenarioItem

        if self._frozen or any(isinstance(i, ScenarioItem) for i in items):
            gc.freeze()
            self._frozen = True
            _freeze_at_exit()

    def _thaw(self) -> None:
        if self._frozen:  # an in-process run (pytester, an IDE) must not leave them frozen
            gc.unfreeze()
            self._frozen = False

    def _refuse(self, problems: list[str]) -> None:
        # Nothing ran: no results file is written (an earlier one at --llm-results is kept).
        self.collector = None
        raise pytest.UsageError(*problems, "llmbench: no model was called")

    def _custom_client(self) -> bool:
        return bool(self.config.hook.pytest_llmbench_make_client.get_hookimpls())

    def _preflight(self, items: list[pytest.Item]) -> None:
        """Before the first call, once per run: one usage error per problem (``preflight``)."""
        from pytest_llmbench.cache import ResponseCache
        from pytest_llmbench.collect import ScenarioItem
        from pytest_llmbench.preflight import check_run

        s = self.settings
        pairs = [
            (i.plan, i.model)
            for i in items
            if isinstance(i, ScenarioItem) and i.skip_reason is None and i.model is not None
        ]
        if not pairs and s.hf_repo is None:
            return
        cache = ResponseCache(s.cache_dir, s.cache_mode)
        problems = check_run(pairs, s, cache, self._custom_client())
        if problems:
            self._refuse(problems)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # tryfirst: the payload leaves user_properties before junitxml sees it. On the xdist
        # controller this also receives the workers' reports.
        if self.collector is not None:
            self.collector.take(report)

    def pytest_runtest_logfinish(self) -> None:
        session = self.session
        if session is not None and (session.shouldfail or session.shouldstop):
            self._cancel()  # -x / --maxfail: stop paying for calls nobody will wait for

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session
        # The xdist controller collects nothing: it checks before any worker starts (its
        # sessionstart is trylast), the workers do not check at all.
        controller = not self.is_worker and self.config.pluginmanager.has_plugin("dsession")
        if controller and self.settings.models and not self.config.option.collectonly:
            from pytest_llmbench.preflight import check_controller

            problems = check_controller(self.settings, self._custom_client())
            if problems:
                self._refuse(problems)

    def pytest_keyboard_interrupt(self) -> None:
        self._cancel()

    def _cancel(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.cancel()

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.collector is not None:
            # Before close(): cancelling the engine must not cost a result that is in already.
            self._take_unreported(session, self.collector)
        notes = self.close()
        if self.collector is None:
            return
        from pytest_llmbench.session_end import finish_session

        c = self.collector
        self.report = finish_session(
            session,
            self.settings,
            self.started,
            c.verdicts,
            c.rows,
            shard=self.shard,
            not_run=c.not_run,
        )
        self.report.notes[:0] = notes

    def _take_unreported(self, session: pytest.Session, collector: ResultsCollector) -> None:
        """Items pytest never reported (Ctrl-C, ``-x``): a row for each whose samples had all
        finished in the engine, whatever pytest had got to; the rest are listed as not run.
        (Under xdist the controller holds no items: the workers' reports are all there is.)"""
        from pytest_llmbench.collect import ScenarioItem
        from pytest_llmbench.results.rows import finished_outcome, item_payload

        reported = collector.reported()
        for item in getattr(session, "items", ()):
            if not isinstance(item, ScenarioItem) or item.nodeid in reported:
                continue
            future = item.future
            if item.skip_reason is not None:
                payload = item_payload(
                    item.nodeid,
                    item.scenario,
                    item.model,
                    None,
                    "skipped",
                    item.skip_reason,
                    session.config.rootpath,
                )
                collector.add(payload)
            elif future is not None and future.done() and not future.cancelled():
                if future.exception() is not None:
                    collector.not_run.append(self._not_run(item))
                    continue
                result = future.result()
                outcome = finished_outcome(result)
                collector.add(
                    item_payload(
                        item.nodeid,
                        item.scenario,
                        item.model,
                        result,
                        outcome,
                        None,
                        session.config.rootpath,
                    )
                )
            else:
                collector.not_run.append(self._not_run(item))

    @staticmethod
    def _not_run(item: ScenarioItem) -> NotRunRecord:
        from pytest_llmbench.results.records import NotRunRecord

        return NotRunRecord(
            nodeid=item.nodeid,
            suite=item.scenario.suite,
            scenario=item.scenario.id,
            model=item.model.name if item.model is not None else None,
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.report is not None:
            from pytest_llmbench.session_end import write_terminal_summary

            write_terminal_summary(self.config, self.settings, self.report)


class _ShardRelay:
    """On the xdist controller: the shard record a worker computed (registered only with
    xdist, whose hook this is)."""

    def __init__(self, run: BenchRun) -> None:
        self.run = run

    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", None) or {}
        self.run.take_worker_shard(output.get("llmbench_shard"))
