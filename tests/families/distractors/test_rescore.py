"""``llmbench rescore distractors``: JSONL in, scores added, bad lines reported by number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_llmbench.cli import main


def test_rescore_adds_scores_and_reports_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps(
            {"answer": "Paris", "model_output": "Reasoning...\nFinal Answer: Paris", "id": 1}
        ),
        "{not json",
        json.dumps({"answer": "from 1986 to 2013", "model_output": "Final Answer: 2002 to 2009"}),
        json.dumps({"model_output": "x"}),
        "",
        json.dumps(["a list"]),
        json.dumps({"answer": "Paris", "model_output": None}),
        json.dumps({"answer": "Paris", "model_output": 3}),
    ]
    src, dst = tmp_path / "in.jsonl", tmp_path / "out" / "out.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rc = main(["rescore", "distractors", "--input", str(src), "--output", str(dst)])
    assert rc == 1  # some lines were bad
    err = capsys.readouterr().err
    assert f"{src}:2: invalid JSON" in err
    assert f"{src}:4: missing key 'answer'" in err
    assert f"{src}:6: expected a JSON object" in err
    assert f"{src}:8: 'model_output' must be a string or null" in err
    out = [json.loads(x) for x in dst.read_text(encoding="utf-8").splitlines()]
    assert len(out) == 3
    first, partial, failed = out
    assert first["id"] == 1 and first["model_output"].endswith("Paris")  # input kept
    assert (first["em"], first["f1"], first["extracted"]) == (1.0, 1.0, "Paris")
    assert first["extraction"] == "label"
    assert partial["f1"] == pytest.approx(2 / 7)
    assert (partial["precision"], partial["recall"]) == pytest.approx((1 / 3, 1 / 4))
    assert (failed["em"], failed["f1"], failed["extraction"]) == (0.0, 0.0, "fallback")


def test_rescore_strict_mode_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    line = {"answer": "24 January 76 – 10 July 138", "model_output": "24 January 76 - 10 July 138"}
    src.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert main(["rescore", "distractors", "--input", str(src), "--output", str(dst)]) == 0
    assert json.loads(dst.read_text())["em"] == 0.0
    args = ["rescore", "distractors", "--input", str(src), "--output", str(dst), "--mode", "strict"]
    assert main(args) == 0
    assert json.loads(dst.read_text())["em"] == 1.0
    assert "scored 1 line(s): EM 100.00" in capsys.readouterr().out


def test_rescore_missing_input_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["rescore", "distractors", "--input", str(tmp_path / "nope.jsonl"), "--output", "x"]
    assert main(args) == 1
    assert "nope.jsonl" in capsys.readouterr().err
