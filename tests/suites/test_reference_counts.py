"""Issue #20: every shipped scenario carries adversarial references beside the obvious ones,
at least two that must pass (one a paraphrase, not a substring-variant of the first) and at
least two that must fail (one a near-miss, not a substring-variant of the first). That the
built-in models pass / fail all of them is test_builtin_models.py's job."""

from __future__ import annotations

import pytest

from pytest_llmbench.packaged import suites_root
from pytest_llmbench.scenario import RefConversation, Scenario, load_suite

FILES = sorted(suites_root().rglob("*.llmbench.yaml"))


def _text(ref: RefConversation) -> str:
    parts = []
    for turn in ref:
        for step in turn:
            parts.append(step.content or "")
            parts += [f"{c.name}{c.arguments}" for c in step.tool_calls]
    return " ".join(" ".join(parts).split())


def variant(a: RefConversation, b: RefConversation) -> bool:
    """One reference is the other with words cut off or added around it. Character for
    character, so a case variant is another wording, and so is a format variant that only adds
    marks ("**40357**" for "40357": an exact-reply rule allows nothing else)."""
    x, y = sorted((_text(a), _text(b)), key=len)
    if x not in y:
        return False
    rest = y.replace(x, "", 1)
    return x == y or any(ch.isalnum() for ch in rest)


def problems(s: Scenario) -> list[str]:
    out = []
    for kind, refs in (("pass", s.reference_pass), ("fail", s.reference_fail)):
        if len(refs) < 2:
            out.append(f"{len(refs)} {kind} reference(s), need 2")
        elif all(variant(refs[0], r) for r in refs[1:]):
            out.append(f"every other {kind} reference is a substring-variant of the first")
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_scenario_has_adversarial_references(path: object) -> None:
    bad = {s.id: p for s in load_suite(path).scenarios if (p := problems(s))}  # type: ignore[arg-type]
    assert not bad, bad


def test_the_variant_rule_can_fail() -> None:
    from pytest_llmbench.scenario import RefStep

    a: RefConversation = ((RefStep("Final Answer: 1893"),),)
    b: RefConversation = ((RefStep("Sure. Final Answer: 1893"),),)
    c: RefConversation = ((RefStep("The answer is 1893."),),)
    d: RefConversation = ((RefStep("**Final Answer: 1893**"),),)
    assert variant(a, b) and variant(a, a) and not variant(a, c) and not variant(a, d)
