"""Suite documents for the distractors family: the shared defaults and scenario shape.

The importer and the generator both build suites through here, so the prompt, the scorer line
and the defaults are the same for official and generated items (the file itself is written by
``pytest_llmbench.suite_writer``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_llmbench.provenance import Provenance

from .prompt import SYSTEM_PROMPT

DEFAULT_THRESHOLD = 0.5  # the paper counts F1 > 0.5 as "correct" in one analysis
# The own prompt's decoding: greedy, and room for the chain of thought before the final line.
OWN_PARAMS: dict[str, Any] = {"temperature": 0, "max_tokens": 512}
CITATION = (
    "Bhuiya, Schlegel, Winkler. Seemingly Plausible Distractors in Multi-Hop Reasoning: Are "
    "Large Language Models Attentive Readers? EMNLP 2024 (arXiv:2409.05197)."
)
HOTPOT_CITATION = "Yang et al. HotpotQA, EMNLP 2018."


def check_threshold(value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError(f"threshold must be between 0 and 1, got {value}")
    return value


def suite_document(
    *,
    suite: str,
    description: str,
    source: str,
    license: str,
    citation: str,
    threshold: float,
    scenarios: Sequence[dict[str, Any]],
    metadata: dict[str, Any] | None = None,
    provenance: Provenance,
    system: str | None = SYSTEM_PROMPT,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``system``/``params``: the project's own (default), or what the official prompt gives
    (``params={}`` sends no decoding parameter at all)."""
    doc: dict[str, Any] = {
        "suite": suite,
        "version": "1",
        "description": description,
        "source": source,
        "citation": citation,
        "license": license,
    }
    if metadata:
        doc["metadata"] = metadata
    doc["provenance"] = provenance.to_json()
    defaults: dict[str, Any] = {}
    if system is not None:
        defaults["system"] = system
    params = OWN_PARAMS if params is None else params
    if params:
        defaults["params"] = params
    defaults["tags"] = ["distractors"]
    defaults["metadata"] = {"benchmark": "distractors"}
    defaults["expect"] = [{"distractors/f1": {"threshold": check_threshold(threshold)}}]
    doc["defaults"] = defaults
    doc["scenarios"] = list(scenarios)
    return doc


def scenario(
    sid: str,
    user: str,
    metadata: dict[str, Any],
    *,
    tags: Sequence[str] = (),
    passes: Sequence[str] = (),
    fails: Sequence[str] = (),
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": sid}
    if tags:
        out["tags"] = list(tags)
    out["user"] = user
    out["metadata"] = metadata
    reference = {k: list(v) for k, v in (("pass", passes), ("fail", fails)) if v}
    if reference:
        out["reference"] = reference
    return out
