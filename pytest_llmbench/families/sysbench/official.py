"""SysBench's official judge, read from the user's checkout of PKU-Baichuan-MLSystemLab/SysBench.

Upstream declares no licence: the project holds none of its text. With ``--official-code`` the
importer parses (``ast``, never runs):

* ``utils.py`` ``get_eval_pattern``: the f-strings added to ``pattern`` (the head with the
  system message, one block per earlier round inside the loop, the current round with the
  checklist, the output block) and the separators of the checklist lines (``criteria_pattern``);
* ``eval_system_bench.py`` (own-history runs) or ``eval_system_bench_with_gt.py`` (reference
  history) ``SystemBenchEval.do_eval``: the tries (``retry_time``) and the judge call's
  ``temperature`` per try, a number or ``a if retry_i < retry_time // k else b``;
* ``models/gpt4o.py`` ``gpt4o.__call__``: the answer must finish with ``"stop"``, how many times
  it is re-asked (``retry``; upstream never counts them, we stop there), and that the model under
  test is sent no generation parameters.

Any other shape is an ``OfficialSourceError`` naming the file and the function.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from pytest_llmbench.official_function import (
    Expr,
    FunctionSource,
    Slot,
    literal,
    one_user_message,
    string_constants,
)
from pytest_llmbench.official_source import Checkout
from pytest_llmbench.provenance import Origin, checkout_origin

from .judge_official import PIECES, OfficialJudge

BENCHMARK = "SysBench"
UTILS = "utils.py"
CLIENT = "models/gpt4o.py"
RUNNERS = {"model": "eval_system_bench.py", "reference": "eval_system_bench_with_gt.py"}
PROMPT_FN, EVAL_FN, CLIENT_FN = "get_eval_pattern", "SystemBenchEval.do_eval", "gpt4o.__call__"
# What each placeholder of get_eval_pattern stands for, by the names upstream gives them.
_SLOTS = {
    "head": {"system_prompt": "system"},
    "round": {
        "index + 1": "n",
        "user_message['role']": "user_role",
        "user_message['content']": "user",
        "assistant_message['role']": "assistant_role",
        "assistant_message['content']": "assistant",
    },
    "current": {
        "current_dialogs[0]['role']": "user_role",
        "current_dialogs[0]['content']": "user",
        "current_dialogs[1]['role']": "assistant_role",
        "current_dialogs[1]['content']": "assistant",
        "criteria_pattern": "checklist",
    },
    "tail": {},
}
_CRITERIA_FIELDS = ("criteria_id", "criteria_content", "criteria_type")


@dataclass(frozen=True)
class Official:
    judge: OfficialJudge
    wording: Origin
    decoding: Origin


def read(root: Path | str, history: str = "model") -> Official:
    checkout = Checkout(root, BENCHMARK, RUNNERS["model"])
    prompt_fn = checkout.file(UTILS).function(PROMPT_FN)
    prompt = _prompt(prompt_fn)
    join, id_sep, type_sep = _checklist_line(prompt_fn)
    temperatures = _schedule(checkout.file(RUNNERS[history]).function(EVAL_FN))
    stop_retries = _client(checkout.file(CLIENT).function(CLIENT_FN))
    judge = OfficialJudge(prompt, join, id_sep, type_sep, temperatures, stop_retries)
    wording = checkout_origin(checkout.root, [UTILS], note="the judge prompt (get_eval_pattern)")
    decoding = checkout_origin(
        checkout.root,
        [RUNNERS[history], CLIENT],
        variant=f"{history} history",
        note="no generation parameters for the model under test; the judge's tries and "
        "temperatures as upstream",
    )
    return Official(judge, wording, decoding)


def _prompt(fn: FunctionSource) -> dict[str, str]:
    builds = fn.texts("pattern")
    shape = [(b.augmented, b.loop is not None) for b in builds]
    if shape != [(False, False), (True, True), (True, False), (True, False)]:
        raise fn.error(
            "expected pattern = <head>, then += <round> in a loop, += <current round>, "
            f"+= <output block>; found {len(builds)} assignments"
        )
    out = {}
    for name, build in zip(PIECES, builds, strict=True):
        pieces = []
        for part in build.parts:
            if isinstance(part, Slot):
                if part.expr not in _SLOTS[name]:
                    raise fn.error(f"unknown placeholder {{{part.expr}}} in the {name} piece")
                pieces.append("{" + _SLOTS[name][part.expr] + "}")
            else:
                pieces.append(part.replace("{", "{{").replace("}", "}}"))
        out[name] = "".join(pieces)
    return out


def _checklist_line(fn: FunctionSource) -> tuple[str, str, str]:
    """``join``, the separator after the id and the one before the type, of ``criteria_pattern``
    (``join.join(id + sep + content + sep + type ...)``)."""
    pieces = string_constants(fn.assigned("criteria_pattern"))
    if len(pieces) != 6 or tuple(pieces[1::2]) != _CRITERIA_FIELDS:
        raise fn.error(f"criteria_pattern has another shape (its strings: {pieces})")
    return pieces[0], pieces[2], pieces[4]


def _schedule(fn: FunctionSource) -> tuple[float, ...]:
    tries = fn.default("retry_time")
    if isinstance(tries, bool) or not isinstance(tries, int) or tries < 1:
        raise fn.error(f"retry_time defaults to {tries!r}, not a positive integer")
    calls = fn.calls("self.eval_model")
    if len(calls) != 1 or "temperature" not in calls[0].keywords or len(calls[0].args) != 1:
        raise fn.error("expected one self.eval_model(messages, temperature=...) call")
    if not one_user_message(calls[0].args[0]):
        raise fn.error("the judge is not sent one user message")
    node = calls[0].keywords["temperature"]
    value = literal(node)
    if _number(value):
        return (value,) * tries
    if not isinstance(node, ast.IfExp):
        raise fn.error(f"temperature={ast.unparse(node)}")
    first, then = literal(node.body), literal(node.orelse)
    test = node.test
    if not (
        _number(first)
        and _number(then)
        and isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Lt)
        and ast.unparse(test.left) == "retry_i"
    ):
        raise fn.error(f"temperature={ast.unparse(node)}")
    bound = test.comparators[0]
    if ast.unparse(bound) == "retry_time":
        cut = tries
    elif (
        isinstance(bound, ast.BinOp)
        and isinstance(bound.op, ast.FloorDiv)
        and ast.unparse(bound.left) == "retry_time"
        and isinstance(divisor := literal(bound.right), int)
        and not isinstance(divisor, bool)
        and divisor > 0
    ):
        cut = tries // divisor
    else:
        raise fn.error(f"temperature={ast.unparse(node)}")
    return tuple(first if i < cut else then for i in range(tries))


def _client(fn: FunctionSource) -> int:
    """The re-asks of one try; checks the "stop" rule and the parameter-free request."""
    retries = fn.default("retry")
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 1:
        raise fn.error(f"retry defaults to {retries!r}, not a positive integer")
    if "stop" not in string_constants(fn.node):
        raise fn.error('no check that the answer finished with "stop"')
    plain = [c for c in fn.calls("self.client.chat.completions.create") if not _extra(c.keywords)]
    if not plain:
        raise fn.error("no request without generation parameters for the model under test")
    return retries


def _extra(keywords: dict[str, ast.expr]) -> set[str]:
    return set(keywords) - {"model", "messages"}


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, (bool, Expr))
