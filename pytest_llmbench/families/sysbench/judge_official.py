"""The SysBench judge in official mode: upstream's prompt layout and verdict acceptance.

The prompt pieces are not here: ``llmbench import sysbench --official-code PATH`` reads them
from the user's checkout (``official.py``) and writes them into the imported suite, in the
user's folder, as the ``judge`` argument of ``sysbench/checklist``. This module turns that
argument into the request and applies upstream's rules to each answer (spec §6.1, §8):

* one user message: the head (with the system message), one block per earlier round, the
  current round with the checklist (``<id><sep><text><sep><type>`` lines), the output block;
* the answer is stripped, cut by its first 7 and last 3 characters (upstream assumes a fenced
  block) and read as a Python literal — ``ast.literal_eval``, never ``eval``: upstream evaluates
  it as code, which accepts the same literals (single quotes, integer keys) and fails on the
  same JSON-only words (``true``, ``null``);
* it must be a mapping with the reasoning and the verdict mapping, whose keys as integers equal
  the keys of the turn's criteria object as integers (not the ``criteria_id`` the prompt
  shows: the two may differ); the labels are not checked: 是 is yes, 否 is no, anything else is
  kept as written (it fails no round, as upstream);
* a reply containing ``字数数量`` (optionally 大于/小于/等于) followed by a digit can never be
  accepted: upstream's length check, called with its arguments swapped, asserts that its pattern
  is absent from the reply. The dialogue is then an error at once instead of after ten judge
  calls that cannot succeed (the one deliberate difference; the verdict is the same).
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_llmbench.scoring.api import Message

REASON_KEY, RESULT_KEY = "评判理由", "评判结果"
PIECES = {
    "head": {"system"},
    "round": {"n", "user_role", "user", "assistant_role", "assistant"},
    "current": {"user_role", "user", "assistant_role", "assistant", "checklist"},
    "tail": set(),
}
_LENGTH_CHECK = re.compile(r"字数数量(?:大于|小于|等于)?\d")
_KEYS = {"wording", "prompt", "checklist_line", "temperatures", "stop_retries"}


class OfficialParseError(ValueError):
    pass


@dataclass(frozen=True)
class OfficialJudge:
    """The judge prompt pieces (format strings over ``PIECES``' names, literal braces doubled),
    the checklist line separators, and upstream's schedule: one temperature per try, and how
    many times one try re-asks an answer that did not finish with ``stop``."""

    prompt: Mapping[str, str]
    line_join: str
    id_sep: str
    type_sep: str
    temperatures: tuple[float, ...]
    stop_retries: int

    def to_args(self) -> dict[str, Any]:
        return {
            "wording": "official",
            "prompt": dict(self.prompt),
            "checklist_line": {"join": self.line_join, "id": self.id_sep, "type": self.type_sep},
            "temperatures": list(self.temperatures),
            "stop_retries": self.stop_retries,
        }

    @classmethod
    def from_args(cls, raw: object) -> OfficialJudge:
        """The scorer's ``judge`` argument, checked (errors name the key)."""
        if not isinstance(raw, Mapping):
            raise TypeError("judge must be a mapping (written by llmbench import sysbench)")
        unknown, missing = set(raw) - _KEYS, _KEYS - set(raw)
        if unknown or missing:
            raise ValueError(f"judge: unknown keys {sorted(unknown)}, missing {sorted(missing)}")
        if raw["wording"] != "official":
            raise ValueError(f"judge.wording must be 'official', got {raw['wording']!r}")
        prompt = raw["prompt"]
        if not isinstance(prompt, Mapping) or set(prompt) != set(PIECES):
            raise ValueError(f"judge.prompt needs exactly the pieces {sorted(PIECES)}")
        for name, text in prompt.items():
            if not isinstance(text, str):
                raise TypeError(f"judge.prompt.{name} must be text")
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            if fields - PIECES[name]:
                raise ValueError(f"judge.prompt.{name}: unknown fields {sorted(fields)}")
        line = raw["checklist_line"]
        if not isinstance(line, Mapping) or set(line) != {"join", "id", "type"}:
            raise ValueError("judge.checklist_line needs join, id and type")
        if not all(isinstance(v, str) for v in line.values()):
            raise TypeError("judge.checklist_line values must be text")
        temps = raw["temperatures"]
        if not (
            isinstance(temps, list)
            and temps
            and all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in temps)
        ):
            raise ValueError("judge.temperatures must be a non-empty list of numbers")
        retries = raw["stop_retries"]
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 1:
            raise ValueError("judge.stop_retries must be a positive integer")
        return cls(dict(prompt), line["join"], line["id"], line["type"], tuple(temps), int(retries))

    def render(self, messages: Sequence[Message], lines: Sequence[tuple[str, str, str]]) -> str:
        """The prompt for the last round of ``messages``; ``lines``: (id, text, type)."""
        msgs = [
            (m.role, m.content or "") for m in messages if m.role in ("system", "user", "assistant")
        ]
        if not msgs or msgs[0][0] != "system":
            raise ValueError("the official judge prompt needs the system message first")
        if len(msgs) < 3 or msgs[-2][0] != "user" or msgs[-1][0] != "assistant":
            raise ValueError("the official judge prompt needs a user message and a reply last")
        history, (user, reply) = msgs[1:-2], msgs[-2:]
        out = self.prompt["head"].format(system=msgs[0][1])
        for i in range(len(history) // 2):
            (u_role, u_text), (a_role, a_text) = history[2 * i], history[2 * i + 1]
            out += self.prompt["round"].format(
                n=i + 1, user_role=u_role, user=u_text, assistant_role=a_role, assistant=a_text
            )
        checklist = self.line_join.join(
            f"{i}{self.id_sep}{text}{self.type_sep}{kind}" for i, text, kind in lines
        )
        out += self.prompt["current"].format(
            user_role=user[0],
            user=user[1],
            assistant_role=reply[0],
            assistant=reply[1],
            checklist=checklist,
        )
        return out + self.prompt["tail"].format()


def never_accepted(reply: str) -> str | None:
    """Why no judge answer can be accepted for ``reply`` (upstream's swapped length check)."""
    m = _LENGTH_CHECK.search(reply)
    if m is None:
        return None
    return (
        f"the reply contains {m.group(0)!r}: upstream's length check (called with its "
        "arguments swapped) rejects every judge answer for it, so the official run fails here"
    )


def parse_official(answer: str, keys: Sequence[tuple[str, str]]) -> tuple[dict[str, str], str]:
    """``({id: yes|no|label}, reasoning)`` by upstream's acceptance rules (module docstring);
    ``keys``: (the item's key in the official criteria object, its id) per checklist item."""
    cut = answer.strip()[7:-3]
    try:
        value = ast.literal_eval(cut)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise OfficialParseError(
            "not a Python literal once the first 7 and last 3 characters are cut "
            "(upstream reads the answer that way)"
        ) from None
    if not isinstance(value, dict) or REASON_KEY not in value or RESULT_KEY not in value:
        raise OfficialParseError(f"not a mapping with {REASON_KEY!r} and {RESULT_KEY!r}")
    result = value[RESULT_KEY]
    if not isinstance(result, dict):
        raise OfficialParseError(f"{RESULT_KEY!r} is not a mapping")
    try:
        ours = {int(k): i for k, i in keys}
        got = [int(k) for k in result]
    except (ValueError, TypeError) as exc:
        raise OfficialParseError(f"a key is not an integer: {exc}") from None
    if set(got) != set(ours):
        raise OfficialParseError(
            f"item keys differ from the checklist (got {sorted(set(got))}, want {sorted(ours)})"
        )
    verdicts: dict[str, str] = {}
    for key, label in zip(got, result.values(), strict=True):
        verdicts[ours[key]] = "yes" if label == "是" else "no" if label == "否" else str(label)
    reasoning = value[REASON_KEY]
    return verdicts, reasoning if isinstance(reasoning, str) else repr(reasoning)
