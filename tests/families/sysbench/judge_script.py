"""One scripted model for both harnesses: the model under test and the judge, by request shape.

The official harness (run in a subprocess by ``official_harness.py``) and ours (against the
local OpenAI-compatible server) are given the same script, so their request sequences can be
compared turn by turn. A request whose first message is the system message is the model under
test; a single user message is the judge, answering for the turn whose user text appears last
in its prompt: from that turn's plan (``[text, finish_reason]`` in order, the last repeating),
else a well-formed verdict with every item "是", keyed by the turn's criteria keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any


def model_reply(messages: Sequence[Mapping[str, Any]]) -> str:
    users = [m["content"] for m in messages if m["role"] == "user"]
    if "字数数量" in users[-1]:
        return "好的，字数数量12。"  # upstream's swapped length check rejects every verdict
    return f"好的，这是第{len(users)}轮的回答：{users[-1][:8]}"


def verdict(keys: Sequence[Any], labels: Mapping[str, str] | None = None) -> str:
    """A judge answer in upstream's expected shape: a fenced block, integer keys."""
    labels = labels or {}
    items = ", ".join(f'{k}: "{labels.get(str(k), "是")}"' for k in keys)
    return f'```json\n{{"评判理由": "逐条核对。", "评判结果": {{{items}}}}}\n```'


class Script:
    def __init__(self, data: Sequence[Mapping[str, Any]], plans: Mapping[str, Any]) -> None:
        self.keys = {
            user: list(info["criteria"]) for d in data for user, info in d["prompt_infos"].items()
        }
        self.plans = {user: [tuple(step) for step in plan] for user, plan in plans.items()}
        self.asked: Counter[str] = Counter()

    def turn_of(self, prompt: str) -> str:
        return max(self.keys, key=lambda user: prompt.rfind(user))

    def __call__(self, messages: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
        if messages[0]["role"] == "system":
            return model_reply(messages), "stop"
        user = self.turn_of(messages[0]["content"])
        n = self.asked[user]
        self.asked[user] += 1
        plan = self.plans.get(user)
        if plan:
            text, finish = plan[min(n, len(plan) - 1)]
            return str(text), str(finish)
        return verdict(self.keys[user]), "stop"
