"""The generic ``judge`` scorer (#17 point 8), against a scripted judge on a local server: the
verdict line decides, one re-ask on an unparsable answer, judge failures are ERRORs, the judge
runs through the engine (cache, retries) and its tokens are counted in rows and summary."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from pytest_llmbench.scorers.judge import build_request, parse_verdict
from pytest_llmbench.scoring.api import Message, ScorerContext
from pytest_llmbench.scoring.registry import ScorerRegistry
from tests.conftest import WARNINGS_AS_ERRORS
from tests.servers.openai_server import FakeOpenAIServer, Fault, last_user_text

SUITE = """
suite: graded
scenarios:
  - id: polite
    user: greet me
    expect:
      - judge:
          rubric: The reply greets the user politely.
"""

MODEL_REPLY = "Hello, nice to meet you!"


def is_judge(body: dict[str, Any]) -> bool:
    return body.get("model") == "judge-model" or body.get("model") == "other-judge"


def scripted(judge_answers: list[Any]) -> Callable[[dict[str, Any]], Any]:
    """The model under test always greets; the judge gives ``judge_answers`` in order (the
    last one repeats)."""
    asked = {"n": 0}

    def reply(body: dict[str, Any]) -> Any:
        if not is_judge(body):
            return MODEL_REPLY
        n = asked["n"]
        asked["n"] += 1
        return judge_answers[min(n, len(judge_answers) - 1)]

    return reply


def run(pytester: pytest.Pytester, server: FakeOpenAIServer, *extra: str) -> pytest.RunResult:
    return pytester.runpytest(
        "--llm-model=openai/fake-model",
        f"--llm-api-base={server.base_url}",
        "--llm-judge-model=openai/judge-model",
        f"--llm-judge-api-base={server.base_url}",
        "--llm-results=out.json",
        "--llm-retries=1",
        *extra,
        *WARNINGS_AS_ERRORS,
    )


def judge_requests(server: FakeOpenAIServer) -> list[dict[str, Any]]:
    return [b for b in server.requests if is_judge(b)]


def rows(pytester: pytest.Pytester) -> list[dict[str, Any]]:
    doc = json.loads((pytester.path / "out.json").read_text())
    result: list[dict[str, Any]] = doc["results"]
    return result


# -- the parser --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Polite and warm.\nVERDICT: PASS", (True, "Polite and warm.")),
        ("It insults the user.\n\nverdict: fail\n", (False, "It insults the user.")),
        ("Fine.\n**VERDICT: PASS**", (True, "Fine.")),
        ("VERDICT: FAIL.", (False, "")),
    ],
)
def test_verdict_line_is_parsed(answer: str, expected: tuple[bool, str]) -> None:
    assert parse_verdict(answer) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "The reply passes.",
        "VERDICT: PASS\nbut on second thought it does not",  # not the last line
        "VERDICT: MAYBE",
        "VERDICT: PASS or FAIL",
        "I would say VERDICT: PASS",  # the whole line must be the verdict
    ],
)
def test_anything_else_is_unparsable(answer: str) -> None:
    assert parse_verdict(answer) is None


def test_request_shows_the_reply_and_the_rubric() -> None:
    ctx = ScorerContext(
        messages=(Message("system", "be nice"), Message("user", "hi"), Message("assistant", "yo")),
        turn=0,
    )
    text = build_request(ctx, "The reply is polite.")[1]["content"]
    assert "[Reply to grade]\nassistant: yo" in text
    assert "user: hi" in text.split("[Reply to grade]")[0]
    assert text.rstrip().endswith("The reply is polite.")


def test_bad_arguments_are_refused() -> None:
    from pytest_llmbench.errors import BadScorerArguments

    registry = ScorerRegistry()
    with pytest.raises(BadScorerArguments, match="rubric must not be empty"):
        registry.build("judge", {"rubric": ""})
    with pytest.raises(BadScorerArguments, match="provider/name"):
        registry.build("judge", {"rubric": "x", "model": "gpt"})


# -- real runs ---------------------------------------------------------------------------


def test_pass_with_the_judges_reason_and_tokens_counted(
    pytester: pytest.Pytester, write_suite: Any, fake_server: FakeOpenAIServer
) -> None:
    fake_server.script(scripted(["It greets warmly and politely.\nVERDICT: PASS"]))
    write_suite(SUITE)
    result = run(pytester, fake_server)
    result.assert_outcomes(passed=1)
    [row] = rows(pytester)
    [score] = row["scores"]
    assert score["passed"] is True
    assert score["reason"] == "judge openai/judge-model: It greets warmly and politely."
    assert score["metadata"]["verdict"] == "PASS"
    [asked] = judge_requests(fake_server)
    prompt = asked["messages"][1]["content"]
    assert MODEL_REPLY in prompt and "greets the user politely" in prompt
    judge = row["judge"]
    assert judge["calls"] == 1 and judge["cached"] == 0
    assert judge["prompt_tokens"] > 0 and judge["completion_tokens"] > 0
    # The model's own usage is kept apart from the judge's.
    assert row["usage"]["completion_tokens"] == len(MODEL_REPLY.split())
    doc = json.loads((pytester.path / "out.json").read_text())
    [summary] = doc["summary"]
    assert summary["judge_calls"] == 1
    assert summary["judge_prompt_tokens"] == judge["prompt_tokens"]
    assert summary["judge_completion_tokens"] == judge["completion_tokens"]
    result.stdout.fnmatch_lines(
        [
            f"llmbench: judge of openai/fake-model: 1 call(s), tokens in/out "
            f"{judge['prompt_tokens']}/{judge['completion_tokens']}"
        ]
    )


def test_fail_is_a_failure_with_the_reason(
    pytester: pytest.Pytester, write_suite: Any, fake_server: FakeOpenAIServer
) -> None:
    fake_server.script(scripted(["There is no greeting at all.\nVERDICT: FAIL"]))
    write_suite(SUITE)
    result = run(pytester, fake_server)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*judge openai/judge-model: There is no greeting at all.*"])
    [row] = rows(pytester)
    assert row["outcome"] == "failed" and row["scores"][0]["passed"] is False


def test_unparsable_then_parsable_is_reasked_once(
    pytester: pytest.Pytester, write_suite: Any, fake_server: FakeOpenAIServer
) -> None:
    fake_server.script(scripted(["Looks good to me!", "Polite.\nVERDICT: PASS"]))
    write_suite(SUITE)
    result = run(pytester, fake_server)
    result.assert_outcomes(passed=1)
    asked = judge_requests(fake_server)
    assert len(asked) == 2
    # The re-ask shows the judge its own answer and the required format again.
    assert asked[1]["messages"][-2] == {"role": "assistant", "content": "Looks good to me!"}
    assert "VERDICT: PASS or VERDICT: FAIL" in last_user_text(asked[1])
    [row] = rows(pytester)
    assert row["scores"][0]["metadata"]["attempts"] == 2
    assert row["judge"]["calls"] == 2


def test_unparsable_twice_is_an_error_not_a_failure(
    pytester: pytest.Pytester, write_suite: Any, fake_server: FakeOpenAIServer
) -> None:
    fake_server.script(scripted(["Looks good to me!", "Still fine, really."]))
    write_suite(SUITE)
    result = run(pytester, fake_server)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*judge openai/judge-model: no verdict line*in 2 answers*"])
    assert len(judge_requests(fake_server)) == 2
    [row] = rows(pytester)
    assert row["outcome"] == "error" and "no verdict line" in row["error"]


def test_cut_short_answer_is_not_parsed(
    pytester: pytest.Pytester, write_suite: Any, fake_server: FakeOpenAIServer
) -> None:
    cut = {"content": "Rude.\nVERDICT: PASS", "finish_reason": "length"}
    fake_server.script(scripted([cut, "Rude.\nVERDICT: FAIL"]))
    write_suite(SUITE)
    result = run(pytester, fake_server)
    result.assert_outcomes(failed=1)
    assert len(judge_requests(fake_server)) == 2


def test_judge_server_error_is_an_error_after_retries(
    pytester: pytest.Pytester, write_suite: Any, fake_server: FakeOpenAIServer
) -> None:
    fake_server.script(scripted([Fault.status(500)]))
    write_suite(SUITE)
    result = run(pytester, fake_server)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*infrastructure error*HTTP 500*"])
    assert len(judge_requests(fake_server)) == 2  # --llm-retries=1: the engine's retries


def test_cached_rerun_makes_no_call(
    pytester: pytest.Pytester, write_suite: Any, fake_server: FakeOpenAIServer
) -> None:
    fake_server.script(scripted(["Polite.\nVERDICT: PASS"]))
    write_suite(SUITE)
    run(pytester, fake_server).assert_outcomes(passed=1)
    before = len(fake_server.requests)
    assert before == 2
    run(pytester, fake_server).assert_outcomes(passed=1)
    assert len(fake_server.requests) == before
    [row] = rows(pytester)
    assert row["judge"]["calls"] == 1 and row["judge"]["cached"] == 1
    assert row["judge"]["prompt_tokens"] > 0  # cached tokens are still the run's tokens
    # With the server gone the preflight probes neither the model nor the judge: all cached.
    base = fake_server.base_url
    fake_server.stop()
    offline = pytester.runpytest(
        "--llm-model=openai/fake-model",
        f"--llm-api-base={base}",
        "--llm-judge-model=openai/judge-model",
        f"--llm-judge-api-base={base}",
    )
    offline.assert_outcomes(passed=1)


def test_scorer_names_its_own_judge_model(
    pytester: pytest.Pytester, write_suite: Any, fake_server: FakeOpenAIServer
) -> None:
    fake_server.script(scripted(["Polite.\nVERDICT: PASS"]))
    write_suite(SUITE.replace("politely.", "politely.\n          model: openai/other-judge"))
    result = pytester.runpytest(
        "--llm-model=openai/fake-model",
        f"--llm-api-base={fake_server.base_url}",
        f"--llm-judge-api-base={fake_server.base_url}",  # no --llm-judge-model needed
        "--llm-results=out.json",
    )
    result.assert_outcomes(passed=1)
    assert [b["model"] for b in judge_requests(fake_server)] == ["other-judge"]
    assert rows(pytester)[0]["scores"][0]["metadata"]["judge_model"] == "openai/other-judge"


def test_without_a_judge_model_the_suite_is_refused_at_collection(
    pytester: pytest.Pytester, write_suite: Any, fake_server: FakeOpenAIServer
) -> None:
    write_suite(SUITE)
    result = pytester.runpytest(
        "--llm-model=openai/fake-model", f"--llm-api-base={fake_server.base_url}"
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*judge: rubric grading need an LLM judge*"])
    assert fake_server.requests == []


def test_unreachable_judge_is_one_usage_error(
    pytester: pytest.Pytester, write_suite: Any, fake_server: FakeOpenAIServer
) -> None:
    from tests.models.test_preflight import closed_port

    write_suite(SUITE)
    port = closed_port()
    result = pytester.runpytest(
        "--llm-model=openai/fake-model",
        f"--llm-api-base={fake_server.base_url}",
        "--llm-judge-model=openai/judge-model",
        f"--llm-judge-api-base=http://127.0.0.1:{port}/v1",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"--llm-judge-model: openai/judge-model: cannot reach http://127.0.0.1:{port}" in (
        result.stderr.str()
    )
    assert fake_server.requests == []
