"""The pytest11 entry point: thin hook implementations delegating to the modules that own each
concern. Imports only pytest, the standard library and light modules of this package; litellm,
rich, jsonschema and huggingface_hub load only when a run needs them."""

from __future__ import annotations

import sys
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_llmbench import envdefaults
from pytest_llmbench.benchrun import RUN_KEY, BenchRun
from pytest_llmbench.options import add_options, settings_from_config

if TYPE_CHECKING:
    from pytest_llmbench.scenario_result import ScenarioResult


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from pytest_llmbench import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    envdefaults.apply()
    config.addinivalue_line("markers", "llmbench: a pytest-llmbench scenario")
    settings = settings_from_config(config)
    from pytest_llmbench import redact

    for url in (settings.api_base, settings.judge_api_base, settings.hf_endpoint):
        redact.register_url(url)
    if settings.models:  # log records of a run calling models may quote a URL or a header
        config.add_cleanup(redact.scrub_logs())
    run = BenchRun(config, settings)
    run.check_outputs()
    config.stash[RUN_KEY] = run
    config.pluginmanager.register(run, "llmbench-run")
    if settings.starts_server and config.pluginmanager.hasplugin("xdist"):
        from pytest_llmbench.serve import xdist

        run.server = xdist.setup(config, run.server, settings.model_specs())
    if settings.suites:
        from pytest_llmbench.packaged import suite_paths

        paths = [str(p) for p in suite_paths(settings.suites)]
        if config.args_source == pytest.Config.ArgsSource.ARGS:
            config.args.extend(paths)
        else:  # testpaths or the current folder: the named suites replace them
            config.args[:] = paths


def pytest_report_header(config: pytest.Config) -> str | None:
    run = config.stash.get(RUN_KEY, None)
    if run is None:
        return None
    s = run.settings
    models = ", ".join(s.models) or "none (suite items will be skipped)"
    judge = f"; judge {s.judge_model}" if s.judge_model else ""
    return f"llmbench: model {models}; cache {s.cache_mode}; scoring {s.scoring}{judge}"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    run = parent.config.stash.get(RUN_KEY, None)
    globs = run.settings.suite_globs if run is not None else ()
    # Most files are test modules: a run without suites should not even load the collector.
    if not globs and ".llmbench." not in file_path.name:
        return None
    from pytest_llmbench.collect import SuiteFile, is_suite_file

    if run is not None and is_suite_file(file_path, globs):
        return SuiteFile.from_parent(parent, path=file_path, context=run.collect_context())
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    # Suite items exist only once the collector module is loaded.
    collect = sys.modules.get("pytest_llmbench.collect")
    _scrub(report, ours=collect is not None and isinstance(item, collect.ScenarioItem))
    if collect is not None and isinstance(item, collect.ScenarioItem):
        from pytest_llmbench.results.rows import PAYLOAD_KEY, item_payload

        _scenario_duration(report, item.result)
        final = report.when == "call" or (report.when == "setup" and not report.passed)
        if final:
            outcome = "error" if report.when == "setup" and report.failed else report.outcome
            payload = item_payload(
                item.nodeid,
                item.scenario,
                item.model,
                item.result,
                outcome,
                item.skip_reason,
                item.config.rootpath,
            )
            report.user_properties.append((PAYLOAD_KEY, payload))
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    if report.failed:
        collect = sys.modules.get("pytest_llmbench.collect")
        _scrub(report, ours=collect is not None and isinstance(collector, collect.SuiteFile))
    return report


def _scrub(report: pytest.TestReport | pytest.CollectReport, *, ours: bool) -> None:
    """Every report, of any exception type, reaches the terminal, ``-rA``, JUnit XML and the
    xdist controller with the environment's secrets replaced. A report of ours (a suite item,
    a suite file) is scrubbed of credential-shaped text too (URL userinfo, ``?api_key=``,
    ``Bearer …``) and, as it quotes server and model text, has its control characters escaped;
    the project's own tests keep their URLs and escape codes as they wrote them."""
    if report.longrepr is None and not report.sections:
        return  # a passing test: nothing to scrub, and most reports are that
    from pytest_llmbench.redact import scrub_report

    extra = None
    if ours:
        from pytest_llmbench.report.safe import plain

        extra = plain
    scrub_report(report, patterns=ours, extra=extra)


def _scenario_duration(report: pytest.TestReport, result: ScenarioResult | None) -> None:
    """Every scenario is dispatched at once, so the first item's setup waits for the engine
    as a whole and the others find their result ready: the measured durations (junit's
    ``time``, ``--durations``) were all on one item. Each item reports its own scenario's
    model-call time instead, on the phase that ends it."""
    if report.when == "setup" and report.passed:
        report.duration = 0.0  # the wait for the engine: the call phase gets the time
    elif report.when in ("setup", "call") and result is not None:
        report.duration = result.model_seconds


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(config: pytest.Config) -> Generator[None, None, None]:
    # The terminal reporter's own wrapper prints the short test summary after the inner
    # implementations (where the long table is written); tryfirst makes this wrapper the
    # outer one, so the recap comes after it, right before the final "N passed" line.
    tr = config.pluginmanager.get_plugin("terminalreporter")
    if tr is not None:
        _scrub_warnings(tr.stats.get("warnings", []))
    result = yield
    run = config.stash.get(RUN_KEY, None)
    if run is not None and run.report is not None:
        from pytest_llmbench.session_end import write_recap

        write_recap(config, run.settings, run.report)
    return result


def _scrub_warnings(warnings: list[Any]) -> None:
    """pytest's "warnings summary" quotes each warning's message (a dependency's, a test's):
    the environment's secrets are replaced there too, before the summary is printed (this
    wrapper is outside the terminal reporter's, which prints it). Exact values only: the
    messages are not ours, so their URLs are left as written."""
    if not warnings:
        return
    from pytest_llmbench.redact import redact, secret_values

    secrets = secret_values()
    for report in warnings:
        message = getattr(report, "message", None)
        if isinstance(message, str):
            report.message = redact(message, secrets)


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(RUN_KEY, None)
    if run is not None:
        run.close()
        config.pluginmanager.unregister(run)
