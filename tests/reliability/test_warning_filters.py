"""A project with ``filterwarnings = ["error"]`` (this project's own among them) runs the
shipped suites through litellm with no error (issue 19, finding 12).

litellm was imported and warmed up in the engine's thread, under ``warnings.catch_warnings``,
while pytest's main thread entered and left each test's own ``catch_warnings``: the process has
one filter list, so pydantic's ``ReadOnly`` warnings met the project's "error" filter now and
then and became exceptions inside schema building. Quick plain tests run first here, so the
main thread switches tests many times while litellm loads: before the fix, every run had
errors.
"""

from __future__ import annotations

import pytest

from tests.servers.openai_server import FakeOpenAIServer

PROJECT = """
[pytest]
filterwarnings =
    error
"""
QUICK_TESTS = """
import time

import pytest


@pytest.mark.parametrize("i", range(400))
def test_quick(i):
    time.sleep(0.01)
"""
SUITES = ("examples", "toolbh")


def _run(pytester: pytest.Pytester, server: FakeOpenAIServer, run: int) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "test_quick.py",
        "-p",
        "no:cacheprovider",
        "--llm-model=hosted_vllm/fake",
        f"--llm-api-base={server.base_url}",
        "--llm-transport=litellm",
        f"--llm-cache-dir={pytester.path / f'cache{run}'}",  # every run calls the server
        "--llm-progress=off",
        "--llm-retries=0",
        *(f"--llm-suite={s}" for s in SUITES),
        "-q",
        timeout=600,
    )


def _check(result: pytest.RunResult) -> None:
    outcomes = result.parseoutcomes()
    assert outcomes.get("errors", 0) == 0, result.stdout.str()[-5000:]
    assert outcomes.get("passed", 0) >= 400  # the quick tests, and suite items
    assert "warning" not in outcomes and "warnings" not in outcomes, outcomes


def test_filterwarnings_error_runs_the_shipped_suites_through_litellm(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    pytester.makeini(PROJECT)
    pytester.makepyfile(test_quick=QUICK_TESTS)
    fake_server.script(lambda body: "ok")
    _check(_run(pytester, fake_server, 0))


@pytest.mark.slow
def test_filterwarnings_error_ten_runs(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    pytester.makeini(PROJECT)
    pytester.makepyfile(test_quick=QUICK_TESTS)
    fake_server.script(lambda body: "ok")
    for run in range(10):
        _check(_run(pytester, fake_server, run))
