"""The Hub upload target is checked before the first call (#19 item 7): a token the Hub
rejects, or a Hub that cannot be reached, is one usage error and no scenario runs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import WARNINGS_AS_ERRORS
from tests.hub.conftest import TOKEN
from tests.models.test_preflight import closed_port
from tests.servers.hub_server import FakeHubServer

SUITE = "suite: demo\nscenarios:\n  - id: a\n    user: hi\n    expect: [{contains: hi}]\n"


def run(pytester: pytest.Pytester, *extra: str) -> pytest.RunResult:
    (pytester.path / "demo.llmbench.yaml").write_text(SUITE)
    return pytester.runpytest(
        "--llm-model=llmbench/echo", "--llm-hf-repo=org/bench", *extra, *WARNINGS_AS_ERRORS
    )


def test_accepted_token_runs_and_uploads(pytester: pytest.Pytester, hub: FakeHubServer) -> None:
    result = run(pytester)
    result.assert_outcomes(passed=1)
    assert hub.files("org/bench")  # the upload happened after the check


def test_rejected_token_is_a_usage_error_before_any_item(
    pytester: pytest.Pytester, hub: FakeHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_wrong_token_0123456789")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    text = result.stdout.str() + result.stderr.str()
    assert "--llm-hf-repo=org/bench: the Hub at http://127.0.0.1:" in text
    assert "rejects the token (HTTP 401)" in text
    assert "hf_wrong_token" not in text and TOKEN not in text
    result.assert_outcomes()


def test_unreachable_hub_is_a_usage_error(
    pytester: pytest.Pytester, hub: FakeHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = closed_port()
    result = run(pytester, f"--llm-hf-endpoint=http://127.0.0.1:{port}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"cannot reach the Hub at http://127.0.0.1:{port}" in result.stderr.str()


def test_read_only_token_is_refused(
    pytester: pytest.Pytester, hub: FakeHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_llmbench import preflight

    class ReadOnly:
        status_code = 200

        def json(self) -> dict[str, Any]:
            return {"name": "tester", "auth": {"accessToken": {"role": "read"}}}

    class Session:
        def get(self, *args: Any, **kwargs: Any) -> ReadOnly:
            return ReadOnly()

    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "get_session", lambda: Session())
    assert preflight.hf_problem("org/bench") == (
        "--llm-hf-repo=org/bench: the Hugging Face token is read-only; uploads need write access"
    )
