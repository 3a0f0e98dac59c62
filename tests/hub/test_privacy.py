"""Nothing about the machine goes to the Hub by default: no absolute path (suite files, the
interpreter, arguments), no endpoint (the API base is recorded as local / remote only)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pytest_llmbench.packaged import suites_root
from pytest_llmbench.results.privacy import (
    host_class,
    portable_path,
    scrub_paths,
    typed_command,
)
from pytest_llmbench.schema import validator
from tests.conftest import WARNINGS_AS_ERRORS
from tests.hub.conftest import hub_files_text
from tests.servers.hub_server import FakeHubServer
from tests.servers.openai_server import FakeOpenAIServer

REPO = "org/private-by-default"
SUITE = """\
suite: echo
scenarios:
  - id: hello
    user: hello there
    expect: [{contains: hello}]
  - id: bye
    user: bye
    expect: [{contains: nothing-like-this}]
"""


def run(
    pytester: pytest.Pytester, server: FakeOpenAIServer, *extra: str
) -> tuple[pytest.RunResult, Path]:
    suite = pytester.path / "suites" / "echo.llmbench.yaml"
    suite.parent.mkdir(exist_ok=True)
    suite.write_text(SUITE, encoding="utf-8")
    out = pytester.path / "out" / "results.json"
    result = pytester.runpytest(
        *WARNINGS_AS_ERRORS,
        "--llm-model=openai/fake-model",
        f"--llm-api-base={server.base_url}",
        f"--llm-judge-api-base={server.base_url}",
        "--llm-cache=off",
        f"--llm-results={out}",  # absolute, as a CI script may write it
        "--llm-hf-repo",
        REPO,
        *extra,
        str(suite),  # an absolute path typed on the command line
    )
    result.assert_outcomes(passed=1, failed=1)
    return result, out


def test_no_absolute_path_or_endpoint_in_any_uploaded_file(
    pytester: pytest.Pytester, hub: FakeHubServer, fake_server: FakeOpenAIServer
) -> None:
    _, out = run(pytester, fake_server)
    text = hub_files_text(hub, REPO)
    assert len(hub.files(REPO)) >= 4  # results.json, results.jsonl, latest/, README.md
    host = fake_server.base_url.split("//", 1)[1].split("/", 1)[0]  # 127.0.0.1:PORT
    for leak in (str(pytester.path), str(Path.home()), sys.executable, host, "/tmp/"):
        assert leak not in text, leak
    validator("results").validate(json.loads(out.read_text(encoding="utf-8")))
    run_info = json.loads(out.read_text(encoding="utf-8"))["run"]
    assert run_info["api_base"] == "local"
    assert run_info["params"]["judge_api_base"] == "local"
    assert run_info["command"][0] == "pytest"
    assert "suites/echo.llmbench.yaml" in run_info["command"]
    assert "--llm-results=out/results.json" in run_info["command"]
    assert "--llm-api-base=<local>" in run_info["command"]
    rows = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert {r["file"] for r in rows} == {"suites/echo.llmbench.yaml"}


def test_record_endpoint_keeps_the_url(
    pytester: pytest.Pytester, hub: FakeHubServer, fake_server: FakeOpenAIServer
) -> None:
    _, out = run(pytester, fake_server, "--llm-record-endpoint")
    assert json.loads(out.read_text(encoding="utf-8"))["run"]["api_base"] == fake_server.base_url
    assert fake_server.base_url in hub_files_text(hub, REPO)


def test_record_endpoint_ini(
    pytester: pytest.Pytester, hub: FakeHubServer, fake_server: FakeOpenAIServer
) -> None:
    pytester.makeini("[pytest]\nllm_record_endpoint = true\n")
    _, out = run(pytester, fake_server)
    assert json.loads(out.read_text(encoding="utf-8"))["run"]["api_base"] == fake_server.base_url


def test_paths_in_free_text_are_made_relative(
    pytester: pytest.Pytester, hub: FakeHubServer
) -> None:
    pytester.makeconftest(
        """
import os
from pytest_llmbench.errors import InfrastructureError

class Broken:
    async def complete(self, request, timeout):
        raise InfrastructureError(f"see {os.getcwd()}/logs/server.log")

    async def aclose(self):
        pass

def pytest_llmbench_make_client(settings):
    return Broken()
"""
    )
    (pytester.path / "echo.llmbench.yaml").write_text(SUITE, encoding="utf-8")
    result = pytester.runpytest(
        "--llm-model=custom/m", "--llm-retries=0", "--llm-results=r.json", "--llm-hf-repo", REPO
    )
    result.assert_outcomes(errors=2)
    rows = json.loads((pytester.path / "r.json").read_text(encoding="utf-8"))["results"]
    assert {r["error"] for r in rows} == {"see logs/server.log"}
    assert str(pytester.path) not in hub_files_text(hub, REPO)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8080/v1", "local"),
        ("http://localhost/v1", "local"),
        ("http://[::1]:9000", "local"),
        ("http://127.3.4.5", "local"),
        ("https://llm.internal.corp/v1", "remote"),
        ("http://10.0.0.7:8000/v1", "remote"),
        ("https://api.openai.com/v1", "remote"),
        ("http://localhost.evil.com", "remote"),
    ],
)
def test_host_class(url: str, expected: str) -> None:
    assert host_class(url) == expected


def test_portable_paths(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    assert portable_path(root / "s" / "a.yaml", root) == "s/a.yaml"
    assert portable_path("rel/a.yaml", root) == "rel/a.yaml"
    assert portable_path(Path.home() / "x" / "a.yaml", root) == "~/x/a.yaml"
    assert portable_path("/opt/x/suites/b.yaml", root) == "b.yaml"
    shipped = suites_root() / "rules" / "b.yaml"
    assert portable_path(shipped, root) == "pytest_llmbench/suites/rules/b.yaml"
    installed = "/v/lib/python3.11/site-packages/pytest_llmbench/suites/rules/b.yaml"
    assert portable_path(installed, root) == "pytest_llmbench/suites/rules/b.yaml"
    cmd = typed_command([f"{root}/t.yaml::s[m]", f"--basetemp={tmp_path}/bt", "-k", "x"], root)
    assert cmd == ["pytest", "t.yaml::s[m]", "--basetemp=bt", "-k", "x"]
    args = ["--llm-hf-endpoint", "https://hub.corp", f"--llm-serve=llamacpp:{root}/m.gguf,ctx=8"]
    assert typed_command(args, root) == [
        "pytest",
        "--llm-hf-endpoint",
        "<remote>",
        "--llm-serve=llamacpp:m.gguf,ctx=8",
    ]
    assert typed_command(args, root, record_endpoint=True)[2] == "https://hub.corp"
    text = f'"{root}/a.yaml", "{Path.home()}/x", "/usr/bin", "{root}x"'
    assert scrub_paths(text, root) == f'"a.yaml", "~/x", "/usr/bin", "{root}x"'
    assert scrub_paths("/a/b", "/") == "/a/b"
