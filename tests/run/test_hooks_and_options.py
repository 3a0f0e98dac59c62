"""Our hookspecs (each implemented by a conftest) and the command-line interface."""

from __future__ import annotations

import json

import pytest

SUITE = (
    "suite: demo\n"
    "scenarios:\n"
    "  - id: custom\n"
    "    user: hi\n"
    "    expect: [{mine/shouts: 3}]\n"
    "    reference: {pass: [HEY!!!], fail: [hey]}\n"
)

CONFTEST = """
from pytest_llmbench import Score, scorer


@scorer("mine/shouts")
def shouts(n):
    def score(ctx):
        ok = ctx.reply.isupper() and ctx.reply.count("!") >= n
        return Score(ok, f"{ctx.reply.count('!')} exclamation marks, upper={ctx.reply.isupper()}")
    return score


def pytest_llmbench_add_scorers(registry):
    registry.add(shouts)
"""


def test_conftest_adds_a_scorer(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    (pytester.path / "d.llmbench.yaml").write_text(SUITE)
    pytester.runpytest("--llm-model=llmbench/reference").assert_outcomes(passed=1)
    pytester.runpytest("--llm-model=llmbench/violate").assert_outcomes(failed=1)


def test_unknown_namespaced_scorer_suggests_the_registered_one(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    (pytester.path / "d.llmbench.yaml").write_text(SUITE.replace("mine/shouts", "mine/shout"))
    result = pytester.runpytest("--llm-model=llmbench/reference")
    result.stdout.fnmatch_lines(
        [
            "d.llmbench.yaml:5: scenario 'custom': unknown scorer 'mine/shout'"
            " (did you mean 'mine/shouts'?)"
        ]
    )


def test_make_client_hook_replaces_the_model_client(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        CONFTEST
        + """
from pytest_llmbench.client.base import ChatResponse


class Scripted:
    async def complete(self, request, timeout):
        return ChatResponse(content="HELLO!!! " + request.model.name.upper())

    async def aclose(self):
        print("client closed")


def pytest_llmbench_make_client(settings):
    return Scripted()
"""
    )
    (pytester.path / "d.llmbench.yaml").write_text(SUITE)
    result = pytester.runpytest("--llm-model=custom/model", "-s", "--llm-cache=off")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*client closed*"])


def test_scenario_done_and_results_ready_hooks(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        CONFTEST
        + """
def pytest_llmbench_scenario_done(item, result):
    print(f"DONE {item.scenario.id} passed={result.passed} samples={len(result.samples)}")


def pytest_llmbench_results_ready(config, results):
    results["run"]["ci_job"] = "nightly-42"
"""
    )
    (pytester.path / "d.llmbench.yaml").write_text(SUITE)
    result = pytester.runpytest("--llm-model=llmbench/reference", "-s", "--llm-results=r.json")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*DONE custom passed=True samples=1*"])
    assert json.loads((pytester.path / "r.json").read_text())["run"]["ci_job"] == "nightly-42"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--llm-concurrency=0"], "*--llm-concurrency: expected a positive integer, got '0'*"),
        (["--llm-temperature=3"], "*--llm-temperature: expected a number in [[]0, 2], got '3'*"),
        (["--llm-model=gpt-4o"], "*--llm-model: expected a litellm model 'provider/name'*"),
        (["--llm-api-base=localhost:8000"], "*--llm-api-base: expected an http(s) URL*"),
        (
            ["--llm-cache=sometimes"],
            "*--llm-cache: expected one of readwrite, read, write, off, replay*",
        ),
        (["--llm-scoring=lenient"], "*--llm-scoring: expected one of official, strict*"),
        (["--llm-repeat=two"], "*--llm-repeat: expected a positive integer, got 'two'*"),
        (["--llm-timeout=-1"], "*--llm-timeout: expected a positive number, got '-1'*"),
        (["--llm-model=a/b", "--llm-model=a/b"], "*--llm-model: the same model is given twice*"),
    ],
)
def test_bad_options_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stderr.str()


def test_bad_ini_value_names_the_ini_key(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nllm_concurrency = lots\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*ini option llm_concurrency = 'lots': expected a positive integer*"]
    )


def test_help_lists_every_option(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "pytest-llmbench: LLM scenario suites:",
            "  --llm-model=MODEL*",
            "  --llm-api-base=URL*",
            "  --llm-suite=NAME*",
            "  --llm-concurrency=N*",
            "  --llm-rpm=N*",
            "  --llm-timeout=SECONDS*",
            "  --llm-retries=N*",
            "  --llm-temperature=T*",
            "  --llm-max-tokens=N*",
            "  --llm-seed=N*",
            "  --llm-repeat=N*",
            "  --llm-cache=MODE*",
            "  --llm-cache-dir=DIR*",
            "  --llm-scoring=MODE*",
            "  --llm-results=PATH*",
            "  --llm-progress=WHEN*",
        ]
    )
    result.stdout.fnmatch_lines(["  llm_model (args):*", "  llm_suite_globs (linelist):*"])


def test_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    (pytester.path / "d.llmbench.yaml").write_text(SUITE)
    result = pytester.runpytest("-p", "no:llmbench", "--co")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert "llmbench:" not in result.stdout.str()
