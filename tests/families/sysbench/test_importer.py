"""``llmbench import sysbench`` on small fixtures we wrote in the official format (spec §3),
and the constraint classifier that marks constraints ``program`` or ``judge``."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.families.sysbench.classify import classify
from pytest_llmbench.families.sysbench.importer import EXPECTED, DataError, convert
from pytest_llmbench.scenario import load_suite
from pytest_llmbench.scoring.registry import ScorerRegistry
from tests.conftest import SHARED

FIXTURE = Path(__file__).parent / "data" / "sysbench_mini.json"


def data() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return loaded


def run_import(tmp_path: Path, source: Path, *extra: str) -> int:
    return main(
        ["import", "sysbench", "--source", str(source), "--out", str(tmp_path / "out"), *extra]
    )


def test_import_writes_valid_suites_and_reports_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import(tmp_path, FIXTURE) == 0
    out, err = capsys.readouterr()
    assert "3 dialogues, 15 turns, 22 constraints (16 program, 0 partial, 6 judge)" in out
    assert "dialogues: dependent 2, parallel 1" in out
    assert "1 turn(s) without a checklist (not scored): system_id 3 turn 3" in err
    assert "partial file: 3 of 500" in err
    files = sorted((tmp_path / "out").glob("*.llmbench.yaml"))
    assert [f.name for f in files] == ["sysbench-001.llmbench.yaml"]
    suite = load_suite(files[0])
    registry = ScorerRegistry()
    for sc in suite.scenarios:  # every checklist builds: the program checks are valid
        for ref in sc.all_scorer_refs():
            registry.build(ref.name, ref.args)
    first, second, third = suite.scenarios
    assert first.id == "sysbench-1" and len(first.turns) == 5
    assert first.system is not None and first.system.startswith("你是一名茶艺师")
    assert dict(first.metadata) == {
        "benchmark": "sysbench",
        "system_id": 1,
        "dialogue": "dependent",
        "domain": "教育",
        "scene": "答疑",
    }
    assert second.metadata["dialogue"] == "parallel" and second.metadata["scene"] is None
    assert third.turns[2].expect == ()  # the unlabelled turn is not scored
    checklist = first.turns[0].expect[0].args
    assert checklist["alignment"] == "align"
    assert [(c["id"], c["method"], c.get("check")) for c in checklist["criteria"]] == [
        ("1", "program", {"starts_with": "收到"}),
        ("2", "judge", None),
    ]
    assert first.turns[3].expect[0].args["alignment"] == "misalign"
    # string ids in the raw file stay strings; int ids become strings too
    assert [c["id"] for c in second.turns[1].expect[0].args["criteria"]] == ["2", "3"]


def test_criteria_are_taken_in_numeric_key_order() -> None:
    d = data()[:1]
    user = d[0]["messages"][1]["content"]
    crit = {
        str(k): {"criteria_id": k, "criteria_content": f"c{k}", "criteria_type": "内容约束"}
        for k in (10, 2, 1)
    }
    d[0]["prompt_infos"][user]["criteria"] = crit
    scenarios, _ = convert(d)
    got = scenarios[0]["turns"][0]["expect"][0]["sysbench/checklist"]["criteria"]
    assert [c["id"] for c in got] == ["1", "2", "10"]


def test_reference_history_makes_one_scenario_per_round(tmp_path: Path) -> None:
    assert run_import(tmp_path, FIXTURE, "--history", "reference", "--chunk", "5") == 0
    files = sorted((tmp_path / "out").glob("*.llmbench.yaml"))
    scenarios = [s for f in files for s in load_suite(f).scenarios]
    assert len(files) == 3 and len(scenarios) == 14  # 15 turns, one unlabelled
    r3 = next(s for s in scenarios if s.id == "sysbench-1-r3")
    assert r3.metadata["dialogue_id"] == "sysbench-1"
    assert [m.content for m in r3.history] == [
        "你好，请介绍一下你自己。",
        "参考回复1",
        "绿茶怎么泡？",
        "参考回复2",
    ]
    assert [t.user for t in r3.turns] == ["那红茶呢？和刚才的有什么不同？"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d[0]["messages"].__setitem__(
                3, {"role": "user", "content": d[0]["messages"][1]["content"]}
            ),
            "repeated",
        ),
        (
            lambda d: d[0]["prompt_infos"][d[0]["messages"][1]["content"]].__setitem__(
                "alignment", "sideways"
            ),
            "alignment",
        ),
        (
            lambda d: d[0]["prompt_infos"][d[0]["messages"][1]["content"]]["criteria"][
                "1"
            ].__setitem__("criteria_type", "心情约束"),
            "unknown constraint type",
        ),
        (
            lambda d: d[0]["prompt_infos"][d[0]["messages"][1]["content"]]["criteria"]["1"].pop(
                "criteria_content"
            ),
            "lacks",
        ),
        (lambda d: d[0].__setitem__("prompt_infos", {}), "no turn has a checklist"),
        (lambda d: d[1].__setitem__("system_id", 1), "duplicate system_id"),
        (lambda d: d[0].pop("messages"), "expected an object with 'messages'"),
    ],
)
def test_malformed_sources_are_reported(mutate: Any, message: str) -> None:
    d = copy.deepcopy(data())
    mutate(d)
    with pytest.raises(DataError, match=message):
        convert(d)


def test_cli_reports_errors_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert run_import(tmp_path, bad) == 1
    assert "not JSON" in capsys.readouterr().err
    bad.write_text('{"a": 1}', encoding="utf-8")
    assert run_import(tmp_path, bad) == 1
    assert "expected a JSON array" in capsys.readouterr().err
    assert run_import(tmp_path, tmp_path / "missing.json") == 1
    assert run_import(tmp_path, FIXTURE, "--chunk", "0") == 2


def test_full_size_files_are_checked_against_the_published_counts() -> None:
    base = data()[1]
    many = []
    for i in range(500):
        d = copy.deepcopy(base)
        d["system_id"] = i + 1
        many.append(d)
    _, report = convert(many)
    assert report.counts["dialogues"] == EXPECTED["dialogues"]
    assert "constraints: got 3500, expected 5952" in report.warnings
    assert not any(w.startswith("dialogues:") or w.startswith("turns:") for w in report.warnings)


@pytest.mark.skipif(
    not (SHARED / "datasets" / "sysbench" / "system_benchmark_eval_datas.json").exists()
    and not os.environ.get("SYSBENCH_DATA"),
    reason="the official SysBench file is not redistributable; set SYSBENCH_DATA=PATH to a copy",
)
def test_the_official_file_when_the_user_has_one(tmp_path: Path) -> None:
    source = Path(
        os.environ.get("SYSBENCH_DATA")
        or SHARED / "datasets/sysbench/system_benchmark_eval_datas.json"
    )
    _, report = convert(json.loads(source.read_bytes()))
    assert {k: report.counts[k] for k in EXPECTED} == EXPECTED
    assert report.counts["program"] > 0.2 * report.counts["constraints"]


# --- classifier ---------------------------------------------------------------------------------

PROGRAM = [
    ("字数数量小于100", {"length": {"unit": "chars", "lt": 100}}),
    ("汉字字数数量小于50。", {"length": {"unit": "han", "lt": 50}}),
    ("汉字字数不超过200", {"length": {"unit": "han", "max": 200}}),
    ("回复字数在100字以内", {"length": {"unit": "chars", "max": 100}}),
    ("字数数量大于１００", {"length": {"unit": "chars", "gt": 100}}),
    ("以“收到”开头", {"starts_with": "收到"}),
    ('以"let me see"开头', {"starts_with": "let me see"}),
    ("以🎩开头", {"starts_with": "🎩"}),
    ("以“还有什么想问的请随时告诉我！”结尾", {"ends_with": "还有什么想问的请随时告诉我！"}),
    ("以😠结尾", {"ends_with": "😠"}),
    (
        "回复中包含“我的回答仅供参考，不替代专业医疗建议”",
        {"contains": "我的回答仅供参考，不替代专业医疗建议"},
    ),
    ("包含“首先”、“其次”、“最后”", {"contains": ["首先", "其次", "最后"]}),
    ("不能出现“作为AI语言模型，我不能”", {"not_contains": "作为AI语言模型，我不能"}),
    ("使用emoji", {"emoji_count": {"min": 1}}),
    ("使用3个不同的emoji", {"distinct_emoji": {"eq": 3}}),
    ("至少使用2个emoji", {"emoji_count": {"min": 2}}),
    ("用英文回复", {"language": "en"}),
    ("使用中文进行回复", {"language": "zh"}),
    ("结尾不使用标点符号", {"no_trailing_punctuation": True}),
    ("不使用任何标点符号", {"no_punctuation": True}),
    ("回复为3段", {"paragraph_count": 3}),
    ("以JSON格式输出", {"json": True}),
    ("以表格形式输出", {"markdown_table": True}),
    ("不使用markdown格式", {"no_markdown": True}),
    ("不使用阿拉伯数字", {"no_digits": True}),
    ("The reply must be at most 50 words.", {"length": {"unit": "words", "max": 50}}),
    ('Begin with "Dear customer"', {"starts_with": "Dear customer"}),
    ('End with "Cheers!"', {"ends_with": "Cheers!"}),
    ("Reply in French", {"language": "fr"}),
    ('Do not mention "price" or "cost"', {"not_contains": ["price", "cost"]}),
    ("Use exactly 3 paragraphs", {"paragraph_count": 3}),
]
JUDGE = [
    "语气温和亲切",
    "以“收到”开头，语气温和",  # a checkable half and a judged half
    "字数100",  # no operator: ambiguous
    "拒绝回答与茶无关的问题",
    "介绍自己是茶艺师小茶",
    "每个案例不超过50字",  # scoped: only a necessary condition is checkable
    "Be polite and concise",
]


@pytest.mark.parametrize(("text", "check"), PROGRAM)
def test_checkable_patterns_become_program_checks(text: str, check: dict[str, Any]) -> None:
    assert classify(text) == check


@pytest.mark.parametrize("text", JUDGE)
def test_everything_else_stays_with_the_judge(text: str) -> None:
    assert classify(text) is None


# --- issue 16: the two wrong verdicts, the wording fixture and the coverage report ---------------


def _program(text: str, reply: str) -> bool:
    from pytest_llmbench.families.sysbench.checks import build_all

    check = classify(text)
    assert check is not None, text
    return all(fn(reply)[0] for _, fn in build_all(check, text))


def test_a_latin_literal_matches_in_any_case() -> None:
    """“let me see” was matched case-sensitively, so a reply opening "Let me see，" failed."""
    assert _program('以"let me see"开头', "Let me see，这个问题我来回答。")
    assert _program('以"let me see"开头', "LET ME SEE: 好的。")
    assert not _program('以"let me see"开头', "Well, let me see.")
    assert _program("以大写的“OK”开头", "OK，马上处理。")  # the case is stated: it counts
    assert not _program("以大写的“OK”开头", "ok，马上处理。")


def test_wei_before_yinei_means_at_most() -> None:
    """“回复字数为100字以内” was read as exactly 100 (为 "equals" before 以内 was seen)."""
    assert classify("回复字数为100字以内") == {"length": {"unit": "chars", "max": 100}}
    assert _program("回复字数为100字以内", "绿茶宜用八十度的水冲泡，两分钟即可。")
    assert not _program("回复字数为100字以内", "茶" * 101)
    assert classify("表情数量为3个以内") == {"emoji_count": {"max": 3}}
    assert classify("回复字数为100字") == {"length": {"unit": "chars", "eq": 100}}


WORDING_FIXTURE = Path(__file__).parent / "data" / "sysbench_wordings.json"


def test_the_wording_fixture_is_in_sync_with_the_table() -> None:
    from .make_wordings_fixture import render

    assert WORDING_FIXTURE.read_text(encoding="utf-8") == render(), (
        "run python -m tests.families.sysbench.make_wordings_fixture"
    )


def test_importing_the_official_format_fixture_classifies_like_the_table() -> None:
    from .wordings import load

    table = {w.text: w.expected() for w in load()}
    scenarios, report = convert(json.loads(WORDING_FIXTURE.read_text(encoding="utf-8")))
    got = {}
    for sc in scenarios:
        for turn in sc["turns"]:
            for c in turn["expect"][0]["sysbench/checklist"]["criteria"]:
                got[c["text"]] = (c["method"], c.get("check"), c.get("decides"), c.get("when"))
    assert got == table
    counts = report.counts
    assert counts["program"] + counts["partial"] + counts["judge"] == len(table)
    assert counts["program"] >= 0.95 * sum(1 for m, *_ in table.values() if m == "program")
    registry = ScorerRegistry()  # every imported checklist builds
    for sc in scenarios:
        for turn in sc["turns"]:
            registry.build("sysbench/checklist", turn["expect"][0]["sysbench/checklist"])


def test_import_report_prints_the_coverage_per_constraint_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .wordings import load

    assert main(["import", "sysbench", "--source", str(WORDING_FIXTURE), "--report"]) == 0
    out = capsys.readouterr().out
    assert "coverage by constraint type" in out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith("  ")}
    total, program, partial, judge = (int(x) for x in rows["all"][:4])
    assert total == program + partial + judge == len(load())
    for kind in ("content", "action", "style", "format", "role", "background"):
        n, p, q, j = (int(x) for x in rows[kind][:4])
        assert n == p + q + j
    assert "by family (constraints with a check):" in out and "judge items, by reason:" in out
    assert "files" not in out and not list(tmp_path.iterdir())  # --report alone writes nothing
    assert main(["import", "sysbench", "--source", str(WORDING_FIXTURE)]) == 2
    assert "give --out DIR" in capsys.readouterr().err
