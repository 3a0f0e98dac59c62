"""Distractors official-wording mode: the prompts of the user's checkout of
zawedcvg/Are-Large-Language-Models-Attentive-Readers.

``create_prompts_with_fake_para.py`` writes the adversarial files and their original twins
(the HotpotQA-format files the importer reads) and hands them, item by item, to one of six
prompt functions of ``chain_of_thought_prompts.py``, chosen by its ``-m`` option (``gpt``,
``mixtral``, anything else for Llama-2). Each function joins every paragraph's sentences and
then the paragraphs, with no titles and no separator (the ``official`` rendering), and fills an
f-string with that context and the question. The GPT functions give a system prompt and a user
prompt, the two chat messages; the others one raw text carrying the model's own instruction
tags, made for a local text-generation pipeline.

The f-strings are read by static parsing (never executed); this module fills their two
placeholders. The official code sets no decoding parameters for the model under test, so none
are sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from pytest_llmbench.official_source import Checkout, OfficialSourceError
from pytest_llmbench.official_values import Template
from pytest_llmbench.provenance import Origin

BENCHMARK = "distractors (github.com/zawedcvg/Are-Large-Language-Models-Attentive-Readers)"
PROMPTS_FILE = "chain_of_thought_prompts.py"
PIPELINE_FILE = "create_prompts_with_fake_para.py"
PROMPTS_MODULE = "chain_of_thought_prompts"
# --prompt NAME → the function create_prompts_with_fake_para.py calls for it ("-m" option).
PROMPTS: dict[str, str] = {
    "gpt": "chain_of_thought_prompt_gpt",
    "gpt-control": "chain_of_thought_prompt_control_gpt",
    "mixtral": "chain_of_thought_prompt_subqa_mixtral",
    "mixtral-control": "chain_of_thought_prompt_control_subqa_mixtral",
    "llama": "chain_of_thought_prompt_subqa",
    "llama-control": "chain_of_thought_prompt_control_subqa",
}
DEFAULT_PROMPT = "gpt"
CONTEXT = "context_thing"  # every paragraph's sentences, joined with nothing between
QUESTION = "datapoint['question']"
CHAT = ("system_prompt", "user_prompt")
RAW = "prompt_multi"
CHECKED_SHA256 = {
    PROMPTS_FILE: "5d4eefece06cb96f12577f7672d365509982ca098a6c3d258c33aca3654d6a66",
    PIPELINE_FILE: "b589cabdb7f83cb1d402ec8cff9c31e79d1d661e256f2069b2a080da82c4e29e",
}
NO_PARAMETERS = "the official code sets no decoding parameters for the model: none are sent"
RAW_TEXT = (
    "a raw-text prompt with the model's own instruction tags, made for a local "
    "text-generation pipeline whose settings are not released; sent as one chat user "
    "message, which is not the same input: not comparable"
)


def prompt_name(text: str) -> str:
    """``--prompt`` takes a short name or the function's own name."""
    if text in PROMPTS:
        return text
    by_function = {f: n for n, f in PROMPTS.items()}
    if text in by_function:
        return by_function[text]
    raise ValueError(f"unknown prompt {text!r} (one of {', '.join(PROMPTS)})")


@dataclass(frozen=True)
class OfficialPrompt:
    name: str
    function: str
    system: str | None  # None: one raw text as the user message
    user: Template
    checkout: Checkout

    def user_message(self, context: str, question: str) -> str:
        values = {CONTEXT: context, QUESTION: question}
        return self.user.render(lambda ref: values[ref.source])

    def origins(self, rendering: str) -> tuple[Origin, Origin]:
        """(wording, decoding). Another context layout than upstream's, or a raw-text prompt
        sent as a chat message, is not what the official code gives the model."""
        wording = self.checkout.origin(variant=self.name)
        if rendering != "official":
            note = f"official text, context laid out by the project (--render {rendering})"
            wording = replace(wording, source="own", note=note)
        location, revision = wording.location, wording.revision
        if self.system is None:
            decoding = Origin("own", location, revision, variant=self.name, note=RAW_TEXT)
        else:
            decoding = Origin("official", location, revision, note=NO_PARAMETERS)
        return wording, decoding

    def unchecked_files(self) -> list[str]:
        files = self.checkout.origin().files
        return [f.path for f in files if CHECKED_SHA256.get(f.path, f.sha256) != f.sha256]


def _template(scope_get: Callable[[str], object], name: str, where: str) -> Template:
    value = scope_get(name)
    if isinstance(value, str):
        return Template((value,))
    if not isinstance(value, Template):
        raise OfficialSourceError(f"{where}: {name} is not a text (has the upstream file changed?)")
    unknown = [r.source for r in value.refs if r.source not in (CONTEXT, QUESTION)]
    if unknown:
        raise OfficialSourceError(
            f"{where}: {name} uses {unknown[0]!r}, which this importer does not know "
            "(has the upstream file changed?)"
        )
    return value


def read_prompt(root: Path, name: str = DEFAULT_PROMPT) -> OfficialPrompt:
    """The official prompt ``name`` from the checkout at ``root``; ``OfficialSourceError``
    (naming the file and the function or variable) when it does not fit."""
    function = PROMPTS[prompt_name(name)]
    checkout = Checkout(root, BENCHMARK, PROMPTS_FILE)
    if function not in checkout.file(PIPELINE_FILE).imported_names(PROMPTS_MODULE):
        raise OfficialSourceError(
            f"{PIPELINE_FILE}: no longer uses {PROMPTS_MODULE}.{function} (has the upstream "
            "file changed?)"
        )
    scope = checkout.file(PROMPTS_FILE).function(function).scope()
    where = f"{PROMPTS_FILE}: {function}()"
    if all(n in scope for n in CHAT):
        system = _template(scope.get, CHAT[0], where)
        if system.literal is None:
            raise OfficialSourceError(f"{where}: {CHAT[0]} now depends on the item")
        user = _template(scope.get, CHAT[1], where)
        prompt = OfficialPrompt(prompt_name(name), function, system.literal, user, checkout)
    elif RAW in scope:
        user = _template(scope.get, RAW, where)
        prompt = OfficialPrompt(prompt_name(name), function, None, user, checkout)
    else:
        raise OfficialSourceError(
            f"{where} binds neither {' and '.join(CHAT)} nor {RAW} (has the upstream file changed?)"
        )
    missing = {CONTEXT, QUESTION} - {r.source for r in prompt.user.refs}
    if missing:
        raise OfficialSourceError(f"{where}: the prompt no longer shows {sorted(missing)[0]}")
    return prompt
