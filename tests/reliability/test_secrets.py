"""A planted API key never appears in any output: terminal, results, JUnit XML, cache files.

The fake server echoes the Authorization header it received into every reply, and the
scenarios' prompts mention the key too (as a user pasting it would), so a leak anywhere on the
way (transcripts, failure reports, cached responses) would show up.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.reliability.helpers import all_outputs, leaks
from tests.servers.openai_server import FakeOpenAIServer, Fault, last_user_text

KEY = "sk-planted-0123456789abcdefSECRET"
HF = "hf_plantedTOKEN0123456789abcdef"


@pytest.mark.slow
def test_planted_keys_appear_in_no_output(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("HF_TOKEN", HF)

    def echo_auth(body: dict[str, Any]) -> str:
        auth = fake_server.request_headers[-1].get("authorization", "")  # concurrency 1
        return f"auth was {auth}; you said {last_user_text(body)}"

    fake_server.script(echo_auth)
    lines = ["suite: secrets", "scenarios:"]
    for i, user in enumerate([f"my key is {KEY}", f"token {HF}", "plain question"]):
        lines += [f"  - id: s{i}", f"    user: '{user}'", "    expect:", "      - contains: ZZZ"]
    (pytester.path / "secrets.llmbench.yaml").write_text("\n".join(lines) + "\n")
    results, junit = pytester.path / "run.json", pytester.path / "junit.xml"
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--llm-model=openai/fake",
        f"--llm-api-base={fake_server.base_url}",
        f"--llm-cache-dir={pytester.path / 'cache'}",
        "--llm-concurrency=1",
        "--llm-progress=off",
        f"--llm-results={results}",
        f"--junitxml={junit}",
        "-rA",
        "-vv",
        timeout=300,
    )
    result.assert_outcomes(failed=3)
    # The key did reach the server: the test would prove nothing otherwise.
    assert any(KEY in h.get("authorization", "") for h in fake_server.request_headers)

    outputs = {"stdout": result.stdout.str(), "stderr": result.stderr.str()}
    for path in pytester.path.rglob("*"):
        if path.is_file() and not path.name.endswith(".yaml"):
            outputs[str(path.relative_to(pytester.path))] = path.read_text(errors="replace")
    assert results.name in outputs and junit.name in outputs
    assert any(name.startswith("cache") for name in outputs)
    leaks = [name for name, text in outputs.items() if KEY in text or HF in text]
    assert not leaks, leaks


# -- issue 19, findings 1 and 2: every exception type, URL credentials, broken keys ---------

PASSWORD = "pa55-word-IN-URL"
QUERY_KEY = "query-key-0123456789"
SUITE = "suite: s\nscenarios:\n  - id: a\n    user: hi\n    expect:\n      - contains: ok\n"


def _run(pytester: pytest.Pytester, api_base: str, *args: str) -> pytest.RunResult:
    (pytester.path / "s.llmbench.yaml").write_text(SUITE)
    return pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--llm-model=openai/fake",
        f"--llm-api-base={api_base}",
        f"--llm-cache-dir={pytester.path / 'cache'}",
        "--llm-progress=off",
        "--llm-retries=0",
        f"--llm-results={pytester.path / 'run.json'}",
        f"--junitxml={pytester.path / 'junit.xml'}",
        f"--log-file={pytester.path / 'run.log'}",
        "--log-file-level=DEBUG",
        "-rA",
        *args,
        timeout=300,
    )


# A transport failing in a way nobody mapped to our errors, logging what it was sending: the
# traceback shows the frame's arguments (the headers, the key in them), --showlocals its locals.
UNEXPECTED_FAILURE = """
import logging

from pytest_llmbench.client import openai_compat


async def send(self, url, body, headers, timeout):
    logging.getLogger("transport").warning("sending to %s with %s", url, headers)
    raise RuntimeError(f"unexpected failure of the transport (headers {headers})")


openai_compat.AiohttpSender.send = send
"""


def test_a_traceback_of_any_exception_type_shows_no_key(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    pytester.makeconftest(UNEXPECTED_FAILURE)
    result = _run(pytester, fake_server.base_url, "--showlocals", "--tb=long")
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    # The traceback and the log line are there, with the key blanked out of them.
    assert "RuntimeError: unexpected failure of the transport" in out
    assert "'Authorization': '***'" in out
    outputs = all_outputs(pytester, result)
    assert "sending to" in outputs["run.log"]
    assert {"junit.xml", "run.json", "run.log"} <= set(outputs)
    assert not leaks(outputs, KEY)


def test_a_key_with_a_trailing_carriage_return_is_sent_stripped(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY + "\r\n")
    fake_server.script(lambda body: "ok")
    result = _run(pytester, fake_server.base_url)
    result.assert_outcomes(passed=1)
    assert [h.get("authorization") for h in fake_server.request_headers] == [f"Bearer {KEY}"]
    assert not leaks(all_outputs(pytester, result), KEY)


def test_a_key_broken_inside_is_a_usage_error(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY[:10] + "\r" + KEY[10:])
    result = _run(pytester, fake_server.base_url)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "OPENAI_API_KEY contains a space or control character" in result.stderr.str()
    assert "Traceback" not in result.stderr.str() + result.stdout.str()
    assert fake_server.requests == []
    assert not leaks(all_outputs(pytester, result), KEY[:10], KEY[10:])


def test_credentials_in_the_api_base_and_a_key_are_a_usage_error(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    base = fake_server.base_url.replace("http://", f"http://user:{PASSWORD}@")
    result = _run(pytester, base)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "--llm-api-base=http://***@127.0.0.1" in err
    assert "OPENAI_API_KEY is set too" in err
    assert "Traceback" not in err + result.stdout.str()
    assert fake_server.requests == []
    assert not leaks(all_outputs(pytester, result), KEY, PASSWORD)


def test_credentials_in_the_api_base_on_litellm_routes_are_a_usage_error(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    base = fake_server.base_url.replace("http://", f"http://user:{PASSWORD}@")
    result = _run(pytester, base, "--llm-transport=litellm")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "which only the direct path sends" in result.stderr.str()
    assert not leaks(all_outputs(pytester, result), PASSWORD)


@pytest.mark.parametrize("transport", ["auto", "litellm"])
def test_credentials_in_the_api_base_reach_no_output(
    pytester: pytest.Pytester,
    fake_server: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    transport: str,
) -> None:
    """The server gets them; the terminal, JUnit XML, the results file (``run.api_base``,
    ``run.command``), the cache and the log do not, whether a scenario fails or errors with a
    message naming the URL. (litellm cannot send URL userinfo, nor keep a query in the URL:
    there the key is in the query only, and every call errors.)"""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    fake_server.script(lambda body: "nope")
    fake_server.inject(Fault.timeout(3.0), Fault.timeout(3.0))
    base = fake_server.base_url
    if transport == "auto":
        base = base.replace("http://", f"http://user:{PASSWORD}@")
    lines = ["suite: s", "scenarios:"]
    for i in range(2):
        lines += [f"  - id: s{i}", f"    user: q{i}", "    expect:", "      - contains: ok"]
    (pytester.path / "two.llmbench.yaml").write_text("\n".join(lines) + "\n")
    result = _run(
        pytester,
        f"{base}?api_key={QUERY_KEY}",
        f"--llm-transport={transport}",
        "--llm-timeout=1",
        "--llm-concurrency=1",
        # Recorded in full (the default keeps only "local"), so the scrubbing of what is
        # recorded is what this checks.
        "--llm-record-endpoint",
        "-vv",
    )
    outcomes = result.parseoutcomes()
    if transport == "auto":
        assert outcomes.get("failed") == 1 and outcomes.get("errors") == 2, outcomes
        assert "no reply from http://***@127.0.0.1" in result.stdout.str()
        # the direct path sends the userinfo as Basic credentials, the query as it is
        auth = fake_server.request_headers[-1].get("authorization", "")
        assert base64.b64decode(auth.split()[1]).decode() == f"user:{PASSWORD}"
    else:
        assert outcomes.get("errors") == 3, outcomes
    outputs = all_outputs(pytester, result)
    run = json.loads(outputs["run.json"])["run"]
    assert run["api_base"].endswith("?api_key=***")
    assert any(f"--llm-api-base={run['api_base']}" == arg for arg in run["command"])
    assert not leaks(outputs, PASSWORD, QUERY_KEY)


def test_the_warnings_summary_shows_no_key(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warning quoting a secret (a dependency's message naming the key it was given) is
    printed by pytest's own "warnings summary": the key is replaced there too."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    pytester.makepyfile(
        test_warns="""
        import os
        import warnings

        def test_warns():
            warnings.warn(f"client built with api_key={os.environ['OPENAI_API_KEY']}")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    out = result.stdout.str()
    assert "warnings summary" in out and "client built with api_key=" in out
    assert KEY not in out + result.stderr.str()
