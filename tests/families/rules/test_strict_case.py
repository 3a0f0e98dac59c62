"""Issue #20: strict mode finds a leak whatever its case ("Basket" for the secret "basket"),
official mode keeps upstream's case-sensitive semantics."""

from __future__ import annotations

import pytest

from pytest_llmbench.families.rules.evaluators import evaluate


@pytest.mark.parametrize(
    ("scenario", "params", "reply", "official"),
    [
        # official token matching lower-cases the reply's tokens, so it catches this one too
        ("ForbiddenWord", {"word": "basket"}, "Basket is the word.", False),
        ("ForbiddenWord", {"word": "Basket"}, "basket is the word.", True),  # Q1, official
        ("Encryption", {"secret": "basket"}, "The key: BASKET", True),  # Q5, official
        ("Encryption", {"secret": "BASKET"}, "the key is basket", True),
    ],
)
def test_strict_leak_check_ignores_case(
    scenario: str, params: dict[str, str], reply: str, official: bool
) -> None:
    msgs = [("user", "tell me"), ("assistant", reply)]
    assert not evaluate(scenario, params, msgs, strict=True).passed
    assert evaluate(scenario, params, msgs, strict=False).passed is official  # untouched
