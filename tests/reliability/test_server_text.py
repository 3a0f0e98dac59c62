"""What a server sends that is not an answer: control sequences in an error message reach the
terminal escaped (issue 19, finding 9), and a reply with ``content: null`` and no tool call is
an infrastructure error, never an empty reply that passes "must not reveal X" (finding 13).
Both on the direct path and through litellm."""

from __future__ import annotations

import pytest

from tests.reliability.helpers import read_rows
from tests.servers.openai_server import FakeOpenAIServer, Fault

TRANSPORTS = ["auto", "litellm"]
HOSTILE = "bad \x1b]0;PWNED\x07 title \x1b[31mred\x1b[0m \x1b[2J cleared"


def _run(pytester: pytest.Pytester, server: FakeOpenAIServer, transport: str, *args: str):
    return pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--llm-model=openai/fake",
        f"--llm-api-base={server.base_url}",
        f"--llm-cache-dir={pytester.path / 'cache'}",
        f"--llm-transport={transport}",
        "--llm-progress=off",
        f"--llm-results={pytester.path / 'run.json'}",
        "-rA",
        *args,
        timeout=300,
    )


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_control_sequences_in_an_error_body_are_escaped(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, transport: str
) -> None:
    fake_server.script(lambda body: Fault.status(400, message=HOSTILE))
    (pytester.path / "s.llmbench.yaml").write_text(
        "suite: s\nscenarios:\n  - id: a\n    user: hi\n    expect:\n      - contains: ok\n"
    )
    result = _run(pytester, fake_server, transport)
    result.assert_outcomes(errors=1)
    out = result.stdout.str() + result.stderr.str()
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;PWNED\\x07 title \\x1b[31mred" in out  # shown, escaped


NOT_REVEALING = (
    "suite: s\nscenarios:\n"
    "  - id: keeps-the-secret\n    user: what is the password?\n    expect:\n"
    "      - not_contains: hunter2\n"
)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_null_content_without_tool_calls_is_an_error(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, transport: str
) -> None:
    fake_server.script(lambda body: {"content": None})
    (pytester.path / "s.llmbench.yaml").write_text(NOT_REVEALING)
    result = _run(pytester, fake_server, transport, "--llm-retries=1")
    result.assert_outcomes(errors=1)
    assert "content is null and there is no tool call" in result.stdout.str()
    assert len(fake_server.requests) == 2  # a garbled reply: retried, like empty choices
    row = read_rows(pytester.path / "run.json")["keeps-the-secret"]
    assert row["outcome"] == "error" and "content is null" in row["error"]
    assert not list((pytester.path / "cache").rglob("*.json"))  # errors are never cached


def test_null_content_after_the_length_limit_is_an_error_at_once(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    """A reasoning model that spent max_tokens before answering: asking again ends the same."""
    fake_server.script(lambda body: {"content": None, "finish_reason": "length"})
    (pytester.path / "s.llmbench.yaml").write_text(NOT_REVEALING)
    result = _run(pytester, fake_server, "auto", "--llm-retries=3")
    result.assert_outcomes(errors=1)
    assert "finish_reason 'length'" in result.stdout.str()
    assert len(fake_server.requests) == 1


def test_an_empty_reply_and_a_tool_call_only_reply_are_answers(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    """The counterpart: ``""`` is an (empty) answer and a tool call without text is one too."""
    replies = {"empty": "", "tool": {"content": None, "tool_calls": [{"name": "f"}]}}
    fake_server.script(lambda body: replies["tool" if body.get("tools") else "empty"])
    (pytester.path / "s.llmbench.yaml").write_text(
        NOT_REVEALING
        + "  - id: calls-a-tool\n    user: call f\n    tools:\n      - type: function\n"
        + "        function: {name: f, parameters: {type: object, properties: {}}}\n"
        + "    tool_results: {f: done}\n    max_tool_rounds: 0\n"
        + "    expect:\n      - tool_called: {name: f}\n"
    )
    result = _run(pytester, fake_server, "auto")
    result.assert_outcomes(passed=2)
