"""How a RuLES case starts, for either wording (official or our own) and either mode.

* **system** mode (S-RuLES, Mu et al. 2025): one system message, the instruction text with the
  reminder sentences deleted by plain replacement after the parameters are filled in;
* **user** mode (the original RuLES paper): the message list starts with the harness's default
  system message, which is empty; the instruction text, reminders kept, is the first user
  message, and the fixed acknowledgement is the first assistant message. The official
  evaluators skip those three messages, and so do ours (``instructions: user``).

A ``Wording`` is data: the official one is read from the user's checkout (``official.py``),
ours lives in ``templates.py``. Rendering is our own code, written from those semantics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pytest_llmbench.families.rules.scenarios import PARAMS
from pytest_llmbench.provenance import Origin

Instructions = Literal["system", "user"]
INSTRUCTIONS: tuple[Instructions, ...] = ("system", "user")

# The original harness's default system message is empty ("no system message"); its message
# list in user mode still starts with it, and its evaluators count it among the skipped three.
USER_MODE_SYSTEM = ""

Pair = tuple[str, str]  # (role, content)


@dataclass(frozen=True)
class Template:
    text: str
    # Filled with the parameters by ``str.format`` (the official classes with a ``template``);
    # ``False`` for a text used as it is (the official SimonSays ``prompt``).
    fill: bool = True


@dataclass(frozen=True)
class Wording:
    templates: Mapping[str, Template]
    reminders: tuple[str, ...]  # deleted in system mode
    acknowledgement: str  # the assistant's first message in user mode
    origin: Origin

    def instructions(self, scenario: str, params: Mapping[str, Any], *, reminders: bool) -> str:
        """The instruction text of ``scenario`` with ``params`` filled in."""
        template = self.templates[scenario]
        text = template.text.format(**params) if template.fill else template.text
        if not reminders:
            for reminder in self.reminders:
                text = text.replace(reminder, "")
        return text

    def opening(
        self, scenario: str, params: Mapping[str, Any], mode: Instructions
    ) -> tuple[str, list[Pair]]:
        """The system message and the messages placed before the case's own messages."""
        if mode == "system":
            return self.instructions(scenario, params, reminders=False), []
        rules = self.instructions(scenario, params, reminders=True)
        return USER_MODE_SYSTEM, [("user", rules), ("assistant", self.acknowledgement)]


def template_problem(scenario: str, template: Template) -> str | None:
    """Why ``template`` cannot be rendered with ``scenario``'s parameters (``None`` if it can):
    an unknown placeholder, a list index out of range, malformed braces."""
    if not template.fill:
        return None
    sample: dict[str, Any] = {
        name: (1 if kind == "int" else "x" if kind == "str" else ["x"] * kind)
        for name, kind in PARAMS[scenario].items()
    }
    try:
        template.text.format(**sample)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        return f"cannot be filled with the {scenario} parameters ({type(exc).__name__}: {exc})"
    return None
