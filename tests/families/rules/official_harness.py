"""What the official RuLES code sends, case by case: run in a subprocess by the tests only.

``python official_harness.py OFFICIAL DATA MODE OUT.json`` imports the official code of
``OFFICIAL`` (the lm-evaluation-harness copy of github.com/normster/llm_rules, laid out as in
``../shared/datasets/rules/official/``; the few lm-evaluation-harness modules it imports are
stubbed here), plays every test case of ``DATA`` against the scripted model ``reply`` below and
writes, per case, the requests (message lists as the API receives them), the official verdict,
and the decoding parameters of the official task config.

* ``system`` mode drives the S-RuLES task hooks (``SRulesTask.build_initial_messages``,
  ``next_user_turn``, ``should_stop``, then ``utils.process_results``) the way the harness's
  multi-turn driver calls them: one reply per trailing user turn, stop when ``should_stop``.
* ``user`` mode follows the original paper's harness: the default (empty) system message, the
  scenario's ``prompt`` (reminders kept) as the first user message, its ``initial_response`` as
  the first assistant message, then the case; ``evaluate(..., system_instructions=False)``
  after each reply, stop at the first failure.

Roles are serialised with the official ``Message`` class (upper-case ``USER`` in the data
becomes ``user``), as the official harness does before calling a model.

This file holds no official text: it only imports the official code.
"""

from __future__ import annotations

import hashlib
import json
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REFUSAL = "I'm sorry, I can't help with that."
PACKAGE = "lm_eval.tasks.realguardrails.s_rules"


def reply(messages: list[dict[str, Any]]) -> str:
    """The scripted model: a refusal, an echo of the last user message, or the first non-empty
    message (the rules text, which leaks every parameter), chosen from a digest of the
    conversation. Only the request decides it, so both sides of a test compute the same reply
    exactly when they sent the same request; leaks make multi-turn cases stop early."""
    pairs = [[m["role"], m["content"]] for m in messages]
    pick = int(hashlib.sha256(json.dumps(pairs).encode("utf-8")).hexdigest(), 16) % 3
    if pick == 0:
        return REFUSAL
    if pick == 1:
        return next(c for r, c in reversed(pairs) if r == "user")
    return next(c for _, c in pairs if c)


def _stub_harness(official: Path) -> None:
    """The lm-evaluation-harness names the official files import, and the package they live in."""

    class ConfigurableTask:
        def __init__(self, config: dict[str, Any] | None = None) -> None:
            self.config = config

    @dataclass
    class Message:
        role: str
        content: str

        def to_dict(self) -> dict[str, str]:
            return {"role": self.role, "content": self.content}

    names = ["lm_eval", "lm_eval.api", "lm_eval.tasks", "lm_eval.tasks.realguardrails"]
    for name in names:
        sys.modules[name] = types.ModuleType(name)
    task_mod = types.ModuleType("lm_eval.api.task")
    task_mod.ConfigurableTask = ConfigurableTask  # type: ignore[attr-defined]
    utils_mod = types.ModuleType("lm_eval.api.utils")
    utils_mod.Message = Message  # type: ignore[attr-defined]
    sys.modules["lm_eval.api.task"], sys.modules["lm_eval.api.utils"] = task_mod, utils_mod
    package = types.ModuleType(PACKAGE)
    package.__path__ = [str(official / "llm_rules")]  # type: ignore[attr-defined]
    sys.modules[PACKAGE] = package


def _docs(data: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(data.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _system_mode(doc: dict[str, Any], mods: dict[str, Any]) -> tuple[list[Any], bool]:
    task = mods["task"].SRulesTask(config=None)
    wire = mods["message"].Message
    messages = task.build_initial_messages(doc)  # [system, ...prefilled]
    requests, replies = [], []
    for turn in range(len(doc["messages"]) + 1):
        user = task.next_user_turn(doc, messages[1:], turn)
        if user is None:
            break
        messages.append(mods["Message"]("user", user))
        request = wire.serialize(wire.unserialize([m.to_dict() for m in messages]))
        requests.append(request)
        replies.append(reply(request))
        messages.append(mods["Message"]("assistant", replies[-1]))
        if task.should_stop(doc, messages[1:], turn):
            break
    return requests, bool(mods["utils"].process_results(doc, replies)["passed"])


def _user_mode(doc: dict[str, Any], mods: dict[str, Any]) -> tuple[list[Any], bool]:
    wire, role = mods["message"].Message, mods["message"].Role
    scenario = mods["scenarios"].SCENARIOS[doc["scenario"]](
        param_dict=json.loads(doc["params_json"])
    )
    case = wire.unserialize(doc["messages"])
    last = max((i for i, m in enumerate(case) if m.role == role.ASSISTANT), default=-1)
    messages = [
        wire(role.SYSTEM, ""),
        wire(role.USER, scenario.prompt),
        wire(role.ASSISTANT, scenario.initial_response),
        *case[: last + 1],
    ]
    requests, result = [], None
    for user in case[last + 1 :]:
        messages.append(user)
        request = wire.serialize(messages)
        requests.append(request)
        messages.append(wire(role.ASSISTANT, reply(request)))
        result = scenario.evaluate(messages, system_instructions=False)
        if not result.passed:
            break
    return requests, bool(result is not None and result.passed)


def _decoding(official: Path) -> dict[str, Any]:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!function", lambda loader, node: str(node.value))
    config = yaml.load(  # a SafeLoader subclass
        (official / "llm_rules" / "_s_rules_template_yaml").read_text(encoding="utf-8"),
        Loader=Loader,
    )
    return dict(config["generation_kwargs"])


def main(official: Path, data: Path, mode: str, out: Path) -> None:
    import importlib

    _stub_harness(official)
    mods = {
        name: importlib.import_module(f"{PACKAGE}.{name}")
        for name in ("task", "utils", "message", "scenarios")
    }
    mods["Message"] = sys.modules["lm_eval.api.utils"].Message  # type: ignore[attr-defined]
    run = _system_mode if mode == "system" else _user_mode
    cases = {}
    for doc in _docs(data):
        requests, passed = run(doc, mods)
        cases[doc["id"]] = {"requests": requests, "passed": passed}
    out.write_text(json.dumps({"decoding": _decoding(official), "cases": cases}), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))
