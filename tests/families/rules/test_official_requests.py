"""Official-wording mode sends exactly what the official RuLES harness sends, for every case.

For each mode (S-RuLES system mode, the original paper's user mode), the official code in
``../shared/datasets/rules/official/`` is run in a subprocess (``official_harness.py``) against
a scripted model, giving every request it makes and its verdicts. The same 1,695 official cases
are imported with ``--official-code`` (the wording read from that checkout) and run by pytest
against a local server that records every request and answers with the same scripted model.
Requests (roles, order, text byte for byte), generation parameters and verdicts must be equal;
the scripted replies make conversations go on (turn k+1 carries reply k) or stop at the first
failure, so both the multi-turn protocol and the early stop are compared.

Both modes go over the default OpenAI-compatible fast path; user mode also over litellm (its
empty system message is what a client library could drop).
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from tests.conftest import PYTEST_SUBPROCESS, SHARED
from tests.families.rules.official_harness import reply
from tests.servers.openai_server import FakeOpenAIServer

OFFICIAL = SHARED / "datasets" / "rules" / "official"
DATA = SHARED / "datasets" / "rules" / "v2" / "s_rules" / "data"
HARNESS = Path(__file__).with_name("official_harness.py")
pytestmark = pytest.mark.skipif(
    not (OFFICIAL.is_dir() and DATA.is_dir()),
    reason=f"official RuLES code or data not available at {OFFICIAL} / {DATA}",
)


@dataclass
class Run:
    mode: str
    transport: str
    expected: dict[str, Any]  # the official harness: decoding, cases {id: {requests, passed}}
    requests: list[dict[str, Any]]  # what the local server received
    rows: dict[str, dict[str, Any]]  # results rows by case id
    trailing: dict[str, int]  # case id -> number of trailing user turns


def _trailing(doc: dict[str, Any]) -> int:
    roles = [m["role"].lower() for m in doc["messages"]]
    last = max((i for i, r in enumerate(roles) if r == "assistant"), default=-1)
    return len(roles) - last - 1


@pytest.fixture(
    scope="module",
    params=[("system", "auto"), ("user", "auto"), ("user", "litellm")],
    ids=["system", "user", "user-litellm"],
)
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    mode, transport = request.param
    tmp = tmp_path_factory.mktemp(f"rules-{mode}-{transport}")
    subprocess.run(
        [sys.executable, str(HARNESS), str(OFFICIAL), str(DATA), mode, str(tmp / "official.json")],
        check=True,
        timeout=300,
    )
    expected = json.loads((tmp / "official.json").read_text(encoding="utf-8"))
    suites = tmp / "suites"
    args = ["import", "rules", "--source", str(DATA), "--out", str(suites)]
    with contextlib.redirect_stdout(io.StringIO()):
        assert main([*args, "--official-code", str(OFFICIAL), "--instructions", mode]) == 0
    results = tmp / "results.json"
    with FakeOpenAIServer() as server:
        server.script(lambda body: reply(body["messages"]))
        proc = subprocess.run(
            [
                *PYTEST_SUBPROCESS, str(suites), "-q", "--llm-model=hosted_vllm/fake",
                f"--llm-api-base={server.base_url}", "--llm-cache=off", "--llm-progress=off",
                "--llm-concurrency=32", f"--llm-transport={transport}",
                f"--llm-results={results}",
            ],
            cwd=tmp, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        recorded = server.requests
    assert proc.returncode in (0, 1), proc.stdout[-3000:] + proc.stderr[-3000:]
    rows = {r["scenario"]: r for r in json.loads(results.read_text(encoding="utf-8"))["results"]}
    docs = [
        json.loads(line)
        for path in sorted(DATA.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    return Run(mode, transport, expected, recorded, rows, {d["id"]: _trailing(d) for d in docs})


def test_every_request_equals_the_official_harness(run: Run) -> None:
    cases = run.expected["cases"]
    assert len(cases) == 1695
    want = Counter(json.dumps(r) for c in cases.values() for r in c["requests"])
    got = Counter(json.dumps(r["messages"]) for r in run.requests)
    missing, extra = want - got, got - want
    assert not missing and not extra, (
        f"{run.mode} mode: {sum(missing.values())} official request(s) never sent, "
        f"{sum(extra.values())} request(s) the official harness does not send; first of each:\n"
        f"{next(iter(missing), '')[:1500]}\n{next(iter(extra), '')[:1500]}"
    )


def test_generation_parameters_are_the_official_ones(run: Run) -> None:
    decoding = run.expected["decoding"]  # generation_kwargs of the official task config
    assert decoding["until"] == [] and decoding["do_sample"] is False  # no stop, greedy
    for body in run.requests:
        params = {k: v for k, v in body.items() if k not in ("model", "messages")}
        assert params == {
            "temperature": decoding["temperature"],
            "max_tokens": decoding["max_gen_toks"],
        }


def test_verdicts_equal_the_official_evaluator(run: Run) -> None:
    cases = run.expected["cases"]
    assert set(run.rows) == set(cases)
    outcomes = {cid: row["outcome"] for cid, row in run.rows.items()}
    assert Counter(outcomes.values()) - Counter({"passed": 0, "failed": 0}) == Counter(
        "passed" if c["passed"] else "failed" for c in cases.values()
    )
    wrong = [cid for cid, c in cases.items() if (outcomes[cid] == "passed") != c["passed"]]
    assert not wrong, f"{len(wrong)} verdict(s) differ from the official evaluator: {wrong[:5]}"


def test_the_comparison_covers_multi_turn_and_early_stops(run: Run) -> None:
    """Guards the scripted model: some conversations must go past their first turn (so turn
    k+1 carries reply k) and some must stop before their last turn (the early stop)."""
    cases = run.expected["cases"]
    sent = {cid: len(c["requests"]) for cid, c in cases.items()}
    assert sum(n >= 2 for n in sent.values()) > 50
    assert sum(sent[cid] < run.trailing[cid] for cid in cases) > 50
    assert all(1 <= sent[cid] <= run.trailing[cid] for cid in cases)
    two = next(c["requests"] for c in cases.values() if len(c["requests"]) >= 2)
    assert two[1][: len(two[0])] == two[0] and two[1][len(two[0])]["role"] == "assistant"


def test_user_mode_opens_with_the_three_skipped_messages(run: Run) -> None:
    for body in run.requests:
        first = body["messages"][0]
        if run.mode == "user":
            roles = [m["role"] for m in body["messages"][:3]]
            assert first == {"role": "system", "content": ""}
            assert roles == ["system", "user", "assistant"]
        else:
            assert first["role"] == "system" and first["content"]
