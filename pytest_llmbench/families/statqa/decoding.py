"""StatQA decoding parameters: those of the runner behind the published GPT numbers, or of the
LLaMA runner, read from the user's checkout when there is one.

``gpt`` (default): ``Evaluation/gpt_evaluation.py`` posts ``{"model", "messages": [one user
message], "temperature": 0}`` and nothing else, so the suite sets ``temperature: 0`` and no
``max_tokens``. ``llama``: ``Evaluation/llama_evaluation.py`` gives vLLM ``temperature``,
``top_p`` and ``max_tokens`` (a larger budget for the chain-of-thought strategies). That runner
feeds the prompt to the model as plain text, with no chat template; a chat request cannot
reproduce that input, so a ``llama`` suite is never marked comparable with the published
numbers (its decoding origin is ``own``, with the parameters' files recorded).

Without a checkout the same values are written from the documented facts (spec §5) and the
origin is ``own``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pytest_llmbench.official_source import Checkout, OfficialSourceError
from pytest_llmbench.official_values import CallValue, Ref
from pytest_llmbench.provenance import Origin

DECODINGS = ("gpt", "llama")
GPT_RUNNER = "Evaluation/gpt_evaluation.py"
GPT_FUNCTION = "gpt_answer"
GPT_BODY = "data"
LLAMA_RUNNER = "Evaluation/llama_evaluation.py"
LLAMA_FUNCTION = "llama_answer_generation"
LLAMA_PARAMS = "sampling_params"
STRATEGY_ARG = "trick"
RAW_TEXT_NOTE = (
    "the LLaMA runner's parameters; that runner gives the prompt to vLLM as plain text with "
    "no chat template, which a chat request cannot reproduce: not comparable"
)


@dataclass(frozen=True)
class Decoding:
    variant: str
    params: dict[str, dict[str, Any]]  # strategy → generation parameters
    origin: Origin


def _is_cot(strategy: str) -> bool:
    return strategy.endswith("-CoT")


def own_decoding(variant: str, strategies: list[str]) -> Decoding:
    """The documented values, without a checkout."""
    params: dict[str, dict[str, Any]]
    if variant == "gpt":
        params = {s: {"temperature": 0} for s in strategies}
        note = "temperature 0 and nothing else, as the GPT runner sends (not read from a checkout)"
    else:
        params = {
            s: {"temperature": 0.0, "top_p": 1.0, "max_tokens": 1024 if _is_cot(s) else 256}
            for s in strategies
        }
        note = "the LLaMA runner's values as documented (not read from a checkout)"
    return Decoding(variant, params, Origin("own", variant=variant, note=note))


def _number(value: Any, where: str) -> int | float:
    if type(value) not in (int, float):
        raise OfficialSourceError(
            f"{where} is not a number literal ({value!r}); has the upstream file changed?"
        )
    return value  # type: ignore[no-any-return]


def _gpt(checkout: Checkout, strategies: list[str]) -> Decoding:
    where = f"{GPT_RUNNER}: {GPT_FUNCTION}(): {GPT_BODY}"
    body = checkout.file(GPT_RUNNER).function(GPT_FUNCTION).scope().get(GPT_BODY, dict)
    messages = body.get("messages")
    one_user_message = (
        isinstance(messages, list)
        and len(messages) == 1
        and isinstance(messages[0], dict)
        and messages[0].get("role") == "user"
        and isinstance(messages[0].get("content"), Ref)
        and set(messages[0]) == {"role", "content"}
    )
    if not one_user_message or "model" not in body:
        raise OfficialSourceError(
            f"{where} no longer sends the prompt as one user message (has the upstream "
            "file changed?)"
        )
    sent = {
        k: _number(v, f"{where}[{k!r}]") for k, v in body.items() if k not in ("model", "messages")
    }
    origin = checkout.origin(variant="gpt")
    return Decoding("gpt", {s: dict(sent) for s in strategies}, origin)


def _llama(checkout: Checkout, strategies: list[str]) -> Decoding:
    runner = checkout.file(LLAMA_RUNNER)
    where = f"{LLAMA_RUNNER}: {LLAMA_FUNCTION}(): {LLAMA_PARAMS}"
    call = runner.function(LLAMA_FUNCTION).scope().get(LLAMA_PARAMS, CallValue)
    if call.args:
        raise OfficialSourceError(f"{where} takes positional arguments now (upstream changed?)")
    branches = runner.function(LLAMA_FUNCTION).branches(STRATEGY_ARG)
    params: dict[str, dict[str, Any]] = {}
    for strategy in strategies:
        scope = branches.get(strategy, branches.get(None))
        chosen: dict[str, Any] = {}
        for key, value in call.kwargs:
            if isinstance(value, Ref):
                if scope is None:
                    raise OfficialSourceError(f"{where}: {key} has no value for {strategy!r}")
                value = scope.get(value.source)
            chosen[key] = _number(value, f"{where}: {key}")
        params[strategy] = chosen
    origin = replace(checkout.origin(variant="llama", note=RAW_TEXT_NOTE), source="own")
    return Decoding("llama", params, origin)


def official_decoding(checkout: Checkout, variant: str, strategies: list[str]) -> Decoding:
    """The runner's parameters read from ``checkout`` (a separate ``Checkout`` from the
    wording's, so each origin lists only its own files)."""
    if variant == "gpt":
        return _gpt(checkout, strategies)
    if variant == "llama":
        return _llama(checkout, strategies)
    raise ValueError(f"unknown decoding {variant!r} (one of {', '.join(DECODINGS)})")
