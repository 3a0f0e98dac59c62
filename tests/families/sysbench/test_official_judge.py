"""The official SysBench judge: requests identical to upstream's harness, turn by turn.

Upstream's ``do_infer`` / ``do_eval`` (``../shared/datasets/sysbench/official/``, run in a
subprocess by ``official_harness.py``) and pytest over the suites imported with
``--official-code`` get the same scripted model and judge (``judge_script.py``). Compared:
every judge request (one user message, text byte for byte, the temperature and the keys sent),
in order per turn, through unusable answers, an answer cut short (finish_reason ``length``:
re-asked at the same temperature, never parsed), answers keyed by ``criteria_id`` instead of
the criteria keys, and a turn that exhausts the ten tries (temperatures 0 x5 then 0.5 x5; in
the reference-history script 0 x10); the model-under-test requests; and the verdicts.
The fixture ``data/sysbench_judge.json`` is ours, in the official format.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.families.sysbench.llm_judge import build_messages
from pytest_llmbench.families.sysbench.official import read
from pytest_llmbench.scenario import load_suite
from tests.conftest import SHARED
from tests.families.sysbench.judge_script import Script, verdict
from tests.servers.openai_server import FakeOpenAIServer

CHECKOUT = SHARED / "datasets" / "sysbench" / "official"
HERE = Path(__file__).parent
DATA = HERE / "data" / "sysbench_judge.json"
MODEL = "gpt-4o-2024-05-13"
pytestmark = pytest.mark.skipif(
    not (CHECKOUT / "utils.py").is_file(),
    reason="the official SysBench code is not in ../shared/datasets/sysbench/official/",
)


def dataset() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(DATA.read_text("utf-8"))
    return loaded


def user(system_id: int, turn: int) -> str:
    d = next(d for d in dataset() if d["system_id"] == system_id)
    return [m["content"] for m in d["messages"] if m["role"] == "user"][turn - 1]


def plans() -> dict[str, list[list[str]]]:
    return {
        # unusable, then a usable answer cut short (re-asked, not parsed), then a "否"
        user(11, 2): [
            ["I cannot answer in JSON.", "stop"],
            [verdict(["1", "2"]), "length"],
            [verdict(["1", "2"], {"2": "否"}), "stop"],
        ],
        # keyed by the criteria_id the prompt shows (5, 6) instead of the keys: rejected
        user(11, 3): [[verdict([6, 5]), "stop"], [verdict(["2", "1"], {"1": "不适用"}), "stop"]],
        # JSON's true is no Python literal: rejected as upstream's eval rejects it
        user(11, 4): [
            ['```json\n{"评判理由": true, "评判结果": {1: "是"}}\n```', "stop"],
            [verdict(["1"]), "stop"],
        ],
        user(12, 1): [["garbage", "stop"]],  # never usable: ten tries, then the dialogue fails
    }


def official_run(tmp_path: Path, history: str) -> dict[str, Any]:
    plans_file = tmp_path / "plans.json"
    plans_file.write_text(json.dumps(plans(), ensure_ascii=False), "utf-8")
    out = tmp_path / "official.json"
    cmd = [sys.executable, str(HERE / "official_harness.py"), str(CHECKOUT), str(DATA)]
    cmd += [str(plans_file), history, str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return result


def by_turn(requests: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Judge requests per turn (the turn's user text), in order, as canonical JSON."""
    script = Script(dataset(), {})
    out: dict[str, list[str]] = defaultdict(list)
    for body in requests:
        if body["messages"][0]["role"] == "user":
            turn = script.turn_of(body["messages"][0]["content"])
            out[turn].append(json.dumps(body, ensure_ascii=False, sort_keys=True))
    return dict(out)


def model_requests(requests: list[dict[str, Any]]) -> list[str]:
    return sorted(
        json.dumps(b, ensure_ascii=False, sort_keys=True)
        for b in requests
        if b["messages"][0]["role"] == "system"
    )


@pytest.mark.parametrize("history", ["model", "reference"])
def test_judge_requests_equal_the_official_harness(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, tmp_path: Path, history: str
) -> None:
    official = official_run(tmp_path, history)
    out = pytester.path / "sb"
    args = ["--source", str(DATA), "--out", str(out), "--official-code", str(CHECKOUT)]
    assert main(["import", "sysbench", *args, "--history", history]) == 0
    script = Script(dataset(), plans())

    def serve(body: dict[str, Any]) -> dict[str, Any]:
        text, finish = script(body["messages"])
        return {"content": text, "finish_reason": finish}

    fake_server.script(serve)
    run = pytester.runpytest(
        str(out),
        f"--llm-model=openai/{MODEL}",
        f"--llm-api-base={fake_server.base_url}",
        f"--llm-judge-model=openai/{MODEL}",
        f"--llm-judge-api-base={fake_server.base_url}",
        "--llm-cache=off",
        "--llm-results=out.json",
        "-p",
        "no:cacheprovider",
    )
    ours, theirs = by_turn(fake_server.requests), by_turn(official["requests"])
    # Upstream stops judging a dialogue at its first failed turn; so do we (own history: the
    # conversation ends there; reference history: each round is a scenario, and the
    # failed dialogue's later rounds are judged too).
    for turn, requests in theirs.items():
        if turn == user(13, 1):
            # The reply holds "字数数量12": upstream's ten verdicts are all rejected by its
            # swapped length check; we make the dialogue an error without asking.
            assert len(requests) == 10 and turn not in ours
            continue
        assert ours.get(turn) == requests, turn
    extra = set(ours) - set(theirs)
    later = {user(d, k) for d in (12, 13) for k in range(2, 6)}
    assert extra == (set() if history == "model" else later)
    # The schedule of a turn that never gets a usable answer.
    temperatures = [json.loads(r)["temperature"] for r in theirs[user(12, 1)]]
    expected = [0] * 5 + [0.5] * 5 if history == "model" else [0] * 10
    assert temperatures == expected  # (the request equality above also holds 0 apart from 0.0)
    assert [type(t) for t in temperatures] == [type(t) for t in expected]
    assert len(theirs[user(11, 2)]) == 3  # unusable, cut short, usable
    # The model under test: identical wherever upstream reaches the same turns.
    ours_model, theirs_model = (
        model_requests(fake_server.requests),
        model_requests(official["requests"]),
    )
    assert set(ours_model) <= set(theirs_model)
    d11 = [r for r in theirs_model if "青叶" in r]
    assert sorted(r for r in ours_model if "青叶" in r) == d11 and len(d11) == 5
    # Verdicts: what upstream stored, mapped to yes/no/other.
    doc = json.loads((pytester.path / "out.json").read_text("utf-8"))
    labels = {"是": "yes", "否": "no"}
    upstream = official["eval_results"]["11"]
    for row in doc["results"]:
        if row["metadata"]["system_id"] != 11:
            continue
        for score in row["scores"]:
            info = score["metadata"]["sysbench"]
            turn = user(11, info["round"])
            want = {k: labels.get(v, v) for k, v in upstream[turn]["评判结果"].items()}
            key_of = {i["id"]: i for i in row_items(out, 11, info["round"])}
            got = {key_of[i["id"]]["key"]: i["official"] for i in info["items"]}
            assert got == want, turn
            assert score["metadata"]["judge"]["wording"] == "official"
    assert run.parseoutcomes().get("errors") == 2  # dialogues 12 and 13 (their first rounds)
    run.stdout.fnmatch_lines(["sysbench *; official: comparable with the published numbers"])
    agg = doc["aggregates"]["sysbench"]["models"][f"openai/{MODEL}"]
    assert agg["comparable"] and agg["errors"] == 2


def row_items(folder: Path, system_id: int, round_: int) -> list[dict[str, Any]]:
    for path in sorted(folder.glob("*.llmbench.yaml")):
        for sc in load_suite(path).scenarios:
            if sc.metadata.get("system_id") != system_id:
                continue
            for turn in sc.turns:
                if turn.user == user(system_id, round_) and turn.expect:
                    items: list[dict[str, Any]] = list(turn.expect[0].args["criteria"])
                    return items
    raise AssertionError((system_id, round_))


def test_the_imported_suite_records_the_judge_wording(tmp_path: Path) -> None:
    args = ["--source", str(DATA), "--out", str(tmp_path / "official")]
    assert main(["import", "sysbench", *args, "--official-code", str(CHECKOUT)]) == 0
    assert main(["import", "sysbench", "--source", str(DATA), "--out", str(tmp_path / "own")]) == 0
    (official,) = [load_suite(p) for p in (tmp_path / "official").glob("*.yaml")]
    (own,) = [load_suite(p) for p in (tmp_path / "own").glob("*.yaml")]
    assert official.provenance is not None and official.provenance.comparable
    assert [f.path for f in official.provenance.wording.files] == ["utils.py"]
    assert [f.path for f in official.provenance.decoding.files] == [
        "eval_system_bench.py",
        "models/gpt4o.py",
    ]
    assert own.provenance is not None and not own.provenance.comparable
    assert own.provenance.wording.source == "own"
    assert own.provenance.data == official.provenance.data
    ref = official.scenarios[0].turns[0].expect[0]
    assert ref.args["judge"]["wording"] == "official"
    assert "judge" not in own.scenarios[0].turns[0].expect[0].args
    # The official judge lists the criteria in the file's order, with their keys.
    third = [c for c in official.scenarios[0].turns[2].expect[0].args["criteria"]]
    assert [(c["key"], c["id"]) for c in third] == [("2", "6"), ("1", "5")]
    assert official.scenarios[0].turns[1].expect[0].args["criteria"][1]["text"].endswith(" ")


def test_our_own_judge_wording_carries_no_official_sentence() -> None:
    from pytest_llmbench.scoring.api import Message

    prompt = read(CHECKOUT).judge.prompt
    theirs = "".join(prompt.values())
    conversation = [Message("system", "S"), Message("user", "U"), Message("assistant", "A")]
    ours = "\n".join(
        m["content"] for m in build_messages(conversation, [])
    )  # our own system message and layout
    shared = [theirs[i : i + 12] for i in range(len(theirs) - 12) if theirs[i : i + 12] in ours]
    # Only the two JSON field names the answer must use are common (they are data keys).
    assert all(set(s) <= set('"评判理由结果":{} \n') for s in shared), shared


def _broken(tmp_path: Path, rel: str, old: str, new: str) -> Path:
    copy = tmp_path / "SysBench"
    shutil.copytree(CHECKOUT, copy)
    path = copy / rel
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    ("rel", "old", "new", "message"),
    [
        ("utils.py", "def get_eval_pattern(", "def eval_pattern(", "no function get_eval_pattern"),
        (
            "utils.py",
            "{system_prompt}",
            "{system_prompt.strip()}",
            "get_eval_pattern: unknown placeholder {system_prompt.strip()} in the head piece",
        ),
        (
            "utils.py",
            '" | " + criteria[cri_id]["criteria_type"]',
            '" | " + criteria[cri_id]["type"]',
            "get_eval_pattern: criteria_pattern has another shape",
        ),
        (
            "eval_system_bench.py",
            "temperature=0 if retry_i < retry_time // 2 else 0.5",
            "temperature=self.temperature",
            "SystemBenchEval.do_eval: temperature=self.temperature",
        ),
        (
            "eval_system_bench.py",
            "def do_eval(self, data, retry_time=10):",
            "def do_eval(self, data, retry_time=None):",
            "retry_time defaults to None",
        ),
        (
            "models/gpt4o.py",
            'finish_reason == "stop"',
            "finish_reason",
            'gpt4o.__call__: no check that the answer finished with "stop"',
        ),
    ],
)
def test_a_changed_upstream_file_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rel: str, old: str, new: str, message: str
) -> None:
    copy = _broken(tmp_path, rel, old, new)
    args = ["--source", str(DATA), "--out", str(tmp_path / "o"), "--official-code", str(copy)]
    assert main(["import", "sysbench", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"llmbench import sysbench: {rel}: ") and message in err, err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "o").exists()


def test_a_folder_that_is_not_the_checkout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--source", str(DATA), "--out", str(tmp_path / "o"), "--official-code", str(tmp_path)]
    assert main(["import", "sysbench", *args]) == 2
    err = capsys.readouterr().err
    assert "not a checkout of the official SysBench repository (no eval_system_bench.py)" in err
    (tmp_path / "eval_system_bench.py").write_text("x = 1\n")
    assert main(["import", "sysbench", *args]) == 2
    assert "no utils.py" in capsys.readouterr().err
