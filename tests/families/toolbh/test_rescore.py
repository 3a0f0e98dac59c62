"""``llmbench rescore toolbh``: JSONL in, scored JSONL out, bad lines reported by number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.families.toolbh.importer import references
from tests.families.toolbh.conftest import DATA, BagOfWords, row, rows

R = row("single_step")
EMAIL = "Send an email with a subject and a body to one address."


def line(level: str, output: Any, variant: str = "unsolvable", **extra: Any) -> str:
    return json.dumps(
        {"item": R, "level": level, "variant": variant, "model_output": output, **extra}
    )


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()]


L3_GOOD = (
    "<answer>Subgoal 1: weather Planned tool: WeatherForecast\n"
    f"Subgoal 2: {EMAIL} Planned tool: UnsolvableQuery</answer>"
)
INPUT = [
    line("level_1", "<answer>unsolvable</answer>"),
    line("level_2", "<answer>1. WeatherForecast\n2. UnsolvableQuery</answer>"),
    "{not json",
    line("level_3", L3_GOOD),
    json.dumps(
        {"item": {"subtask": "os"}, "level": "level_1", "variant": "unsolvable", "model_output": ""}
    ),
    line("level_4", "x"),
    line("level_1", 42),
    json.dumps({"item": R, "level": "level_1", "variant": "unsolvable"}),
    line("level_2", None, error="HTTP 500 after 5 retries"),
    "",
    "[]",
    line("level_1", "x", variant="maybe"),
    line("level_1", "x", position=-1),
]


def test_scores_good_lines_and_reports_bad_ones(
    tmp_path: Path, bag: BagOfWords, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path / "in.jsonl", INPUT)
    out = tmp_path / "out.jsonl"
    assert main(["rescore", "toolbh", "--input", str(src), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    for number, message in [
        (3, "not JSON"),
        (5, "item: row lacks field(s) task"),
        (6, "level must be one of level_1, level_2, level_3, got 'level_4'"),
        (7, "model_output must be a string, got int"),
        (8, "missing 'model_output'"),
        (11, "expected a JSON object, got list"),
        (12, "variant must be one of solvable, unsolvable, got 'maybe'"),
        (13, "position must be a non-negative integer"),
    ]:
        assert f"{src}:{number}: {message}" in err
    assert "scored 4 line(s)" in err and "8 bad line(s)" in err
    l1, l2, l3, failed = read(out)
    assert (l1["score"], l1["mode"]) == (1.0, "official")
    assert (l2["score"], l2["condition"]) == (0.0, "non_existent_tools")
    assert l2["parsed"] == ["1. WeatherForecast", "2. UnsolvableQuery"]
    assert (l3["score"], l3["matching"], l3["matching_positions"]) == (1.0, 1.0, [1.0])
    assert l3["model_output"] == L3_GOOD  # the input fields are kept
    assert (failed["score"], failed["condition"]) == (0.0, "non_existent_tools")  # T9: as ""


def test_strict_mode_excludes_failed_calls(tmp_path: Path, no_embedder: None) -> None:
    src = write(tmp_path / "in.jsonl", [INPUT[1], INPUT[3], INPUT[8]])
    out = tmp_path / "out.jsonl"
    assert (
        main(["rescore", "toolbh", "--input", str(src), "--output", str(out), "--mode", "strict"])
        == 0
    )
    l2, l3, failed = read(out)
    assert (l2["score"], l2["parsed"]) == (1.0, ["WeatherForecast", "UnsolvableQuery"])
    assert l3["matching_status"] == "not computed" and "matching" not in l3
    assert failed["score"] is None and failed["excluded"] is True


def gold_lines() -> list[str]:
    out = []
    for r in rows():
        pos = [x for x in rows() if x["subtask"] == r["subtask"]].index(r)
        for level in ("level_1", "level_2", "level_3"):
            refs = references(r, level, "unsolvable")
            assert refs is not None
            out.append(
                json.dumps(
                    {
                        "item": r,
                        "level": level,
                        "variant": "unsolvable",
                        "model_output": refs["pass"][0],
                        "position": pos,
                    }
                )
            )
    return out


def test_aggregate_prints_the_overall_score(
    tmp_path: Path, bag: BagOfWords, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path / "in.jsonl", gold_lines())
    assert main(["rescore", "toolbh", "--input", str(src), "--aggregate"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == (
        "ToolBH en (official, comparable with the paper): overall 100.0, 14 unsolvable rows"
    )
    assert printed[1] == "  MNT: L1 100.0  L2 100.0  L3-PR 100.0  L3-MS 100.0"


def test_without_matching_the_overall_is_not_computed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path / "in.jsonl", gold_lines())
    args = ["--input", str(src), "--aggregate", "--no-matching", "--mode", "strict"]
    assert main(["rescore", "toolbh", *args]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "strict, not comparable" in first and "overall not computed" in first


def test_the_pool_comes_from_the_data_file_or_the_input(tmp_path: Path, bag: BagOfWords) -> None:
    # Only row 0's lines: rebuilt from the input, the pool misses row 1's tools.
    src = write(tmp_path / "in.jsonl", [line("level_3", L3_GOOD)])
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert main(["rescore", "toolbh", "--input", str(src), "--output", str(a)]) == 0
    data = ["--data", str(DATA / "test_en.json")]
    assert main(["rescore", "toolbh", "--input", str(src), "--output", str(b), *data]) == 0
    assert read(a)[0]["matching"] == read(b)[0]["matching"] == 1.0
    pools = [c for c in bag.calls if len(c) > 1]
    assert [len(c) for c in pools] == [5, 7]  # 5 tools of row 0; then both rows of the file


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rescore", "toolbh", "--input", str(tmp_path / "in.jsonl")]) == 2
    assert "give --output, --aggregate or both" in capsys.readouterr().err
    missing = ["--input", str(tmp_path / "nope.jsonl"), "--aggregate"]
    assert main(["rescore", "toolbh", *missing]) == 2
    assert "nope.jsonl" in capsys.readouterr().err
