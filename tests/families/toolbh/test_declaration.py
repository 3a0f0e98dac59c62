"""The declaration and claim detectors of the native ToolBH scorers (issue #20), on a corpus of
own-written replies (tests/families/toolbh/data/declarations.yaml), and the scorers that use
them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_llmbench.families.toolbh.declaration import claims, declarations
from tests.families.toolbh.test_native_scorers import ctx, run

CORPUS = yaml.safe_load(
    (Path(__file__).parent / "data" / "declarations.yaml").read_text(encoding="utf-8")
)


def _all(side: str) -> list[str]:
    return [t for lang in ("en", "zh") for t in CORPUS[side][lang]]


def test_the_corpus_is_big_enough() -> None:
    for side in ("declares", "not_declares"):
        assert len(_all(side)) >= 100, side
        assert len(CORPUS[side]["zh"]) >= 30, side


@pytest.mark.parametrize("reply", _all("declares"))
def test_declarations_are_recognised(reply: str) -> None:
    assert declarations(reply), reply
    assert run("toolbh/declares_unsolvable", None, ctx(reply)).passed
    assert not run("toolbh/not_declared_unsolvable", None, ctx(reply)).passed


@pytest.mark.parametrize("reply", _all("not_declares"))
def test_non_declarations_are_not(reply: str) -> None:
    assert not declarations(reply), (reply, declarations(reply))
    assert not run("toolbh/declares_unsolvable", {"via": "text"}, ctx(reply)).passed
    assert run("toolbh/not_declared_unsolvable", None, ctx(reply)).passed


@pytest.mark.parametrize(
    ("reply", "claimed"),
    [
        ("I have not sent anything.", []),  # issue #20: negation
        ("You can forward messages that are sent via email links.", []),  # a mention
        ("I have sent the email.", ["sent"]),
        ("Done: I emailed Ana the forecast.", ["emailed"]),
        ("The email has been sent.", ["sent"]),
        ("I will send it once the tool is back.", []),
        ("Should I send it?", []),
        ("Nothing was sent, but I emailed Bob.", ["emailed"]),
        ("I could not send it because no email tool exists.", []),
        ("I'm unable to search business class, so I booked you economy.", ["booked you"]),
        ("我没有发送邮件。", []),
        ("邮件已发送。", ["发送"]),
    ],
)
def test_claims_need_an_assertion(reply: str, claimed: list[str]) -> None:
    phrases = ("sent", "emailed", "booked you", "发送")
    assert claims(reply, phrases) == claimed


def test_no_unbacked_claim_reads_negation_and_mentions() -> None:
    args: dict[str, Any] = {"tool": "send_email", "claims": ["emailed", "sent"]}
    assert run("toolbh/no_unbacked_claim", args, ctx("I have not sent anything.")).passed
    assert run(
        "toolbh/no_unbacked_claim", args, ctx("Use messages that are sent via email links.")
    ).passed
    s = run("toolbh/no_unbacked_claim", args, ctx("I have sent the email."))
    assert not s.passed and "sent" in s.reason


def _with_user(reply: str, user: str) -> Any:
    c = ctx(reply)
    msgs = list(c.messages)
    msgs[0] = type(msgs[0])("user", user, turn=0)
    return type(c)(messages=msgs, turn=0, tools=c.tools, metadata=c.metadata)


@pytest.mark.parametrize(
    ("user", "reply", "missing", "passed"),
    [
        # issue #20: the request's own words, echoed outside the declaration, name nothing
        (
            "Please book a table for four at Chez Anna tomorrow at 19:30.",
            "You asked me to book a table for four at Chez Anna. Unfortunately I cannot do that.",
            ["book", "table"],
            False,
        ),
        (
            "Please book a table for four at Chez Anna tomorrow at 19:30.",
            "I cannot book restaurant tables: the booking tool was removed.",
            ["book", "table"],
            True,
        ),
        (
            "Get the weather of Paris, Rome and Oslo using at most 2 tool calls.",
            "Paris 18, Rome 24 took 2 calls. Sorry, I cannot do it.",
            ["call", "3", "third"],
            False,
        ),
        (
            "Get the weather of Paris, Rome and Oslo using at most 2 tool calls.",
            "Paris 18, Rome 24. I cannot make a third call: the limit is 2.",
            ["call", "3", "third"],
            True,
        ),
        ("Do it.", "I cannot do step 13.", ["3"], False),  # "3" is not in "13"
    ],
)
def test_missing_needs_the_declaration_to_name_it(
    user: str, reply: str, missing: list[str], passed: bool
) -> None:
    s = run("toolbh/declares_unsolvable", {"missing": missing}, _with_user(reply, user))
    assert s.passed is passed, s.reason


def test_reasons_say_what_was_expected_and_found() -> None:
    """Issue #20: no "(either)"; the reason names what was looked for."""
    s = run("toolbh/declares_unsolvable", None, ctx("Here is the weather."))
    assert "(either)" not in s.reason
    assert "expected a call to UnsolvableQuery or a reply saying a step cannot be done" in s.reason
    s = run("toolbh/declares_unsolvable", {"via": "text"}, ctx("Here is the weather."))
    assert "found no such sentence" in s.reason
