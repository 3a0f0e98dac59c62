"""The built-in offline models ``llmbench/reference``, ``llmbench/violate`` and ``llmbench/echo``.

They are served through litellm's custom-provider mechanism (see ``litellm_client``) so that a
run against them exercises the same request/response path as a real model. This module holds
only the reply logic: which scripted step answers a given conversation.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_llmbench.scenario import RefConversation, RefStep

BUILTIN_MODELS = ("reference", "violate", "echo")
SCRIPT_HEADER = "x-llmbench-script"

# token -> (reference conversation, user messages in the scenario's prefilled history)
_scripts: dict[str, tuple[RefConversation, int]] = {}
_lock = threading.Lock()
_counter = itertools.count()


def register_script(conversation: RefConversation, history_users: int = 0) -> str:
    token = f"s{next(_counter)}"
    with _lock:
        _scripts[token] = (conversation, history_users)
    return token


def release_script(token: str) -> None:
    with _lock:
        _scripts.pop(token, None)


def reply_for(
    model: str, messages: Sequence[Mapping[str, Any]], headers: Mapping[str, str]
) -> RefStep:
    """The step that answers ``messages``: turn = user messages after the prefilled history,
    step = assistant messages since the last user message."""
    if model == "echo":
        for m in reversed(messages):
            if m.get("role") == "user":
                return RefStep(str(m.get("content") or ""))
        return RefStep("")
    token = headers.get(SCRIPT_HEADER)
    with _lock:
        entry = _scripts.get(token or "")
    if entry is None:
        raise LookupError(f"llmbench/{model}: no scripted replies for this request")
    script, history_users = entry
    turn = sum(1 for m in messages if m.get("role") == "user") - history_users - 1
    step = 0
    for m in reversed(messages):
        if m.get("role") == "user":
            break
        if m.get("role") == "assistant":
            step += 1
    steps = script[min(max(turn, 0), len(script) - 1)]
    return steps[min(step, len(steps) - 1)]
