"""The pytest11 entry point: thin hook implementations delegating to the modules that own each
concern. Imports only pytest, the standard library and light modules of this package; litellm,
rich, jsonschema and huggingface_hub load only when a run needs them."""

from __future__ import annotations

import sys
from collections.abc import Generator
from pathlib import Path

import pytest

from pytest_llmbench import envdefaults
from pytest_llmbench.benchrun import RUN_KEY, BenchRun
from pytest_llmbench.options import add_options, settings_from_config


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
    if collect is not None and isinstance(item, collect.ScenarioItem):
        from pytest_llmbench.results.rows import PAYLOAD_KEY, item_payload

        final = report.when == "call" or (report.when == "setup" and not report.passed)
        if final:
            outcome = "error" if report.when == "setup" and report.failed else report.outcome
            payload = item_payload(
                item.nodeid, item.scenario, item.model, item.result, outcome, item.skip_reason
            )
            report.user_properties.append((PAYLOAD_KEY, payload))
    return report


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(RUN_KEY, None)
    if run is not None:
        run.close()
        config.pluginmanager.unregister(run)
