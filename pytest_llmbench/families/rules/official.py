"""The official RuLES wording, read from the user's own checkout by static parsing.

Nothing of the checkout is executed (``pytest_llmbench.official_source`` parses the files with
``ast``). What is read:

* each scenario class's ``template`` (filled with the parameters by ``str.format``, as the
  official classes do when they are built), or its ``prompt`` when it has no ``template``
  (SimonSays: used as it is), from ``scenarios/security.py`` and ``scenarios/games.py``;
* system mode: ``PRECEDENCE_REMINDERS`` of ``scenarios/utils.py`` (deleted after rendering);
* user mode: ``BaseScenario.initial_response`` of ``scenarios/scenario.py`` (the assistant's
  acknowledgement);
* the decoding parameters of the lm-evaluation-harness port (``_s_rules_template_yaml``,
  ``generation_kwargs``) when the checkout has that file; otherwise the official runners'
  defaults, temperature 0 and at most 100 new tokens, which the published runs keep.

Layouts: a checkout of github.com/normster/llm_rules (the files under ``llm_rules/``), that
``llm_rules/`` folder itself, or a checkout of lm-evaluation-harness (its S-RuLES copy under
``lm_eval/tasks/realguardrails/s_rules/``). Any missing or reshaped file, class or constant is one
``OfficialSourceError`` naming the file and the constant, never a fall-back to other wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pytest_llmbench.families.rules.scenarios import SCENARIOS
from pytest_llmbench.families.rules.wording import Instructions, Template, Wording, template_problem
from pytest_llmbench.official_source import Checkout, OfficialSourceError
from pytest_llmbench.provenance import Origin, checkout_origin

BENCHMARK = "RuLES (github.com/normster/llm_rules)"
PREFIXES = ("llm_rules/", "", "lm_eval/tasks/realguardrails/s_rules/")
SCENARIO_FILES = ("scenarios/security.py", "scenarios/games.py")
UTILS = "scenarios/utils.py"
BASE = "scenarios/scenario.py"
TASK_CONFIG = "_s_rules_template_yaml"
DEFAULT_DECODING: dict[str, Any] = {"temperature": 0, "max_tokens": 100}
DEFAULT_DECODING_ORIGIN = Origin(
    "official",
    note="temperature 0, at most 100 new tokens: the official llm_rules runners' defaults, "
    "which the published runs keep",
)


@dataclass(frozen=True)
class OfficialRules:
    wording: Wording
    decoding: dict[str, Any]  # request parameters (litellm names)
    decoding_origin: Origin


def open_checkout(path: Path | str) -> tuple[Checkout, str]:
    """The checkout and the folder (relative, ending in ``/`` or empty) holding ``scenarios/``."""
    root = Path(path)
    if not root.is_dir():
        raise OfficialSourceError(f"{root}: not a folder (the {BENCHMARK} checkout)")
    for prefix in PREFIXES:
        if (root / prefix / SCENARIO_FILES[0]).is_file():
            return Checkout(root, BENCHMARK, prefix + SCENARIO_FILES[0]), prefix
    tried = ", ".join(p + SCENARIO_FILES[0] for p in PREFIXES)
    raise OfficialSourceError(
        f"{root}: not a checkout of the official {BENCHMARK} repository (none of {tried})"
    )


def _template(checkout: Checkout, prefix: str, scenario: str) -> Template:
    files = [checkout.file(prefix + rel) for rel in SCENARIO_FILES]
    for f in files:
        if scenario not in f.class_names():
            continue
        if f.has_class_attribute(scenario, "template"):
            template = Template(f.class_attribute(scenario, "template"))
            label = f"{f.relpath}: {scenario}.template"
        elif f.has_class_attribute(scenario, "prompt"):
            template = Template(f.class_attribute(scenario, "prompt"), fill=False)
            label = f"{f.relpath}: {scenario}.prompt"
        else:
            raise OfficialSourceError(
                f"{f.relpath}: no constant {scenario}.template (nor {scenario}.prompt); "
                "has the upstream file changed?"
            )
        problem = template_problem(scenario, template)
        if problem is not None:
            raise OfficialSourceError(f"{label} {problem}; has the upstream file changed?")
        return template
    where = " or ".join(f.relpath for f in files)
    raise OfficialSourceError(f"{where}: no class {scenario!r} (has the upstream file changed?)")


def _reminders(checkout: Checkout, prefix: str) -> tuple[str, ...]:
    f = checkout.file(prefix + UTILS)
    value = f.constant("PRECEDENCE_REMINDERS", (list, tuple))
    if not value or not all(isinstance(r, str) and r for r in value):
        raise OfficialSourceError(
            f"{f.relpath}: PRECEDENCE_REMINDERS is not a list of texts "
            "(has the upstream file changed?)"
        )
    return tuple(value)


class _TaskLoader(yaml.SafeLoader):
    """Reads the harness's task config; its ``!function`` tags name code, kept as text."""


_TaskLoader.add_constructor("!function", lambda loader, node: loader.construct_scalar(node))  # type: ignore[arg-type,attr-defined]


def _decoding(checkout: Checkout, prefix: str) -> tuple[dict[str, Any], Origin]:
    relpath = prefix + TASK_CONFIG
    if not checkout.has(relpath):
        return dict(DEFAULT_DECODING), DEFAULT_DECODING_ORIGIN
    try:
        config = yaml.load(checkout.text(relpath), Loader=_TaskLoader)  # a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise OfficialSourceError(f"{relpath}: cannot be parsed ({where}{problem})") from None
    kwargs = config.get("generation_kwargs") if isinstance(config, dict) else None
    temperature = kwargs.get("temperature") if isinstance(kwargs, dict) else None
    max_tokens = kwargs.get("max_gen_toks") if isinstance(kwargs, dict) else None
    ok_t = isinstance(temperature, (int, float)) and not isinstance(temperature, bool)
    ok_m = isinstance(max_tokens, int) and not isinstance(max_tokens, bool) and max_tokens > 0
    if not (ok_t and ok_m):
        raise OfficialSourceError(
            f"{relpath}: generation_kwargs.temperature / generation_kwargs.max_gen_toks "
            "missing or not numbers (has the upstream file changed?)"
        )
    origin = checkout_origin(checkout.root, [relpath], note=f"generation_kwargs of {relpath}")
    return {"temperature": temperature, "max_tokens": max_tokens}, origin


def read_official(path: Path | str, mode: Instructions) -> OfficialRules:
    """The official wording for ``mode`` and the decoding parameters, from the checkout."""
    checkout, prefix = open_checkout(path)
    templates = {s: _template(checkout, prefix, s) for s in SCENARIOS}
    reminders = _reminders(checkout, prefix) if mode == "system" else ()
    acknowledgement = ""
    if mode == "user":
        base = checkout.file(prefix + BASE)
        acknowledgement = base.class_attribute("BaseScenario", "initial_response")
    note = (
        "S-RuLES system mode: instructions as the system message, precedence reminders removed"
        if mode == "system"
        else "original RuLES user mode: instructions as the first user message, reminders kept"
    )
    origin = checkout.origin(variant=mode, note=note)  # before the decoding file is read
    decoding, decoding_origin = _decoding(checkout, prefix)
    return OfficialRules(
        Wording(templates, reminders, acknowledgement, origin), decoding, decoding_origin
    )
