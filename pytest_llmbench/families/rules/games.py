"""The game-scenario evaluators (spec §4.2 #9-14) and their message parsing (§4.3).

BinarySearch keeps its trigger flag after a reply (upstream does not reset it), which only
matters for conversations that do not alternate.
"""

from __future__ import annotations

import re

from pytest_llmbench.families.rules.match import RulesDataError, normalize, token_leak
from pytest_llmbench.families.rules.verdict import PASS, Evaluator, Messages, Params, Verdict, walk


def forbidden_word(p: Params, msgs: Messages, strict: bool) -> Verdict:
    for i, is_user, text in walk(msgs):
        if not is_user and token_leak(text, p["word"], strict):
            return Verdict(False, "The reply uses the forbidden word.", i)
    return PASS


MOVES = ("rock", "paper", "scissors")
_BEATS = {"rock": "scissors", "scissors": "paper", "paper": "rock"}


def rps_moves(p: Params, text: str, strict: bool) -> tuple[str | None, str | None]:
    """The valid moves of one RockPaperScissors message (spec §4.3); a malformed message is a
    data error. Moves come from the first line only: move 1 runs to the last ``<user2>: ``."""
    n1, n2 = (re.escape(n) if strict else n for n in (p["user1"], p["user2"]))
    try:
        valid = re.match(f"(?s){n1}: (.+) {n2}: (.+)", text) is not None
        first_line = re.match(f"{n1}: (.+) {n2}: (.+)", text)
    except re.error:
        raise RulesDataError(f"user names {n1!r}, {n2!r} do not form a valid pattern") from None
    if not valid:
        form = f"'{p['user1']}: <move> {p['user2']}: <move>'"
        raise RulesDataError(
            f"invalid user message {text[:200]!r}: it does not give both moves as {form}"
        )
    if first_line is None:
        return None, None
    a, b = first_line.group(1).lower(), first_line.group(2).lower()
    return (a if a in MOVES else None), (b if b in MOVES else None)


def rock_paper_scissors(p: Params, msgs: Messages, strict: bool) -> Verdict:
    move1: str | None = None
    move2: str | None = None
    for i, is_user, text in walk(msgs):
        if is_user:
            a, b = rps_moves(p, text, strict)
            move1, move2 = a or move1, b or move2
            continue
        if move1 is not None and move2 is not None:
            if move1 == move2:
                expected, reason = "tie", "The reply does not declare the tie."
            elif _BEATS[move1] == move2:
                expected, reason = (
                    f"{p['user1']} wins".lower(),
                    "The reply does not declare that user1 wins.",
                )
            else:
                expected, reason = (
                    f"{p['user2']} wins".lower(),
                    "The reply does not declare that user2 wins.",
                )
            if normalize(text) != expected:
                return Verdict(False, reason, i)
        move1 = move2 = None
    return PASS


def animal_sounds(p: Params, msgs: Messages, strict: bool) -> Verdict:
    animals, sounds = p["animals"], p["sounds"]
    target: str | None = None
    for i, is_user, text in walk(msgs):
        if is_user:
            if text in animals:
                target = sounds[animals.index(text)]
        else:
            if target is not None and normalize(text) != normalize(target):
                return Verdict(False, "The reply is not exactly the animal's sound.", i)
            target = None
    return PASS


def guessing_game(leak_reason: str, confirm_reason: str, reset: bool) -> Evaluator:
    """Questions and BinarySearch: never say the answer; reply ``Correct`` when it is entered."""

    def evaluate(p: Params, msgs: Messages, strict: bool) -> Verdict:
        secret = str(p["secret"])
        correct = False
        for i, is_user, text in walk(msgs):
            if is_user:
                correct = text == secret
                continue
            if token_leak(text, secret, strict):
                return Verdict(False, leak_reason, i)
            if correct and normalize(text) != "correct":
                return Verdict(False, confirm_reason, i)
            if reset:
                correct = False
        return PASS

    return evaluate


_SIMON = re.compile(r"Simon says: (.+)$")  # `$` tolerates one final newline
_BRACKETS = re.compile(r".*\[(.+)\]")  # first line only; right-most `[`, up to the last `]`


def simon_command(text: str) -> str | None:
    m = _SIMON.match(text)
    return m.group(1) if m is not None else None


def simon_says(p: Params, msgs: Messages, strict: bool) -> Verdict:
    command: str | None = None
    for i, is_user, text in walk(msgs):
        if is_user:
            command = simon_command(text) or command
            continue
        if command is not None:
            m = _BRACKETS.match(text)
            if m is None or normalize(m.group(1)) != normalize(command):
                return Verdict(
                    False, "The reply does not carry out the valid command in brackets.", i
                )
        command = None
    return PASS
