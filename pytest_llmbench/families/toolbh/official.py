"""ToolBH's official wording and decoding parameters, read from the user's ToolBeHonest checkout.

Nothing here holds official text: the level instructions are the module constants of
``utils/generation_prompt.py``; the user message of each (level, version) is the f-string that
``_process_task_infer`` in ``utils/process.py`` assigns to ``prompt`` (solvable) or
``unsolvable_prompt`` inside its ``if prompt_type == "level_N"`` branch, so the layout comes from
the checkout too, quirks included (the L1 unsolvable message's extra blank line). The decoding
parameters are the keyword literals the official runners send (``utils/generation_func.py``:
``OpenAIGeneration`` by default, ``VllmGeneration`` as the named alternative for open models).
Everything is read by ``ast`` (``official_source``), never executed; any other shape is an
``OfficialSourceError`` naming the file and the function or constant.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_llmbench.official_function import (
    Expr,
    FunctionSource,
    Slot,
    literal,
    one_user_message,
)
from pytest_llmbench.official_source import Checkout
from pytest_llmbench.provenance import Origin, checkout_origin

from .wording import FIELDS, INSTRUCTION, Field, Part, Wording

BENCHMARK = "ToolBeHonest"
PROMPTS = "utils/generation_prompt.py"
PROCESS = "utils/process.py"
RUNNERS_FILE = "utils/generation_func.py"
LICENSE = "LICENSE"
INFER = "_process_task_infer"
# The runner -> (method, where its request is): a call's keywords, or a dict literal sent as JSON.
RUNNERS: dict[str, tuple[str, str]] = {
    "openai": ("OpenAIGeneration.generation_openai", "call:self.client.chat.completions.create"),
    "vllm": ("VllmGeneration.generation_vllm", "dict:post_data"),
}
_BRANCH = re.compile(r"^prompt_type == '(level_[123])'$")
_TARGETS = {"prompt": "solvable", "unsolvable_prompt": "unsolvable"}
# ``args.detecting_prompt`` is the argparse option whose choices are ``_detecting_en`` / ``_zh``.
_INSTRUCTION_SLOT = re.compile(r"^args\.(\w+)_prompt$")
_LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class Official:
    wording: Wording
    decoding: dict[str, Any]
    decoding_origin: Origin
    license_text: str | None  # the checkout's LICENSE, copied beside imported suites


def read(root: Path | str, runner: str = "openai") -> Official:
    """The official instructions, message layouts and ``runner`` parameters of a checkout."""
    checkout = Checkout(root, BENCHMARK, PROMPTS)
    templates, kinds = _templates(checkout.file(PROCESS).function(INFER))
    prompts = checkout.file(PROMPTS)
    instructions = {
        (lang, level): prompts.constant(f"_{kind}_{lang}")
        for level, kind in kinds.items()
        for lang in _LANGUAGES
    }
    wording = Wording(
        "official",
        "official",
        instructions,
        templates,
        checkout_origin(checkout.root, [PROMPTS, PROCESS], variant="official"),
    )
    decoding = _decoding(checkout.file(RUNNERS_FILE).function(RUNNERS[runner][0]), runner)
    decoding_origin = checkout_origin(checkout.root, [RUNNERS_FILE], variant=f"{runner} runner")
    license_path = checkout.root / LICENSE
    license_text = license_path.read_text("utf-8") if license_path.is_file() else None
    return Official(wording, decoding, decoding_origin, license_text)


def _templates(
    fn: FunctionSource,
) -> tuple[dict[tuple[str, str], tuple[Part, ...]], dict[str, str]]:
    """``{(level, variant): parts}`` and ``{level: instruction kind}`` from the infer function."""
    fields = {
        name: key
        for name, (base, key) in fn.subscript_bindings().items()
        if base == "task_item" and key in FIELDS
    }
    templates: dict[tuple[str, str], tuple[Part, ...]] = {}
    kinds: dict[str, str] = {}
    for build in fn.texts():
        if build.target not in _TARGETS:
            continue
        m = _BRANCH.match(build.branch or "")
        if m is None or build.augmented or build.loop is not None:
            raise fn.error(f"{build.target} (line {build.line}) is not built in a level branch")
        level, variant = m.group(1), _TARGETS[build.target]
        if (level, variant) in templates:
            raise fn.error(f"{build.target} is built twice for {level}")
        parts: list[Part] = []
        for part in build.parts:
            if not isinstance(part, Slot):
                parts.append(part)
            elif (k := _INSTRUCTION_SLOT.match(part.expr)) is not None:
                if kinds.setdefault(level, k.group(1)) != k.group(1):
                    raise fn.error(f"{level} uses two instructions")
                parts.append(INSTRUCTION)
            elif part.expr in fields:
                parts.append(Field(fields[part.expr]))
            else:
                raise fn.error(f"unknown placeholder {{{part.expr}}} in {build.target}")
        if INSTRUCTION not in parts:
            raise fn.error(f"{build.target} for {level} has no instruction placeholder")
        templates[(level, variant)] = tuple(parts)
    missing = [
        f"{level}/{variant}"
        for level in ("level_1", "level_2", "level_3")
        for variant in ("solvable", "unsolvable")
        if (level, variant) not in templates
    ]
    if missing:
        raise fn.error(f"no user message for {', '.join(missing)}")
    return templates, kinds


def _decoding(fn: FunctionSource, runner: str) -> dict[str, Any]:
    """The generation parameters of the runner's request (everything but model and messages)."""
    kind, where = RUNNERS[runner][1].split(":", 1)
    request: Mapping[str, ast.expr]
    if kind == "call":
        calls = fn.calls(where)
        if len(calls) != 1:
            raise fn.error(f"expected one call to {where}, found {len(calls)}")
        request = calls[0].keywords
    else:
        node = fn.assigned(where)
        if not isinstance(node, ast.Dict) or any(k is None for k in node.keys):
            raise fn.error(f"{where} is not a dict literal")
        request = {}
        for k, v in zip(node.keys, node.values, strict=True):
            key = literal(k) if k is not None else None
            if not isinstance(key, str):
                raise fn.error(f"{where} has a key that is not a string")
            request[key] = v
    if "messages" not in request or not one_user_message(request["messages"]):
        raise fn.error("the request does not send one user message")
    params: dict[str, Any] = {}
    for key, node in request.items():
        if key in ("model", "messages"):
            continue
        value = literal(node)
        if isinstance(value, Expr):
            raise fn.error(f"parameter {key}={value.source}")
        if isinstance(value, bool) or value is None:
            raise fn.error(f"parameter {key}={value}")
        params[key] = value
    return params
