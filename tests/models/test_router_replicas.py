"""--llm-router with three local servers of different speeds (real HTTP on 127.0.0.1): every
deployment gets work, a failing one (always 500, or connection refused) is skipped after its
errors, and every scenario gets the verdict a single-server run gives. Both transports: the
OpenAI-compatible fast path and litellm's Router."""

from __future__ import annotations

import json
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import WARNINGS_AS_ERRORS
from tests.servers.openai_server import FakeOpenAIServer, Fault

N = 40
SECRET = "sk-router-test-secret-0123456789"


@pytest.fixture(scope="module", autouse=True)
def _litellm_router_loaded(litellm_imported: None) -> None:
    """litellm and its Router imported in the outer process, before any in-process run (see
    ``litellm_imported``): the Router loads modules of its own on first use."""
    from pytest_llmbench.client.deployments import Deployment, RouteGroup
    from pytest_llmbench.client.litellm_client import LiteLLMRouterClient

    d = Deployment("warm", 0, "openai/warm", "http://127.0.0.1:9/v1")
    LiteLLMRouterClient((RouteGroup("warm", (d,), "-"),))


@pytest.fixture
def servers() -> Iterator[list[FakeOpenAIServer]]:
    with FakeOpenAIServer() as a, FakeOpenAIServer() as b, FakeOpenAIServer() as c:
        for server, latency in ((a, 0.01), (b, 0.04), (c, 0.12)):
            server.latency = latency
        yield [a, b, c]


def refused_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens there any more


def write_router(path: Path, bases: list[str], model: str = "openai/fake-model") -> Path:
    lines = ["model_list:"]
    for base in bases:
        lines += [
            "  - model_name: replicas",
            "    litellm_params:",
            f"      model: {model}",
            f"      api_base: {base}",
            "      api_key: os.environ/ROUTER_TEST_KEY",
            "      rpm: 100000",
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_suite(pytester: pytest.Pytester) -> None:
    lines = ["suite: spread", "scenarios:"]
    for i in range(N):
        # Even scenarios pass (the echo contains the word), odd ones fail: verdicts must match.
        word = f"q{i}" if i % 2 == 0 else "never-said"
        lines += [f"  - id: s{i}", f"    user: q{i}", f"    expect: [{{contains: {word}}}]"]
    (pytester.path / "spread.llmbench.yaml").write_text("\n".join(lines) + "\n")


def verdicts(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text())
    return {v["scenario"]: v["outcome"] for v in data["scenarios"]}


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        *WARNINGS_AS_ERRORS, "-p", "no:cacheprovider", "--llm-cache=off", *args
    )


@pytest.fixture
def single_server_verdicts(
    pytester: pytest.Pytester, servers: list[FakeOpenAIServer]
) -> dict[str, str]:
    write_suite(pytester)
    result = run(
        pytester,
        "--llm-model=openai/fake-model",
        f"--llm-api-base={servers[0].base_url}",
        "--llm-results=single.json",
    )
    result.assert_outcomes(passed=N // 2, failed=N // 2)
    for s in servers:
        s.reset()
    return verdicts(pytester.path / "single.json")


@pytest.mark.parametrize("transport", ["auto", "litellm"])
def test_every_deployment_gets_work_and_verdicts_match_a_single_server(
    pytester: pytest.Pytester,
    servers: list[FakeOpenAIServer],
    single_server_verdicts: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    transport: str,
) -> None:
    for s, latency in zip(servers, (0.01, 0.04, 0.12), strict=True):
        s.latency = latency
    monkeypatch.setenv("ROUTER_TEST_KEY", SECRET)
    router = write_router(pytester.path / "router.yaml", [s.base_url for s in servers])
    result = run(
        pytester,
        f"--llm-router={router}",
        "--llm-model=replicas",
        f"--llm-transport={transport}",
        "--llm-concurrency=4",
        "--llm-results=routed.json",
        "-rA",
    )
    result.assert_outcomes(passed=N // 2, failed=N // 2)
    assert verdicts(pytester.path / "routed.json") == single_server_verdicts
    counts = [len(s.requests) for s in servers]
    assert all(counts), counts  # every deployment got work
    assert sum(counts) == N
    assert counts[0] > counts[2]  # the fastest took more than the slowest
    for s in servers:  # the key from the environment reached every server
        assert all(h.get("authorization") == f"Bearer {SECRET}" for h in s.request_headers)
    text = (pytester.path / "routed.json").read_text()
    assert SECRET not in text and "ROUTER_TEST_KEY" not in text
    assert SECRET not in result.stdout.str()
    result.stdout.fnmatch_lines(["llmbench: router replicas: #1 * call(s); #2 *; #3 *"])


@pytest.mark.parametrize("failure", ["always-500", "connection-refused"])
@pytest.mark.parametrize("transport", ["auto", "litellm"])
def test_a_failing_deployment_is_skipped_and_nothing_is_lost(
    pytester: pytest.Pytester,
    servers: list[FakeOpenAIServer],
    single_server_verdicts: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    failure: str,
    transport: str,
) -> None:
    monkeypatch.setenv("ROUTER_TEST_KEY", SECRET)
    bases = [s.base_url for s in servers]
    if failure == "always-500":
        servers[1].script(lambda body: Fault.status(500))
    else:
        bases[1] = refused_url()
    router = write_router(pytester.path / "router.yaml", bases)
    result = run(
        pytester,
        f"--llm-router={router}",
        f"--llm-transport={transport}",  # no --llm-model: every group of the config
        "--llm-concurrency=4",
        "--llm-results=routed.json",
    )
    result.assert_outcomes(passed=N // 2, failed=N // 2)  # no errors: nothing lost
    assert verdicts(pytester.path / "routed.json") == single_server_verdicts
    if failure == "always-500":
        # Skipped after its errors: a few probes, not a share of the N calls.
        assert 1 <= len(servers[1].requests) <= 6
    assert len(servers[0].requests) + len(servers[2].requests) == N
    result.stdout.fnmatch_lines(
        ["llmbench: router replicas: *#2 0 call(s), * failed (cooled down)*"]
    )


def test_a_bad_router_config_is_a_usage_error_naming_file_and_line(
    pytester: pytest.Pytester,
) -> None:
    write_suite(pytester)
    router = pytester.path / "router.yaml"
    router.write_text(
        textwrap.dedent(
            """\
            model_list:
              - model_name: replicas
                litellm_params:
                  model: openai/fake-model
                  api_key: sk-literal-key-in-a-file
            """
        )
    )
    result = run(pytester, f"--llm-router={router}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*--llm-router: *router.yaml:4: replicas: api_key must be an environment "
            "reference os.environ/NAME*"
        ]
    )
    assert "sk-literal-key-in-a-file" not in result.stderr.str()


def test_a_model_name_not_in_the_router_is_refused(pytester: pytest.Pytester) -> None:
    write_suite(pytester)
    router = write_router(pytester.path / "router.yaml", ["http://127.0.0.1:9/v1"])
    result = run(pytester, f"--llm-router={router}", "--llm-model=other")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--llm-model: expected a litellm model*nor a model_name of*"])


def test_preflight_refuses_a_missing_key_variable_before_any_call(
    pytester: pytest.Pytester, servers: list[FakeOpenAIServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester)
    monkeypatch.delenv("ROUTER_TEST_KEY", raising=False)
    router = write_router(pytester.path / "router.yaml", [s.base_url for s in servers])
    result = run(pytester, f"--llm-router={router}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*replicas #1 *api_key os.environ/ROUTER_TEST_KEY is not set*"])
    assert not any(s.requests for s in servers)


def test_preflight_refuses_a_group_of_which_no_deployment_is_reachable(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester)
    monkeypatch.setenv("ROUTER_TEST_KEY", SECRET)
    router = write_router(pytester.path / "router.yaml", [refused_url(), refused_url()])
    result = run(pytester, f"--llm-router={router}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--llm-model=replicas: no deployment of it is reachable*"])
