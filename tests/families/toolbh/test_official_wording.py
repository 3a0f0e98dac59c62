"""Official-wording mode: every request equals what ToolBeHonest's own code sends.

The expected requests come from running the official inference code of
``../shared/datasets/toolbh/official/`` in a subprocess (``official_requests.py``) on the
fixture rows; ours are recorded by the local OpenAI-compatible server while pytest runs the
suites imported with ``--official-code``: messages (roles, order, text byte for byte) and the
generation parameters must be equal, for en + zh x L1-L3 x solvable/unsolvable, with both
official runners. Also: the checkout is only parsed (never run), and a bad checkout is one
clear error naming the file and the function or constant.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cli import main
from pytest_llmbench.families.toolbh.official import read
from pytest_llmbench.families.toolbh.wording import OWN
from pytest_llmbench.scenario import load_suite
from tests.conftest import SHARED
from tests.families.toolbh.conftest import DATA
from tests.servers.openai_server import FakeOpenAIServer

CHECKOUT = SHARED / "datasets" / "toolbh" / "official"
HERE = Path(__file__).parent
pytestmark = pytest.mark.skipif(
    not (CHECKOUT / "utils" / "generation_prompt.py").is_file(),
    reason="the official ToolBeHonest code is not in ../shared/datasets/toolbh/official/",
)
MODEL = {"openai": "gpt-4o-2024-05-13", "vllm": "model"}  # vLLM's runner posts model "model"


def official_requests(language: str, runner: str) -> list[dict[str, Any]]:
    cmd = [
        sys.executable,
        str(HERE / "official_requests.py"),
        str(CHECKOUT),
        str(DATA / f"test_{language}.json"),
        language,
        MODEL[runner],
        runner,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    records: list[dict[str, Any]] = json.loads(done.stdout)
    return records


def canonical(body: dict[str, Any]) -> str:
    """A request as JSON text: key order ignored, value types kept (0.0 is not 0)."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("runner", ["openai", "vllm"])
def test_requests_equal_the_official_harness(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, runner: str
) -> None:
    out = pytester.path / "toolbh"
    imported = [
        "import",
        "toolbh",
        "--source",
        str(DATA),
        "--out",
        str(out),
        "--solvable",
        "--official-code",
        str(CHECKOUT),
        "--runner",
        runner,
    ]
    assert main(imported) == 0
    fake_server.script(lambda body: "<answer>unsolvable</answer>")
    run = pytester.runpytest(
        str(out),
        f"--llm-model=openai/{MODEL[runner]}",
        f"--llm-api-base={fake_server.base_url}",
        "--llm-cache=off",
        "-p",
        "no:cacheprovider",
    )
    expected = [r for lang in ("en", "zh") for r in official_requests(lang, runner)]
    assert len(expected) == (14 + 7) * 6
    cells = Counter((r["level"], r["variant"]) for r in expected)
    assert set(cells) == {(f"level_{k}", v) for k in (1, 2, 3) for v in ("solvable", "unsolvable")}
    sent = fake_server.requests
    assert Counter(canonical(b) for b in sent) == Counter(canonical(r["request"]) for r in expected)
    # The quirks arrive as upstream has them (spot checks of what the equality covers).
    texts = [b["messages"][0]["content"] for b in sent]
    assert any("</task>\n\n<provided_tools>" in t for t in texts)  # L1 unsolvable only
    assert sum("</task>\n\n<provided_tools>" in t for t in texts) == 14 + 7
    assert any("UnsovlableQuery" in t for t in texts)
    assert all(len(b["messages"]) == 1 and b["messages"][0]["role"] == "user" for b in sent)
    outcomes = run.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) == (14 + 7) * 6
    # Official wording, data and decoding: the summary may call the run comparable.
    run.stdout.fnmatch_lines(["ToolBH en (official, comparable with the paper): overall *"])


def test_imported_provenance_names_the_checkout_files(tmp_path: Path) -> None:
    args = ["--source", str(DATA / "test_en.json"), "--official-code", str(CHECKOUT)]
    assert main(["import", "toolbh", *args, "--out", str(tmp_path)]) == 0
    suite = load_suite(tmp_path / "en" / "toolbh_en_os.llmbench.yaml")
    p = suite.provenance
    assert p is not None and p.comparable
    assert [f.path for f in p.wording.files] == ["utils/generation_prompt.py", "utils/process.py"]
    assert [f.path for f in p.decoding.files] == ["utils/generation_func.py"]
    assert p.decoding.variant == "openai runner"
    assert (tmp_path / "LICENSE-ToolBeHonest.txt").read_bytes() == (
        CHECKOUT / "LICENSE"
    ).read_bytes()
    assert suite.scenarios[0].params == {"temperature": 0.0, "max_tokens": 2048}


def test_corrected_variant_fixes_the_defects_and_is_not_comparable(tmp_path: Path) -> None:
    args = ["--source", str(DATA), "--official-code", str(CHECKOUT), "--solvable"]
    args += ["--prompt-variant", "corrected", "--out", str(tmp_path)]
    assert main(["import", "toolbh", *args]) == 0
    for lang in ("en", "zh"):
        suite = load_suite(tmp_path / lang / f"toolbh_{lang}_best.llmbench.yaml")
        assert suite.provenance is not None and not suite.provenance.comparable
        assert suite.provenance.wording.variant == "corrected"
        texts = [s.turns[0].user for s in suite.scenarios]
        assert not any("UnsovlableQuery" in t or "<provided_tool>" in t for t in texts)
        assert not any("</task>\n\n<provided_tools>" in t for t in texts)
    en3 = read(CHECKOUT).wording.instructions[("en", "level_3")]
    fixed = load_suite(tmp_path / "en" / "toolbh_en_best.llmbench.yaml").scenarios[2]
    assert fixed.metadata["level"] == "level_3"
    assert "plan UnsolvableQuery for it" in fixed.turns[0].user
    assert "plan UnsolvableQuery for it" not in en3


def test_own_wording_carries_none_of_the_official_instructions() -> None:
    official = read(CHECKOUT).wording.instructions
    for key, text in OWN.instructions.items():
        theirs = official[key]
        # No sentence-sized piece of the official text survives in ours (tags and the answer
        # formats the scorer reads are facts, shared on purpose: they are left out).
        shared = [
            theirs[i : i + 20]
            for i in range(len(theirs) - 20)
            if theirs[i : i + 20] in text and "<" not in theirs[i : i + 20]
        ]
        assert not shared, (key, shared)


def test_reading_the_checkout_never_runs_it(tmp_path: Path) -> None:
    copy = tmp_path / "ToolBeHonest"
    shutil.copytree(CHECKOUT, copy)
    marker = tmp_path / "executed"
    hook = f"open({str(marker)!r}, 'w').write('ran')\n"
    for rel in ("utils/generation_prompt.py", "utils/process.py", "utils/generation_func.py"):
        path = copy / rel
        path.write_text(hook + path.read_text("utf-8"), encoding="utf-8")
    assert read(copy).wording.instructions[("zh", "level_1")]
    assert not marker.exists()


def _broken(tmp_path: Path, rel: str, old: str, new: str) -> Path:
    copy = tmp_path / "ToolBeHonest"
    shutil.copytree(CHECKOUT, copy)
    path = copy / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    ("rel", "old", "new", "message"),
    [
        (
            "utils/generation_prompt.py",
            "_planning_en = ",
            "_planning_english = ",
            "utils/generation_prompt.py: no constant _planning_en",
        ),
        (
            "utils/generation_prompt.py",
            '_detecting_zh = "',
            '_detecting_zh = _detecting_en + "',
            "utils/generation_prompt.py: _detecting_zh cannot be read statically",
        ),
        (
            "utils/process.py",
            "def _process_task_infer(",
            "def process_task_infer(",
            "utils/process.py: no function _process_task_infer",
        ),
        (
            "utils/process.py",
            "{tool_list_str}\\n</provided_tools>",
            "{tool_list_str.strip()}\\n</provided_tools>",
            "utils/process.py: _process_task_infer: unknown placeholder {tool_list_str.strip()}",
        ),
        (
            "utils/generation_func.py",
            "max_tokens = 2048",
            "max_tokens = self.limit",
            "utils/generation_func.py: OpenAIGeneration.generation_openai: parameter "
            "max_tokens=self.limit",
        ),
    ],
)
def test_a_changed_upstream_file_is_one_clear_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rel: str,
    old: str,
    new: str,
    message: str,
) -> None:
    copy = _broken(tmp_path, rel, old, new)
    args = ["--source", str(DATA), "--official-code", str(copy), "--out", str(tmp_path / "o")]
    assert main(["import", "toolbh", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("llmbench import toolbh: ") and message in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()  # nothing written: no fall-back to our own wording


def test_a_folder_that_is_not_the_checkout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for where in (tmp_path, tmp_path / "missing"):
        args = ["--source", str(DATA), "--official-code", str(where), "--out", str(tmp_path / "o")]
        assert main(["import", "toolbh", *args]) == 2
        err = capsys.readouterr().err
        assert "ToolBeHonest" in err and "Traceback" not in err
    partial = tmp_path / "partial"
    (partial / "utils").mkdir(parents=True)
    shutil.copy(CHECKOUT / "utils" / "generation_prompt.py", partial / "utils")
    args = ["--source", str(DATA), "--official-code", str(partial), "--out", str(tmp_path / "o")]
    assert main(["import", "toolbh", *args]) == 2
    assert "no utils/process.py" in capsys.readouterr().err
