"""Run SysBench's own inference and judge loop (``do_infer``, ``do_eval``) against a script.

Usage: ``python official_harness.py CHECKOUT DATA.json PLANS.json HISTORY OUT.json`` where
HISTORY is ``model`` (``eval_system_bench.py``) or ``reference``
(``eval_system_bench_with_gt.py``). The OpenAI client of upstream's ``models/gpt4o.py`` is
replaced by a stub that records every request and answers from ``judge_script.Script``; pandas
and numpy are stubbed when absent (only the analysis uses them). Writes
``{"requests": [...], "eval_results": {system_id: ...}}``. For the tests only: the project never
runs official code. Upstream prints to stdout; the result goes to OUT.json.
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import json
import sys
import types
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from judge_script import Script

REQUESTS: list[dict[str, Any]] = []


def _install(script: Script) -> None:
    class Completions:
        def create(self, **kwargs: Any) -> Any:
            REQUESTS.append(copy.deepcopy(kwargs))
            if len(REQUESTS) > 2000:  # upstream re-asks forever on a non-"stop" answer
                raise SystemExit("runaway: more than 2000 requests")
            text, finish = script(kwargs["messages"])
            message = types.SimpleNamespace(content=text)
            choice = types.SimpleNamespace(message=message, finish_reason=finish)
            return types.SimpleNamespace(choices=[choice])

    class OpenAI:
        def __init__(self, **kwargs: Any) -> None:
            self.chat = types.SimpleNamespace(completions=Completions())

    mod = types.ModuleType("openai")
    mod.OpenAI = OpenAI  # type: ignore[attr-defined]
    sys.modules["openai"] = mod
    for name in ("pandas", "numpy"):
        if importlib.util.find_spec(name) is None:
            sys.modules[name] = types.ModuleType(name)


def main() -> None:
    checkout, data_path, plans_path, history, out = sys.argv[1:6]
    data = json.loads(Path(data_path).read_text("utf-8"))
    script = Script(data, json.loads(Path(plans_path).read_text("utf-8")))
    _install(script)
    sys.path.insert(0, checkout)
    module = "eval_system_bench" if history == "model" else "eval_system_bench_with_gt"
    harness = importlib.import_module(module)
    gpt4o = importlib.import_module("models.gpt4o").gpt4o
    ev = object.__new__(harness.SystemBenchEval)
    ev.infer_model, ev.eval_model, ev.infer_model_name = gpt4o(), gpt4o(), "under-test"
    results = {}
    for d in data:
        done = ev.do_eval(ev.do_infer(copy.deepcopy(d)))
        results[str(d["system_id"])] = done["eval_results"]
    Path(out).write_text(json.dumps({"requests": REQUESTS, "eval_results": results}), "utf-8")


if __name__ == "__main__":
    main()
