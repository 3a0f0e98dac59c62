"""StatQA official-wording mode: every request equals the official harness's.

The expected requests come from running the official code of ``../shared/datasets/statqa/
official`` in a child process (``official_harness.py``): ``prompt_organization.py`` builds the
prompts of every strategy for all 1,163 mini-StatQA items, replaying the demonstrations the
importer drew, and ``gpt_answer`` of the GPT runner posts each one to a recording server. A
pytest run of the imported suites posts to another. The two sets of request bodies must be
equal. The LLaMA runner's parameters are checked the same way on the first rows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_llmbench.cli import main
from pytest_llmbench.families.statqa.prompts import STRATEGIES
from pytest_llmbench.families.statqa.source import ITEMS_FILE
from tests.conftest import SHARED
from tests.recorded_runs import (
    FULL_SET,
    assert_same_requests,
    run_official,
    run_suites,
    skip_unless_slow_selected,
    write_subset,
)

DATA = SHARED / "datasets" / "statqa"
CODE = DATA / "official"
HARNESS = Path(__file__).with_name("official_harness.py")
pytestmark = pytest.mark.skipif(
    not (DATA / ITEMS_FILE).is_file() or not (CODE / "prompt_wording.py").is_file(),
    reason=f"official StatQA data and code not found at {DATA} (../shared/datasets/statqa)",
)
SEED = 11
ITEMS = 1163
SAMPLE = range(0, ITEMS, 9)  # the default run: every 9th item (130), every strategy


def _load(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    doc: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    return doc


def _import(out: Path, *extra: str) -> list[dict[str, Any]]:
    args = ["import", "statqa", "--source", str(DATA), "--official-code", str(CODE)]
    assert main([*args, "--out", str(out), "--prompt", "all", "--seed", str(SEED), *extra]) == 0
    return [_load(p) for p in sorted(out.glob("*.llmbench.yaml"))]


def _picks(docs: list[dict[str, Any]], rows: list[int]) -> dict[str, list[list[str]]]:
    """Per strategy, for ``rows`` in order: the demonstrations the importer drew (and
    recorded)."""
    by_row: dict[str, dict[int, list[str]]] = {}
    for doc in docs:
        strategy = doc["defaults"]["metadata"]["prompt"]
        for sc in doc["scenarios"]:
            meta = sc["metadata"]
            by_row.setdefault(strategy, {})[meta["index"]] = meta["demonstrations"]
    return {s: [found[i] for i in rows] for s, found in by_row.items()}


def _answers(docs: list[dict[str, Any]]) -> dict[str, str]:
    return {sc["user"]: sc["reference"]["pass"][0] for doc in docs for sc in doc["scenarios"]}


def _subset(docs: list[dict[str, Any]], rows: list[int], folder: Path) -> list[Path]:
    keep = set(rows)
    return [
        write_subset(
            doc, lambda sc: sc["metadata"]["index"] in keep, folder / f"{n:02d}.llmbench.yaml"
        )
        for n, doc in enumerate(docs)
    ]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every strategy × all 1,163 items, official wording, the GPT runner's decoding."""
    root = tmp_path_factory.mktemp("statqa-official")
    return {"root": root, "docs": _import(root / "suites")}


@pytest.fixture(scope="module", params=["sample", pytest.param("full", marks=FULL_SET)])
def official_gpt(request: pytest.FixtureRequest, imported: dict[str, Any]) -> dict[str, Any]:
    """The suites to run (the sample, or all items) and the official requests for them."""
    skip_unless_slow_selected(request)
    root, docs = imported["root"] / request.param, imported["docs"]
    rows = list(SAMPLE) if request.param == "sample" else list(range(ITEMS))
    paths = (
        _subset(docs, rows, root / "run")
        if request.param == "sample"
        else [imported["root"] / "suites"]
    )
    spec = {
        "code": str(CODE),
        "data": str(DATA),
        "work": str(root / "work"),
        "strategies": list(STRATEGIES),
        "picks": _picks(docs, rows),
        "rows": rows if request.param == "sample" else None,
        "llama": False,
    }
    out, requests = run_official(HARNESS, spec, root / "harness")
    return {
        "root": root,
        "paths": paths,
        "rows": rows,
        "prompts": out["prompts"],
        "requests": requests,
    }


def test_every_strategy_and_item_is_sent_as_the_gpt_runner_sends_it(
    official_gpt: dict[str, Any], imported: dict[str, Any]
) -> None:
    expected, rows = official_gpt["requests"], official_gpt["rows"]
    assert len(expected) == len(STRATEGIES) * len(rows)
    assert {len(p) for p in official_gpt["prompts"].values()} == {len(rows)}
    # Strict scoring: the server answers each prompt with its gold, so every item must pass
    # (official scoring fails the six apostrophe items whatever the reply, by design).
    sent, run = run_suites(
        official_gpt["paths"],
        _answers(imported["docs"]),
        "--llm-scoring=strict",
        cwd=official_gpt["root"],
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"{len(expected)} passed" in run.stdout
    assert_same_requests(expected, sent)
    # The GPT runner sends temperature 0 and nothing else: no max_tokens.
    assert {json.dumps(sorted(set(b) - {"messages"})) for b in sent} == {'["model", "temperature"]'}
    assert {b["temperature"] for b in sent} == {0}


def test_the_demonstrations_are_drawn_from_the_official_pools_and_recorded(
    imported: dict[str, Any],
) -> None:
    picks = _picks(imported["docs"], list(range(ITEMS)))
    shots = {"zero-shot": 0, "zero-shot-CoT": 0, "two-shot": 2}
    for strategy, rows in picks.items():
        assert {len(r) for r in rows} == {shots.get(strategy, 1)}
        if shots.get(strategy, 1):
            assert len({tuple(r) for r in rows}) > 3  # the draws vary from item to item
    assert {n for r in picks["one-shot-CoT"] for n in r} == {
        "COT_CA_EG",
        "COT_CTT_EG",
        "COT_DCT_EG",
        "COT_VT_EG",
        "COT_DS_EG",
    }
    # The same seed draws the same demonstrations: the import is reproducible.
    again = _picks(_import(imported["root"] / "again", "--limit", "50"), list(range(50)))
    assert again == {s: rows[:50] for s, rows in picks.items()}


def test_provenance_is_official_and_comparable(imported: dict[str, Any]) -> None:
    for doc in imported["docs"]:
        prov = doc["provenance"]
        assert prov["comparable"] is True
        wording, decoding = prov["wording"], prov["decoding"]
        assert wording["source"] == "official" and decoding["source"] == "official"
        assert [f["path"] for f in wording["files"]] == [
            "Construction/prompt_organization.py",
            "prompt_wording.py",
        ]
        assert [f["path"] for f in decoding["files"]] == ["Evaluation/gpt_evaluation.py"]
        assert prov["data"]["files"][0]["path"] == "StatQA/mini-StatQA.json"
        strategy = doc["defaults"]["metadata"]["prompt"]
        assert wording["variant"] == strategy
        assert ("seed 11" in wording.get("note", "")) == (
            strategy not in ("zero-shot", "zero-shot-CoT")
        )


def test_llama_decoding_is_the_llama_runners_and_never_comparable(tmp_path: Path) -> None:
    rows = list(SAMPLE)[:30]
    docs = _import(tmp_path / "suites", "--decoding", "llama", "--limit", str(rows[-1] + 1))
    spec = {
        "code": str(CODE),
        "data": str(DATA),
        "work": str(tmp_path / "work"),
        "strategies": list(STRATEGIES),
        "picks": _picks(docs, rows),
        "rows": rows,
        "llama": True,
    }
    out, _ = run_official(HARNESS, spec, tmp_path / "harness")
    expected = [
        {"model": "fake", "messages": [{"role": "user", "content": r["prompt"]}], **r["params"]}
        for found in out["llama"].values()
        for r in found
    ]
    assert len(expected) == len(STRATEGIES) * len(rows)
    paths = _subset(docs, rows, tmp_path / "run")
    sent, run = run_suites(paths, _answers(docs), "--llm-scoring=strict", cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-3000:]
    assert_same_requests(expected, sent)
    assert {b["max_tokens"] for b in sent} == {256, 1024}
    for doc in docs:
        decoding = doc["provenance"]["decoding"]
        assert decoding["variant"] == "llama" and decoding["source"] == "own"
        assert doc["provenance"]["comparable"] is False


def test_litellm_sends_the_same_body_as_the_fast_path(
    imported: dict[str, Any], tmp_path: Path
) -> None:
    """The comparisons above run the fast path; a few items through litellm must match too:
    the same bodies as the fast path sends for them (themselves checked against upstream)."""
    doc = next(d for d in imported["docs"] if d["defaults"]["metadata"]["prompt"] == "stats-prompt")
    first = {sc["metadata"]["index"] for sc in doc["scenarios"][:5]}
    (path,) = _subset([doc], sorted(first), tmp_path / "run")
    answers = _answers([doc])
    fast, run = run_suites([path], answers, "--llm-scoring=strict", cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-3000:]
    slow, run = run_suites(
        [path], answers, "--llm-transport=litellm", "--llm-scoring=strict", cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert len(fast) == 5
    assert_same_requests(fast, slow)


# --- a checkout that does not fit: one clear error, exit 2, nothing written ------------------


@pytest.fixture
def checkout_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "StatQA"
    shutil.copytree(CODE, copy, ignore=shutil.ignore_patterns("*.csv", "LICENSE"))
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


BAD_CHECKOUTS = {
    "not-the-repository": (
        lambda c: shutil.rmtree(c) or c.mkdir(),
        "not a checkout of the official StatQA",
    ),
    "file-missing": (
        lambda c: (c / "Construction" / "prompt_organization.py").unlink(),
        "no Construction/prompt_organization.py",
    ),
    "constant-missing": (
        lambda c: _edit(c / "prompt_wording.py", "PROMPT_RESPONSE =", "RESPONSE_CUE ="),
        "prompt_wording.py: no constant PROMPT_RESPONSE",
    ),
    "constant-computed": (
        lambda c: _append(c / "prompt_wording.py", "PROMPT_COT = PROMPT_COT.strip()\n"),
        "prompt_wording.py: PROMPT_COT cannot be read statically",
    ),
    "assembly-changed": (
        lambda c: _edit(
            c / "Construction" / "prompt_organization.py",
            "+ refined_question \\",
            "+ refined_question.strip() \\",
        ),
        "uses 'refined_question.strip()', which this importer does not know",
    ),
    "strategy-gone": (
        lambda c: _edit(
            c / "Construction" / "prompt_organization.py",
            "trick == 'stats-prompt'",
            "trick == 'dk'",
        ),
        "builds no prompt for trick == 'stats-prompt'",
    ),
    "runner-changed": (
        lambda c: _edit(
            c / "Evaluation" / "gpt_evaluation.py", '"temperature": 0', '"temperature": temp'
        ),
        "Evaluation/gpt_evaluation.py: gpt_answer(): data['temperature'] is not a number",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CHECKOUTS))
def test_a_checkout_that_does_not_fit_is_one_clear_error(
    case: str, checkout_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spoil, message = BAD_CHECKOUTS[case]
    spoil(checkout_copy)
    out = tmp_path / "out"
    args = ["import", "statqa", "--source", str(DATA), "--official-code", str(checkout_copy)]
    assert main([*args, "--out", str(out), "--prompt", "all"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith("llmbench import statqa: --official-code: ")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()  # no fall-back to the project's own wording, no partial import


def test_strict_column_lines_cannot_pass_as_official(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["import", "statqa", "--source", str(DATA), "--official-code", str(CODE)]
    assert main([*args, "--out", str(tmp_path / "o"), "--mode", "strict"]) == 2
    assert "--mode strict" in capsys.readouterr().err
