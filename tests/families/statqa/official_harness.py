"""Run the official StatQA code (``../shared/datasets/statqa/official``) to get its requests.

Run as a script in a child process, never imported by the test process: the official modules
need pandas and read and write files relative to the working folder. Usage::

    python official_harness.py SPEC.json OUT.json

SPEC holds ``code`` (the official folder), ``data`` (the data folder), ``work`` (an empty
folder laid out here as the repository expects), ``strategies``, ``picks`` (per strategy, per
row: the demonstration constants the importer recorded), ``rows`` (optional: these rows of
mini-StatQA only, in this order), ``gpt_url`` (optional: the recording server's
chat-completions address) and ``llama`` (whether to run the LLaMA runner).

What runs is the official code itself: ``Construction/prompt_organization.py`` as a script
(its ``__main__`` writes the prompt CSV files the runners read); ``gpt_answer`` of
``Evaluation/gpt_evaluation.py`` for every prompt, posting to the recording server; and
``llama_answer_generation`` of ``Evaluation/llama_evaluation.py`` with a stand-in for vLLM
that records each prompt and the sampling parameters. Three things stand in for parts of the
machinery that never touch a prompt: the unseeded ``random.choice``/``random.sample`` replay
the importer's recorded draws (and check that each was in the official pool); scipy and
scikit-learn, imported by ``utils.py`` for functions the prompt path never calls, are modules
whose attributes fail when used; the LLaMA runner's progress ``to_csv`` after every batch is
skipped (it rewrites the whole table each time and changes no request).
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import runpy
import shutil
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Run as a script: the project root on the path for the shared stand-ins.
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tests.stand_ins import install

PROMPTS_DIR = Path("Data/Integrated Dataset/Dataset with Prompt/Test Set")
BALANCED_DIR = Path("Data/Integrated Dataset/Balanced Benchmark")
ANSWERS_DIR = Path("Model Answer/Origin Answer")
NAME = "mini-StatQA"


def _install_stand_ins(recorded: list[dict[str, Any]]) -> None:
    install("scipy", "scipy.stats", "sklearn", "sklearn.utils", "sklearn.model_selection")

    class SamplingParams:
        def __init__(self, **kwargs: Any) -> None:
            self.kwargs = kwargs

    class LLM:
        def __init__(self, **kwargs: Any) -> None:
            pass

        def generate(self, prompts: list[str], params: SamplingParams) -> list[Any]:
            outputs = []
            for prompt in prompts:
                recorded.append({"prompt": prompt, "params": params.kwargs})
                text = types.SimpleNamespace(text="{}")
                outputs.append(types.SimpleNamespace(outputs=[text]))
            return outputs

    vllm = types.ModuleType("vllm")
    vllm.LLM = LLM  # type: ignore[attr-defined]
    vllm.SamplingParams = SamplingParams  # type: ignore[attr-defined]
    sys.modules["vllm"] = vllm


def _load(path: Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _replay_draws(rows: list[list[str]], wording: types.ModuleType) -> None:
    """``random.choice``/``random.sample`` return the recorded demonstrations, row by row."""
    picks: Iterator[list[str]] = iter(rows)

    def texts(k: int, pool: list[str]) -> list[str]:
        names = next(picks)
        chosen = [getattr(wording, n) for n in names]
        if len(chosen) != k or not all(t in pool for t in chosen):
            raise AssertionError(f"recorded draw {names} is not {k} of the official pool")
        return chosen

    random.choice = lambda pool: texts(1, pool)[0]  # type: ignore[assignment]
    random.sample = lambda pool, k: texts(k, pool)  # type: ignore[assignment]


def _layout(spec: dict[str, Any], work: Path) -> None:
    data = Path(spec["data"])
    (work / "Data").mkdir(parents=True)
    os.symlink(data / "Data" / "Metadata", work / "Data" / "Metadata")
    for folder in (PROMPTS_DIR, BALANCED_DIR, ANSWERS_DIR):
        (work / folder).mkdir(parents=True, exist_ok=True)
    source = data / "StatQA" / f"{NAME}.csv"
    target = work / BALANCED_DIR / f"{NAME}.csv"
    if spec.get("rows") is None:
        shutil.copyfile(source, target)
    else:
        import pandas as pd

        pd.read_csv(source).iloc[spec["rows"]].to_csv(target, index=False)
    if spec.get("gpt_url"):
        (work / "gpt_config.txt").write_text(f"{spec['gpt_url']}\ntest-key\n", encoding="utf-8")


def main(spec_path: str, out_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    code, work = Path(spec["code"]).resolve(), Path(spec["work"]).resolve()
    recorded: list[dict[str, Any]] = []
    _install_stand_ins(recorded)
    _layout(spec, work)
    os.chdir(work)
    sys.path.insert(0, str(code))
    import pandas as pd

    wording = _load(code / "prompt_wording.py", "prompt_wording")
    sys.modules["prompt_wording"] = wording  # the one prompt_organization imports
    out: dict[str, Any] = {"prompts": {}, "llama": {}}
    real_choice, real_sample = random.choice, random.sample
    for strategy in spec["strategies"]:
        _replay_draws(spec["picks"][strategy], wording)
        sys.argv = [
            "prompt_organization.py",
            "--trick_name",
            strategy,
            "--integ_dataset_name",
            NAME,
        ]
        runpy.run_path(str(code / "Construction" / "prompt_organization.py"), run_name="__main__")
        prompts = pd.read_csv(PROMPTS_DIR / f"{NAME} for {strategy}.csv")["prompt"].tolist()
        if "Error!" in prompts:
            raise SystemExit(f"prompt_organization failed on row {prompts.index('Error!')}")
        out["prompts"][strategy] = prompts
    random.choice, random.sample = real_choice, real_sample  # type: ignore[assignment]
    if spec.get("gpt_url"):
        gpt = _load(code / "Evaluation" / "gpt_evaluation.py", "gpt_evaluation")
        gpt.selected_model = "fake"  # type: ignore[attr-defined]
        for strategy in spec["strategies"]:
            # As its __main__ does: the prompts come from the CSV prompt_organization wrote.
            for prompt in pd.read_csv(PROMPTS_DIR / f"{NAME} for {strategy}.csv")["prompt"]:
                if gpt.gpt_answer(prompt) == "Error":
                    raise SystemExit("gpt_answer got no reply from the recording server")
    if spec.get("llama"):
        llama = _load(code / "Evaluation" / "llama_evaluation.py", "llama_evaluation")
        pd.DataFrame.to_csv = lambda *a, **k: None  # type: ignore[method-assign,assignment]
        for strategy in spec["strategies"]:
            recorded.clear()
            llama.llama_answer_generation("3_8b", NAME, "llama", strategy)
            out["llama"][strategy] = list(recorded)
    Path(out_path).write_text(json.dumps(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
