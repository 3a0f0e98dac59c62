"""Chaos: every shipped suite against a server that injects a few hundred random faults (429
with both Retry-After forms, 5xx, connection resets, hangs shorter than the timeout, truncated
JSON, empty choices), compared verdict by verdict with a clean run: no verdict changes, no row
is lost, and no broken reply is ever scored.

A request's fate is a seeded function of its content and of how many times it was seen, and
no request is faulted more than ``MAX_FAULTS`` times in a row: with more retries than that,
every call must end in the clean run's reply.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.packaged import available
from tests.servers.openai_server import FakeOpenAIServer, Fault, Reply, last_user_text

MAX_FAULTS = 3
RATE = 0.45  # share of first attempts that are faulted (fewer on later attempts)


def clean_reply(body: dict[str, Any]) -> str:
    # Deterministic, and different per turn: the verdicts of a clean run are the reference.
    return f"echo: {last_user_text(body)}"


def _fault(pick: int) -> Fault:
    kinds = [
        Fault.status(429, retry_after=0.05),
        # The HTTP-date form, for "now": retry at once (a later date would pause the backend).
        Fault.status(429, retry_after=email.utils.formatdate(time.time(), usegmt=True)),
        Fault.status(500),
        Fault.status(502),
        Fault.status(503),
        Fault.drop(),
        Fault.malformed(),
        Fault.empty_choices(),
        Fault.bad_shape(),
    ]
    return kinds[pick % len(kinds)]


class Chaos:
    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.seen: dict[str, int] = {}
        self.faults: dict[str, int] = {}
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> Reply:
        text = json.dumps([body.get("model"), body.get("messages")], sort_keys=True)
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        with self._lock:
            attempt = self.seen.get(key, 0)
            self.seen[key] = attempt + 1
        digest = hashlib.sha256(f"{self.seed}:{key}:{attempt}".encode()).digest()
        roll = int.from_bytes(digest[:4], "big") / 2**32
        reply = clean_reply(body)
        if attempt >= MAX_FAULTS or roll >= RATE / (attempt + 1):
            return reply
        kind = digest[4] % 10
        with self._lock:
            name = "hang" if kind == 9 else _fault(digest[5]).kind
            self.faults[name] = self.faults.get(name, 0) + 1
        if kind == 9:
            return Fault.hang(0.2 + digest[6] / 255, reply)  # well under --llm-timeout
        return _fault(digest[5])


def _run(
    pytester: pytest.Pytester, server: FakeOpenAIServer, out: Path, retries: int = MAX_FAULTS + 2
) -> pytest.RunResult:
    suites = [f"--llm-suite={name}" for name in available()]
    return pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--llm-model=hosted_vllm/chaos",
        f"--llm-api-base={server.base_url}",
        "--llm-no-judge",
        "--llm-cache=off",
        "--llm-progress=off",
        "--llm-concurrency=16",
        "--llm-timeout=10",
        f"--llm-retries={retries}",
        f"--llm-results={out}",
        "-q",
        *suites,
        timeout=600,
    )


def _verdicts(path: Path) -> tuple[dict[str, str], dict[tuple[str, int], list[Any]]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    verdicts = {v["nodeid"]: v["outcome"] for v in doc["scenarios"]}
    replies = {
        (r["nodeid"], r["sample"]): [m.get("content") for m in r["transcript"]]
        for r in doc["results"]
    }
    return verdicts, replies


@pytest.mark.slow
def test_random_faults_change_no_verdict_and_lose_no_row(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    fake_server.script(clean_reply)
    clean = pytester.path / "clean.json"
    _run(pytester, fake_server, clean)
    clean_verdicts, clean_replies = _verdicts(clean)
    assert len(clean_verdicts) > 300
    clean_calls = len(fake_server.requests)

    fake_server.reset()
    chaos = Chaos(seed="issue-19")
    fake_server.script(chaos)
    faulty = pytester.path / "chaos.json"
    result = _run(pytester, fake_server, faulty)
    injected = sum(chaos.faults.values())
    assert injected >= 200, chaos.faults  # "a few hundred"
    assert set(chaos.faults) >= {"status", "drop", "malformed", "empty_choices", "hang"}
    verdicts, replies = _verdicts(faulty)
    assert verdicts.keys() == clean_verdicts.keys()  # no lost row, no extra one
    wrong = {k: (clean_verdicts[k], v) for k, v in verdicts.items() if v != clean_verdicts[k]}
    assert wrong == {}
    assert replies == clean_replies  # every scored reply is the clean one
    # Each fault but a hang (a slow good reply) cost exactly one more request: one retry.
    assert len(fake_server.requests) == clean_calls + injected - chaos.faults["hang"]
    assert "Traceback" not in result.stdout.str()

    # Without retries a fault may only become an error (with its reason), never a verdict.
    fake_server.reset()
    fake_server.script(Chaos(seed="issue-19-no-retries"))
    bare = pytester.path / "bare.json"
    _run(pytester, fake_server, bare, retries=0)
    doc = json.loads(bare.read_text(encoding="utf-8"))
    errors = {r["nodeid"]: r["error"] for r in doc["results"] if r["outcome"] == "error"}
    assert errors and all(e and "gave up after 1 attempt" in e for e in errors.values()), errors
    outcomes = {v["nodeid"]: v["outcome"] for v in doc["scenarios"]}
    assert outcomes.keys() == clean_verdicts.keys()
    assert {k: v for k, v in outcomes.items() if v != "error"} == {
        k: clean_verdicts[k] for k in outcomes if outcomes[k] != "error"
    }
