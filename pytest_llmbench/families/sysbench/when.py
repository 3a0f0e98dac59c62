"""Mechanical conditions of SysBench constraints: ``when: {user_language: en}``.

"当用户使用英文提问时，用中文回复" is a program check only because its condition is mechanical:
the language of the user message can be identified. When the condition does not hold, the
constraint is satisfied (an implication whose premise is false), so the item is "yes" whatever
the reply. The user message is identified like any short text (``check_language.in_language``:
script first, the model only when confident).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import reply_text as t
from .check_args import text
from .check_language import in_language

When = Callable[[str], tuple[bool, str]]  # user message -> (condition holds, reason)
KNOWN = ("user_language",)


def build_when(spec: Any, where: str) -> When:
    if not isinstance(spec, Mapping) or set(spec) != {"user_language"}:
        raise ValueError(f"{where}: 'when' must be {{user_language: LANGUAGE}}")
    want = t.language_code(text(spec["user_language"], f"{where}.user_language"))

    def holds(user: str) -> tuple[bool, str]:
        ok, got = in_language(user, want)
        return ok, f"the user writes in {got}" if ok else f"the user does not write in {want}"

    return holds
