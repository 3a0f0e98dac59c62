"""Distractors official-wording mode: every request equals what the official code builds.

The expected prompts come from running ``chain_of_thought_prompts.py`` of
``../shared/datasets/distractors/official`` in a child process (``official_harness.py``) on
every adversarial file and its original twin, as ``create_prompts_with_fake_para.py`` calls it.
The repository has no runner for the model under test: a GPT prompt is its ``system_prompt``
and ``user_prompt`` as a system and a user message (the layout of the repository's own OpenAI
calls), with no decoding parameter; a raw-text prompt (Llama-2, Mixtral) is one user message.
A pytest run of the imported suites posts to a recording server; the bodies must be equal.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_llmbench.cli import main
from pytest_llmbench.families.distractors.official import PROMPTS
from tests.conftest import SHARED
from tests.recorded_runs import (
    FULL_SET,
    assert_same_requests,
    run_official,
    run_suites,
    skip_unless_slow_selected,
    write_subset,
)

DATA = SHARED / "datasets" / "distractors"
CODE = DATA / "official"
HARNESS = Path(__file__).with_name("official_harness.py")
pytestmark = pytest.mark.skipif(
    not (DATA / "adversarial_datasets").is_dir()
    or not (CODE / "chain_of_thought_prompts.py").is_file(),
    reason=f"official distractors data and code not found at {DATA} (../shared/datasets)",
)
CASES = 4602  # 2,301 adversarial items and their 2,301 originals
STRIDE = 10  # the default run: every 10th pair of every setting (470 cases)
SAMPLE = ("other_True_4", 10)  # the other prompts: one setting's first pairs


def _load(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    doc: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    return doc


def _import(out: Path, *extra: str) -> list[dict[str, Any]]:
    args = ["import", "distractors", "--source", str(DATA), "--official-code", str(CODE)]
    assert main([*args, "--out", str(out), *extra]) == 0
    return [_load(p) for p in sorted(out.glob("*.llmbench.yaml"))]


def _files(docs: list[dict[str, Any]]) -> list[str]:
    return sorted({f["path"] for d in docs for f in d["provenance"]["data"]["files"]})


def _answers(docs: list[dict[str, Any]]) -> dict[str, str]:
    return {
        sc["user"]: f"Final Answer: {sc['metadata']['answer']}"
        for d in docs
        for sc in d["scenarios"]
    }


def _expected(
    built: dict[str, list[dict[str, str]]], files: list[str], keep: Callable[[int], bool]
) -> list[dict[str, Any]]:
    bodies = []
    for name in files:
        for index, prompt in enumerate(built[name]):
            if not keep(index):
                continue
            if "system_prompt" in prompt:
                messages = [
                    {"role": "system", "content": prompt["system_prompt"]},
                    {"role": "user", "content": prompt["user_prompt"]},
                ]
            else:
                messages = [{"role": "user", "content": prompt["prompt"]}]
            bodies.append({"model": "fake", "messages": messages})
    return bodies


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("distractors-official")
    docs = {r: _import(root / r, "--render", r) for r in ("official", "default")}
    setting, pairs = SAMPLE
    others = {
        name: _import(root / name, "--prompt", name, "--settings", setting, "--limit", str(pairs))
        for name in PROMPTS
        if name != "gpt"
    }
    every, sample = _files(docs["official"]), _files(next(iter(others.values())))
    jobs = [{"rendering": r, "function": PROMPTS["gpt"], "files": every} for r in docs]
    jobs += [
        {"rendering": "official", "function": PROMPTS[name], "files": sample} for name in others
    ]
    spec = {"code": str(CODE), "data": str(DATA / "adversarial_datasets"), "jobs": jobs}
    out, _ = run_official(HARNESS, spec, root / "harness")
    return {"root": root, "docs": docs, "others": others, "built": out}


@pytest.fixture(params=["sample", pytest.param("full", marks=FULL_SET)])
def scale(request: pytest.FixtureRequest) -> str:
    skip_unless_slow_selected(request)
    return str(request.param)


@pytest.mark.parametrize("rendering", ["official", "default"])
def test_every_case_is_framed_as_the_official_gpt_prompt(
    imported: dict[str, Any], rendering: str, scale: str
) -> None:
    docs, root = imported["docs"][rendering], imported["root"]

    def keep(index: int) -> bool:
        return scale == "full" or index % STRIDE == 0

    built = imported["built"][rendering][PROMPTS["gpt"]]
    expected = _expected(built, _files(docs), keep)
    assert len(expected) == (CASES if scale == "full" else 470)
    paths = [
        write_subset(
            doc,
            lambda sc: keep(sc["metadata"]["index"]),
            root / scale / rendering / f"{n:02d}.llmbench.yaml",
        )
        for n, doc in enumerate(docs)
    ]
    sent, run = run_suites(paths, _answers(docs), cwd=root)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"{len(expected)} passed" in run.stdout
    assert_same_requests(expected, sent)
    assert {json.dumps(sorted(b)) for b in sent} == {'["messages", "model"]'}  # no parameter
    for doc in docs:
        prov = doc["provenance"]
        assert prov["decoding"]["source"] == "official"
        assert prov["wording"]["source"] == ("official" if rendering == "official" else "own")
        assert prov["comparable"] is (rendering == "official")


@pytest.mark.parametrize("name", [n for n in PROMPTS if n != "gpt"])
def test_the_other_official_prompts_are_selectable_by_name(
    imported: dict[str, Any], name: str
) -> None:
    docs = imported["others"][name]
    pairs = SAMPLE[1]
    built = imported["built"]["official"][PROMPTS[name]]
    expected = _expected(built, _files(docs), lambda i: i < pairs)
    assert len(expected) == 2 * pairs
    root = imported["root"]
    sent, run = run_suites([root / name], _answers(docs), cwd=root)
    assert run.returncode == 0, run.stdout[-3000:]
    assert_same_requests(expected, sent)
    (doc,) = docs
    assert doc["metadata"]["wording"] == name
    raw = name.startswith(("llama", "mixtral"))
    assert ("system" in doc["defaults"]) is not raw
    # A raw-text prompt sent as a chat message is not the authors' input: never comparable.
    assert doc["provenance"]["decoding"]["source"] == ("own" if raw else "official")
    assert doc["provenance"]["comparable"] is not raw


def test_a_prompt_can_be_named_by_its_function(tmp_path: Path) -> None:
    (doc,) = _import(
        tmp_path, "--prompt", PROMPTS["gpt-control"], "--settings", "other_True_4", "--limit", "1"
    )
    assert doc["metadata"]["wording"] == "gpt-control"


# --- a checkout that does not fit: one clear error, exit 2, nothing written ------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


PROMPTS_PY = "chain_of_thought_prompts.py"
BAD_CHECKOUTS = {
    "not-the-repository": (
        lambda c: shutil.rmtree(c) or c.mkdir(),
        "not a checkout of the official distractors",
    ),
    "file-missing": (
        lambda c: (c / "create_prompts_with_fake_para.py").unlink(),
        "no create_prompts_with_fake_para.py",
    ),
    "function-missing": (
        lambda c: _edit(c / PROMPTS_PY, "def chain_of_thought_prompt_gpt(", "def cot_gpt("),
        "chain_of_thought_prompts.py: no function chain_of_thought_prompt_gpt (has",
    ),
    "placeholder-changed": (
        lambda c: _edit(
            c / PROMPTS_PY,
            "Question: {datapoint['question']}\"\n\n        # json",
            "Question: {datapoint['query']}\"\n\n        # json",
        ),
        "uses \"datapoint['query']\", which this importer does not know",
    ),
    "variable-renamed": (
        lambda c: _edit(
            c / PROMPTS_PY, '        user_prompt = f"Context', '        user_text = f"Context'
        ),
        "binds neither system_prompt and user_prompt nor prompt_multi",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CHECKOUTS))
def test_a_checkout_that_does_not_fit_is_one_clear_error(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "checkout"
    shutil.copytree(CODE, copy)
    spoil, message = BAD_CHECKOUTS[case]
    spoil(copy)
    out = tmp_path / "out"
    args = ["import", "distractors", "--source", str(DATA), "--official-code", str(copy)]
    assert main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith("llmbench import distractors: --official-code: ")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()


def test_prompt_needs_a_checkout_and_a_known_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["import", "distractors", "--source", str(DATA), "--out", str(tmp_path / "o")]
    assert main([*args, "--prompt", "gpt"]) == 2
    assert "--prompt needs --official-code" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main([*args, "--official-code", str(CODE), "--prompt", "claude"])
    assert info.value.code == 2
    assert "unknown prompt 'claude'" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
