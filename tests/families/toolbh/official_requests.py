"""Run ToolBeHonest's own inference code on a data file and print every request it would send.

Usage: ``python official_requests.py CHECKOUT DATA.json LANG MODEL RUNNER``. Prints one JSON list
of ``{"subtask", "position", "level", "variant", "request"}``; ``request`` is what the runner
hands to its HTTP client (``OpenAIGeneration``: the keywords of ``chat.completions.create``;
``VllmGeneration``: the JSON body it posts). Run in a subprocess by the tests only: the
project never executes official code. The runners' heavy imports (openai, google.generativeai,
scikit-learn) are replaced by stubs that record or do nothing; the stubs return an empty reply.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import types
from typing import Any

SENT: list[dict[str, Any]] = []


def _module(name: str, **attrs: Any) -> types.ModuleType:
    mod = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(mod, key, value)
    sys.modules[name] = mod
    return mod


class _Completions:
    def create(self, **kwargs: Any) -> Any:
        SENT.append(kwargs)
        message = types.SimpleNamespace(content="")
        return types.SimpleNamespace(choices=[types.SimpleNamespace(message=message)])


class _OpenAI:
    def __init__(self, **kwargs: Any) -> None:
        self.chat = types.SimpleNamespace(completions=_Completions())


class _Response:
    def json(self) -> Any:
        return {"choices": [{"message": {"content": ""}}]}


def _post(url: str, headers: Any = None, json: Any = None) -> _Response:
    SENT.append(json)
    return _Response()


def _install_stubs() -> None:
    _module("openai", OpenAI=_OpenAI)
    google = _module("google")
    genai = _module("google.generativeai", configure=lambda **k: None)
    google.generativeai = genai  # type: ignore[attr-defined]
    types_mod = _module("google.generativeai.types", HarmCategory=object, HarmBlockThreshold=object)
    genai.types = types_mod  # type: ignore[attr-defined]
    _module("requests", post=_post)
    sk = _module("sklearn")
    metrics = _module("sklearn.metrics")
    sk.metrics = metrics  # type: ignore[attr-defined]
    metrics.pairwise = _module("sklearn.metrics.pairwise", cosine_similarity=None)  # type: ignore[attr-defined]
    for name in ("numpy", "tqdm"):
        if importlib.util.find_spec(name) is None:
            _module(name, tqdm=lambda it, **k: it, argmax=None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("checkout")
    parser.add_argument("data")
    parser.add_argument("lang")
    parser.add_argument("model")
    parser.add_argument("runner", choices=("openai", "vllm"))
    ns = parser.parse_args()
    _install_stubs()
    sys.path.insert(0, ns.checkout)
    from utils import generation_prompt as gp  # type: ignore[import-not-found]
    from utils.generation_func import (  # type: ignore[import-not-found]
        OpenAIGeneration,
        VllmGeneration,
    )
    from utils.process import _process_task_infer, convert_hf_data  # type: ignore[import-not-found]

    args = types.SimpleNamespace(
        detecting_prompt=getattr(gp, f"_detecting_{ns.lang}"),
        planning_prompt=getattr(gp, f"_planning_{ns.lang}"),
        diagnosing_prompt=getattr(gp, f"_diagnosing_{ns.lang}"),
    )
    if ns.runner == "openai":
        generate = OpenAIGeneration(api_key="unused", model=ns.model).generation_openai
    else:
        generate = VllmGeneration(api_url="http://unused/v1/chat/completions").generation_vllm
    with open(ns.data, encoding="utf-8") as fh:
        items = convert_hf_data(json.load(fh))
    out = []
    for subtask, rows in items.items():
        for position, row in enumerate(rows):
            for level in ("level_1", "level_2", "level_3"):
                before = len(SENT)
                _process_task_infer(level, row, generate, args)
                solvable, unsolvable = SENT[before:]  # the official order: solvable first
                for variant, request in (("solvable", solvable), ("unsolvable", unsolvable)):
                    out.append(
                        {
                            "subtask": subtask,
                            "position": position,
                            "level": level,
                            "variant": variant,
                            "request": request,
                        }
                    )
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
