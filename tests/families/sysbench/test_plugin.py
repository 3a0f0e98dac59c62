"""End to end through pytest against the local OpenAI-compatible server: five-turn dialogues
with the full history each turn, and the LLM judge (scripted replies, malformed ones included),
cached like any other call; a judge that never answers usably is a pytest error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.servers.openai_server import FakeOpenAIServer, last_user_text

USERS = [f"Question number {k}?" for k in range(1, 6)]


def suite(criteria: str, turns: int = 5) -> str:
    lines = [
        "suite: sb-demo",
        "defaults:",
        "  metadata: {benchmark: sysbench, dialogue: dependent}",
        "scenarios:",
        "  - id: dialogue",
        '    system: Begin every reply with "Received".',
        "    turns:",
    ]
    for k in range(turns):
        alignment = "misalign" if k == 3 else "align"
        lines += [
            f"      - user: {USERS[k]}",
            "        expect:",
            f"          - sysbench/checklist: {{alignment: {alignment}, criteria: {criteria}}}",
        ]
    return "\n".join(lines) + "\n"


PROGRAM = '[{id: 1, type: format, text: "Begins with Received", check: {starts_with: Received}}]'
JUDGED = PROGRAM[:-1] + ', {id: 2, type: style, text: "Polite"}]'


def model_reply(body: dict[str, Any]) -> str:
    n = sum(1 for m in body["messages"] if m["role"] == "user")
    return f"Received, answer {n}."


def args(server: FakeOpenAIServer, *extra: str) -> list[str]:
    return [
        "--llm-model=openai/fake-model",
        f"--llm-api-base={server.base_url}",
        "--llm-cache-dir=cache",
        "--llm-results=out.json",
        "-p",
        "no:cacheprovider",
        *extra,
    ]


def results(pytester: pytest.Pytester) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((pytester.path / "out.json").read_text(encoding="utf-8"))
    return doc


def test_model_receives_the_full_history_each_turn(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    write_suite(suite(PROGRAM))
    fake_server.script(model_reply)
    run = pytester.runpytest(*args(fake_server))
    run.assert_outcomes(passed=1)
    requests = fake_server.requests
    assert len(requests) == 5
    for k, body in enumerate(requests, 1):
        expected: list[dict[str, str]] = [
            {"role": "system", "content": 'Begin every reply with "Received".'}
        ]
        for j in range(1, k):
            expected += [
                {"role": "user", "content": USERS[j - 1]},
                {"role": "assistant", "content": f"Received, answer {j}."},
            ]
        expected.append({"role": "user", "content": USERS[k - 1]})
        assert [{"role": m["role"], "content": m["content"]} for m in body["messages"]] == expected
    doc = results(pytester)
    (row,) = doc["results"]
    assert [s["metadata"]["sysbench"]["round"] for s in row["scores"]] == [1, 2, 3, 4, 5]
    assert [s["turn"] for s in row["scores"]] == [0, 1, 2, 3, 4]
    agg = doc["aggregates"]["sysbench"]["models"]["openai/fake-model"]
    assert (agg["dialogues"], agg["turns"], agg["constraints"]) == (1, 5, 5)
    assert agg["official"]["SSR"] == 1.0 and agg["turns_by_alignment"] == {
        "align": 4,
        "misalign": 1,
    }
    run.stdout.fnmatch_lines(
        ["sysbench [[]openai/fake-model[]]: 1 dialogues, 5 turns, 5 constraints*"]
    )


def test_a_failing_turn_fails_the_dialogue_with_per_turn_detail(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    write_suite(suite(PROGRAM))
    fake_server.script(
        lambda b: "Sure thing." if "number 3" in last_user_text(b) else model_reply(b)
    )
    run = pytester.runpytest(*args(fake_server))
    run.assert_outcomes(failed=1)
    run.stdout.fnmatch_lines(
        ["*turn 2 sysbench/checklist: round 3 (align): 0/1 constraints satisfied*"]
    )
    official = results(pytester)["aggregates"]["sysbench"]["models"]["openai/fake-model"][
        "official"
    ]
    assert official["ISR"] == pytest.approx(0.8) and official["SSR"] == pytest.approx(0.4)


def judge_script(answers: list[str]) -> Any:
    """The model answers 'Received, ...'; the judge (model 'judge-model') gives ``answers`` in
    order, repeating the last one."""
    judged: list[str] = []

    def script(body: dict[str, Any]) -> str:
        if body["model"] != "judge-model":
            return model_reply(body)
        judged.append(body["messages"][1]["content"])
        return answers[min(len(judged), len(answers)) - 1]

    script.judged = judged  # type: ignore[attr-defined]
    return script


YES = '{"评判理由": "ok", "评判结果": {"1": "是", "2": "是"}}'


def judge_args(server: FakeOpenAIServer, *extra: str) -> list[str]:
    return args(
        server,
        "--llm-judge-model=openai/judge-model",
        f"--llm-judge-api-base={server.base_url}",
        *extra,
    )


def test_judge_verdicts_are_parsed_recorded_and_cached(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    write_suite(suite(JUDGED))
    malformed = ["Looks fine to me.", '```json\n{"评判结果": {"1": "是"}}\n```', "{'1': '是'}"]
    fake_server.script(judge_script([*malformed, f"```json\n{YES}\n```"]))
    run = pytester.runpytest(*judge_args(fake_server))
    run.assert_outcomes(passed=1)
    run.stdout.fnmatch_lines(["llmbench: model openai/fake-model; *; judge openai/judge-model"])
    judged = [b for b in fake_server.requests if b["model"] == "judge-model"]
    assert len(judged) == 4 + 4  # turn 1: three unusable answers, then one per later turn
    assert [b.get("temperature") for b in judged[:4]] == [0, 0, 0, 0]
    assert (
        "[Checklist]\n1. Begins with Received | format\n2. Polite | style"
        in judged[0]["messages"][1]["content"]
    )
    assert "[Round 2: current user message]" in judged[4]["messages"][1]["content"]
    doc = results(pytester)
    first = doc["results"][0]["scores"][0]["metadata"]
    assert first["judge"]["answers"] == [*malformed, f"```json\n{YES}\n```"]
    assert first["judge"]["attempts"] == 4 and len(first["judge"]["problems"]) == 3
    assert [i["official"] for i in first["sysbench"]["items"]] == ["yes", "yes"]
    assert doc["run"]["params"]["judge_model"] == "openai/judge-model"
    assert first["judge"]["wording"] == "own"
    # The judge's calls are counted apart from the model's, in the row and the summary.
    judge_usage = doc["results"][0]["judge"]
    assert judge_usage["calls"] == 8 and judge_usage["cached"] == 0
    assert judge_usage["prompt_tokens"] > 0 and judge_usage["completion_tokens"] > 0
    assert doc["summary"][0]["judge_calls"] == 8
    # A hand-written suite, our own judge wording and another judge: never "comparable".
    assert not doc["aggregates"]["sysbench"]["models"]["openai/fake-model"]["comparable"]
    run.stdout.fnmatch_lines(["sysbench *; not comparable with the published numbers*"])
    # A rerun is served from the cache: no model call, no judge call.
    before = len(fake_server.requests)
    again = pytester.runpytest(*judge_args(fake_server))
    again.assert_outcomes(passed=1)
    assert len(fake_server.requests) == before
    assert (
        results(pytester)["results"][0]["scores"][0]["metadata"]["judge"]["answers"][0]
        == malformed[0]
    )


def test_judge_no_fails_the_dialogue(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    write_suite(suite(JUDGED, turns=2))
    fake_server.script(judge_script([YES, '{"评判结果": {"1": "是", "2": "否"}}']))
    run = pytester.runpytest(*judge_args(fake_server))
    run.assert_outcomes(failed=1)
    run.stdout.fnmatch_lines(
        ["*round 2 (align): 1/2 constraints satisfied; ✗ [[]2[]] style 'Polite': judge: no*"]
    )


def test_a_judge_without_a_usable_answer_is_an_error(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    write_suite(suite(JUDGED))
    fake_server.script(judge_script(["I cannot produce JSON today."]))
    run = pytester.runpytest(*judge_args(fake_server))
    run.assert_outcomes(errors=1)
    run.stdout.fnmatch_lines(["*judge openai/judge-model gave no usable verdict in 10 tries*"])
    judged = [b for b in fake_server.requests if b["model"] == "judge-model"]
    assert [b.get("temperature") for b in judged] == [0] * 5 + [0.5] * 5
    doc = results(pytester)
    assert doc["results"][0]["outcome"] == "error"
    assert doc["aggregates"]["sysbench"]["models"]["openai/fake-model"]["errors"] == 1
    run.stdout.fnmatch_lines(
        ["sysbench *: 0 dialogues, 0 turns, 0 constraints; 1 dialogue(s) with errors*"]
    )


def test_judge_items_without_a_judge_model_are_an_error(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    write_suite(suite(JUDGED, turns=1))
    fake_server.script(model_reply)
    run = pytester.runpytest(*args(fake_server))
    run.assert_outcomes(errors=1)
    run.stdout.fnmatch_lines(["*need an LLM judge; pass --llm-judge-model=MODEL*"])


def test_bad_judge_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    run = pytester.runpytest("--llm-judge-model=gpt4")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    run.stderr.fnmatch_lines(["*--llm-judge-model*expected a litellm model*"])


def test_imported_suite_runs_with_the_judge(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    from pytest_llmbench.cli import main

    source = Path(__file__).parent / "data" / "sysbench_mini.json"
    assert (
        main(["import", "sysbench", "--source", str(source), "--out", str(pytester.path / "imp")])
        == 0
    )

    def script(body: dict[str, Any]) -> str:
        if body["model"] != "judge-model":
            return "收到"
        ids = [
            line.split(".", 1)[0]
            for line in body["messages"][1]["content"]
            .split("[Checklist]\n")[1]
            .split("\n\n")[0]
            .splitlines()
        ]
        return json.dumps({"评判理由": "r", "评判结果": {i: "是" for i in ids}}, ensure_ascii=False)

    fake_server.script(script)
    run = pytester.runpytest("imp", *judge_args(fake_server))
    run.assert_outcomes(passed=3)
    agg = results(pytester)["aggregates"]["sysbench"]["models"]["openai/fake-model"]
    assert (agg["dialogues"], agg["turns"], agg["constraints"], agg["judged_items"]) == (
        3,
        14,
        22,
        22,
    )
    assert agg["official"]["CSR"] == 1.0  # official: the judge decides every item
    assert agg["strict"]["CSR"] < 1.0  # strict: programs decide theirs ("收到" has no emoji...)


# --- issue 16: no judge configured ---------------------------------------------------------------


def test_a_suite_needing_a_judge_is_refused_before_any_model_call(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    write_suite(suite(JUDGED))
    write_suite(suite(JUDGED).replace("id: dialogue", "id: other"), "more.llmbench.yaml")
    fake_server.script(model_reply)
    run = pytester.runpytest(*args(fake_server))
    run.assert_outcomes(errors=2)  # one per suite file, nothing run
    assert fake_server.requests == []
    text = run.stdout.str()
    full = "constraint(s) 2 ('Polite') need an LLM judge; pass --llm-judge-model=MODEL"
    assert text.count(full) == 1  # explained once; the other file refers to it
    assert "--llm-no-judge to score only what a program can check" in text
    assert "No model has been called." in text
    assert "need an LLM judge too (see the first such error)" in text
    assert "Interrupted: 2 errors during collection" in text


def test_no_judge_mode_scores_program_checks_only_under_its_own_label(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    write_suite(suite(JUDGED))
    fake_server.script(
        lambda b: "Sure thing." if "number 3" in last_user_text(b) else model_reply(b)
    )
    run = pytester.runpytest(*args(fake_server, "--llm-no-judge"))
    run.assert_outcomes(failed=1)  # round 3 breaks the program-checked constraint
    assert len(fake_server.requests) == 5
    assert all(b["model"] == "fake-model" for b in fake_server.requests)  # no judge call
    run.stdout.fnmatch_lines(
        [
            "*round 3 (align): 0/1 program-checked constraints satisfied, 1 not scored (no judge)*",
            "sysbench [[]openai/fake-model[]]: 1 dialogues, 5 turns, 10 constraints*",
            "  program checks only: CSR 80.0 over 5 program-checked constraints; "
            "5 not scored (they need --llm-judge-model)",
            "*not SysBench's CSR; no ISR/SSR without a judge",
        ]
    )
    assert "official CSR" not in run.stdout.str()
    agg = results(pytester)["aggregates"]["sysbench"]["models"]["openai/fake-model"]
    assert agg["official"] is None and agg["strict"] is None
    only = agg["program_only"]
    assert (only["CSR"], only["scored"], only["not_scored"]) == (0.8, 5, 5)
    assert only["label"].startswith("CSR over program-checked constraints only")
    items = results(pytester)["results"][0]["scores"][0]["metadata"]["sysbench"]["items"]
    assert [(i["method"], i["official"], i["strict"]) for i in items] == [
        ("program", "yes", "yes"),
        ("judge", "not scored", "not scored"),
    ]


def test_no_judge_changes_nothing_for_a_suite_without_judge_items(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, write_suite: Any
) -> None:
    write_suite(suite(PROGRAM))
    fake_server.script(model_reply)
    run = pytester.runpytest(*args(fake_server, "--llm-no-judge"))
    run.assert_outcomes(passed=1)
    agg = results(pytester)["aggregates"]["sysbench"]["models"]["openai/fake-model"]
    assert agg["official"]["CSR"] == 1.0 and "program_only" not in agg


def test_no_judge_and_a_judge_model_exclude_each_other(pytester: pytest.Pytester) -> None:
    run = pytester.runpytest("--llm-no-judge", "--llm-judge-model=openai/judge")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    run.stderr.fnmatch_lines(["*--llm-no-judge and --llm-judge-model exclude each other*"])
