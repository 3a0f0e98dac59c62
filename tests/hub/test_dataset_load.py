"""The uploaded dataset, loaded back as a user does: ``huggingface_hub.snapshot_download`` of the
repo, then ``datasets.load_dataset(folder, "all_runs")`` and ``"latest"``. A series of runs of
different shapes (all passing, failures, errors, skips, two models, other scorers) must come
back as one typed table, whatever columns happened to be all null in one of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Imported here, at collection: pyarrow (under datasets) cannot be imported a second time in
# one process, and pytester drops the modules first imported during a test.
import datasets
import pytest

from tests.conftest import WARNINGS_AS_ERRORS
from tests.servers.hub_server import FakeHubServer

REPO = "org/typed"
GEO = """\
suite: geo
scenarios:
  - id: capital
    user: What is the capital of France?
    expect: [{contains: Paris}]
    reference: {pass: [Paris], fail: [Lyon]}
  - id: name
    turns:
      - user: My name is Ada.
      - user: What is my name?
        expect: [{contains: Ada}]
    reference: {pass: [[Hi, Ada]], fail: [[Hi, Bob]]}
"""
# Other scorers, a scenario without references (skipped under llmbench/reference) and one the
# custom client below fails on (an error).
MIXED = """\
suite: mixed
scenarios:
  - id: digits
    user: Give a number
    tags: [numbers]
    metadata: {level: 2, notes: [a, b]}
    expect: [{regex: '^[0-9]+$'}, {not_contains: x}]
    reference: {pass: ['42'], fail: [forty-two]}
  - id: unreferenced
    user: Anything
    expect: [{contains: anything}]
  - id: boom
    user: BOOM
    expect: [{contains: ok}]
    reference: {pass: [ok], fail: [nope]}
"""
CONFTEST = """
from pytest_llmbench.client.base import ChatResponse
from pytest_llmbench.errors import InfrastructureError


class Scripted:
    async def complete(self, request, timeout):
        text = request.messages[-1]["content"]
        if "BOOM" in text:
            raise InfrastructureError("the scripted server fell over")
        reply = "42" if "number" in text else "anything Paris Ada ok"
        return ChatResponse(content=reply, cost=0.001)

    async def aclose(self):
        pass


def pytest_llmbench_make_client(settings):
    return Scripted()
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*WARNINGS_AS_ERRORS, "--llm-hf-repo", REPO, "--llm-cache=off", *args)


def load(folder: str, config: str, cache: Path) -> Any:
    return datasets.load_dataset(folder, config, split="train", cache_dir=str(cache))


def test_a_series_of_runs_loads_as_one_typed_table(
    pytester: pytest.Pytester, hub: FakeHubServer, tmp_path: Path
) -> None:
    from huggingface_hub import snapshot_download

    (pytester.path / "geo.llmbench.yaml").write_text(GEO, encoding="utf-8")
    pytester.makeconftest(CONFTEST)
    # 1: everything passes (error, cost, skip_reason... all null in this run's rows).
    run(pytester, "--llm-model=llmbench/reference", "geo.llmbench.yaml").assert_outcomes(passed=2)
    # 2: failures only.
    run(pytester, "--llm-model=llmbench/violate", "geo.llmbench.yaml").assert_outcomes(failed=2)
    (pytester.path / "mixed.llmbench.yaml").write_text(MIXED, encoding="utf-8")
    # 3: two models, skips, other scorers.
    run(pytester, "--llm-model=llmbench/reference", "--llm-model=llmbench/violate").assert_outcomes(
        passed=4, failed=4, skipped=2
    )
    # 4: errors, a cost, metadata (the custom client of the conftest), newest for custom/model.
    fourth = run(pytester, "--llm-model=custom/model", "--llm-retries=0")
    fourth.assert_outcomes(passed=4, errors=1)
    uploads = [line for line in fourth.stdout.lines if "uploaded run" in line]
    assert len(set(uploads)) == 1  # (the recap repeats it last)

    folder = snapshot_download(
        REPO, repo_type="dataset", endpoint=hub.url, cache_dir=str(tmp_path / "snap")
    )
    every = load(folder, "all_runs", tmp_path / "ds")
    features = every.features
    assert features["passed"] == datasets.Value("bool")
    assert features["cost"] == datasets.Value("float64")
    assert features["error"] == datasets.Value("string")
    assert features["git_revision"] == datasets.Value("string")
    assert features["failing_scorers"] == datasets.List(datasets.Value("string"))
    score = features["scores"].feature
    assert score["passed"] == datasets.Value("bool") and score["value"] == datasets.Value("float64")
    message = features["transcript"].feature
    assert message["content"] == datasets.Value("string")
    assert message["tool_calls"].feature["function"]["arguments"] == datasets.Value("string")

    df = every.to_pandas()
    assert df.run_id.nunique() == 4
    assert len(df) == 2 + 2 + 2 * (2 + 3) + 5
    skipped = df[df.outcome == "skipped"]
    assert len(skipped) == 2 and skipped.passed.isna().all()
    assert skipped.skip_reason.all()
    errors = df[df.outcome == "error"]
    assert len(errors) == 1 and errors.passed.isna().all()
    assert "fell over" in errors.error.iloc[0]
    judged = df[df.outcome.isin(["passed", "failed"])]
    # The mean of `passed` (NaN skipped by pandas) is the pass rate of the judged rows.
    assert df.passed.mean() == pytest.approx((judged.outcome == "passed").mean())
    assert (judged.outcome == "passed").sum() == 2 + 4 + 4
    # Nested columns are records, not JSON text.
    digits = df[(df.scenario == "digits") & (df.model == "custom/model")].iloc[0]
    assert [s["name"] for s in digits.scores] == ["regex", "not_contains"]
    assert all(s["passed"] for s in digits.scores)
    assert [m["role"] for m in digits.transcript] == ["user", "assistant"]
    assert json.loads(digits.metadata) == {"level": 2, "notes": ["a", "b"]}
    assert digits.cost == pytest.approx(0.001)

    latest = load(folder, "latest", tmp_path / "ds").to_pandas()
    assert latest.columns.tolist() == df.columns.tolist()
    pairs = set(zip(latest.suite, latest.model, strict=True))
    models = ("llmbench/reference", "llmbench/violate", "custom/model")
    assert pairs == {(s, m) for s in ("geo", "mixed") for m in models}
    # Per suite × model the rows are those of its latest run only.
    for (suite, model), group in latest.groupby(["suite", "model"]):
        assert group.run_id.nunique() == 1, (suite, model)
        newest = df[(df.suite == suite) & (df.model == model)].started.max()
        assert group.started.iloc[0] == newest
