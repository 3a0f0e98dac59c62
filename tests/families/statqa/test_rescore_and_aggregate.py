"""``llmbench rescore statqa`` and the StatQA aggregate (terminal lines and results JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.families import aggregates, render_aggregates
from pytest_llmbench.families.statqa.aggregate import aggregate, render
from pytest_llmbench.families.statqa.gensuite import write_generated
from pytest_llmbench.families.statqa.scorers import score_reply

GOLD = json.dumps({"columns": ["a", "b"], "methods": ["Mood Variance Test", "Levene Test"]})
APOS = json.dumps({"columns": ["a", "Children's"], "methods": ["Kendall Correlation Coefficient"]})


def _rescore(tmp_path: Path, lines: list[str], *extra: str) -> tuple[int, list[dict[str, Any]]]:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rc = main(["rescore", "statqa", "--input", str(src), "--output", str(dst), *extra])
    return rc, [json.loads(x) for x in dst.read_text(encoding="utf-8").splitlines()]


def test_rescore_adds_scores_and_keeps_other_keys(tmp_path: Path) -> None:
    rows = [
        {
            "id": 1,
            "ground_truth": GOLD,
            "model_output": 'x {"columns": ["a", "b"], '
            '"methods": ["Levene Test", "Mood Variance Test"]}',
        },
        {
            "id": 2,
            "ground_truth": GOLD,
            "model_output": '{"columns": ["a"], "methods": ["Levene Test"]}',
        },
        {
            "id": 3,
            "ground_truth": GOLD,
            "model_output": '{"columns": ["a", "b"], "methods": ["Levene Test"]}',
        },
        {"id": 4, "ground_truth": GOLD, "model_output": None},
    ]
    rc, out = _rescore(tmp_path, [json.dumps(r) for r in rows])
    assert rc == 0
    assert [(o["id"], o["score"], o["columns_score"], o["methods_score"]) for o in out] == [
        (1, 1, 1, 1),
        (2, 0, 0, 0),
        (3, 0, 1, 0),
        (4, 0, 0, 0),
    ]


def test_rescore_modes_differ_on_the_apostrophe_quirk(tmp_path: Path) -> None:
    line = json.dumps({"ground_truth": APOS, "model_output": APOS})
    assert _rescore(tmp_path, [line])[1][0]["score"] == 0
    assert _rescore(tmp_path, [line], "--mode", "strict")[1][0]["score"] == 1


def test_bad_lines_are_reported_with_their_number_and_the_rest_is_scored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = json.dumps({"ground_truth": GOLD, "model_output": GOLD})
    lines = [
        good,
        "{not json",
        json.dumps({"ground_truth": GOLD}),
        "",
        json.dumps({"ground_truth": "nope", "model_output": ""}),
        json.dumps({"ground_truth": GOLD, "model_output": 3}),
        json.dumps([1]),
        good,
    ]
    rc, out = _rescore(tmp_path, lines)
    err = capsys.readouterr()
    assert rc == 1
    assert [o.get("score") for o in out] == [1, None, None, None, None, None, 1]
    assert [o["line"] for o in out if "error" in o] == [2, 3, 5, 6, 7]
    for n, text in [
        (2, "not JSON"),
        (3, "missing key(s) model_output"),
        (5, '"ground_truth" is not a JSON object string'),
        (6, '"model_output" must be a string'),
        (7, "not a JSON object"),
    ]:
        assert f"in.jsonl:{n}: {text}" in err.err
    assert "2 line(s) scored: accuracy 100.00%" in err.out and "5 bad line(s)" in err.out


def test_rescore_unreadable_input_is_an_error(tmp_path: Path) -> None:
    assert (
        main(
            [
                "rescore",
                "statqa",
                "--input",
                str(tmp_path / "none.jsonl"),
                "--output",
                str(tmp_path / "o.jsonl"),
            ]
        )
        == 2
    )


def _row(
    model: str, task: str, level: str, reply: str, gold: str = GOLD, **kw: Any
) -> dict[str, Any]:
    s = score_reply(gold, reply, "official")
    return {
        "model": model,
        "outcome": "passed" if s.passed else "failed",
        "metadata": {"benchmark": "statqa", "task": task, "difficulty": level},
        "scores": [{"name": "statqa/answer", "passed": s.passed, "metadata": dict(s.metadata)}],
        **kw,
    }


def test_aggregate_per_task_difficulty_and_mode() -> None:
    wrong = '{"columns": ["a", "b"], "methods": ["Levene Test"]}'
    rows = [
        _row("m1", "Variance Test", "easy", GOLD),
        _row("m1", "Variance Test", "hard", wrong),
        _row("m1", "Correlation Analysis", "easy", APOS, gold=APOS),
        {
            "model": "m1",
            "outcome": "error",
            "metadata": {
                "benchmark": "statqa",
                "task": "Correlation Analysis",
                "difficulty": "hard",
            },
            "scores": [],
        },
        {"model": "m1", "outcome": "skipped", "metadata": {"benchmark": "statqa"}, "scores": []},
        {"model": "m1", "outcome": "passed", "metadata": {"benchmark": "rules"}, "scores": []},
        _row("m2", "Descriptive Statistics", "easy", "no answer"),
    ]
    agg = aggregate(rows)
    assert agg is not None
    a = agg["models"]["m1"]
    assert a["n"] == 4 and a["unscored"] == 1
    assert a["accuracy"] == {"official": 0.25, "strict": 0.5}
    assert a["methods_accuracy"] == {"official": 0.25, "strict": 0.5}
    assert a["columns_accuracy"] == {"official": 0.5, "strict": 0.75}
    assert list(a["by_task"]) == ["Correlation Analysis", "Variance Test"]  # the paper's order
    assert a["by_task"]["Variance Test"] == {"n": 2, "accuracy": {"official": 0.5, "strict": 0.5}}
    assert a["by_difficulty"]["hard"] == {"n": 2, "accuracy": {"official": 0.0, "strict": 0.0}}
    assert a["error_categories"] == {"applicability error": 1, "unparseable gold": 1}
    assert agg["models"]["m2"]["accuracy"] == {"official": 0.0, "strict": 0.0}
    lines = render(agg)
    assert lines[0].startswith("statqa m1: 4 answers, accuracy (official/strict) 25.00% / 50.00%")
    assert "CA 0.00% / 50.00% (n=2)" in lines[1] and "VT 50.00% / 50.00% (n=2)" in lines[1]
    assert "easy 50.00% / 100.00% (n=2)" in lines[2]
    assert "1 answer(s) unscored" in lines[3]
    assert aggregate([r for r in rows if r["metadata"]["benchmark"] != "statqa"]) is None
    ours = [r for r in rows if r["metadata"]["benchmark"] == "statqa"]
    assert aggregates(ours) == {"statqa": agg}
    assert render_aggregates(aggregates(ours)) == lines


def test_a_run_reports_the_aggregate_in_terminal_and_results(pytester: pytest.Pytester) -> None:
    write_generated(pytester.path, seed=1, n=4)
    result = pytester.runpytest("--llm-model=llmbench/reference", "--llm-results=out.json")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        ["statqa llmbench/reference: 8 answers, accuracy (official/strict) 100.00% / 100.00%*"]
    )
    doc = json.loads((pytester.path / "out.json").read_text())
    agg = doc["aggregates"]["statqa"]["models"]["llmbench/reference"]
    assert agg["n"] == 8 and set(agg["by_task"]) == {
        "Correlation Analysis",
        "Contingency Table Test",
    }
