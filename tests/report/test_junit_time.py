"""junit's ``time`` per scenario: its own model-call time, although the engine dispatches every
scenario at once (the first item's setup used to carry the whole wait, the others 0.000)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.conftest import WARNINGS_AS_ERRORS
from tests.servers.openai_server import FakeOpenAIServer

LATENCY = 0.3  # per call, slept by the server


def test_every_scenario_reports_its_own_model_time(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer
) -> None:
    scenarios = "".join(
        f"  - id: s{i}\n    user: hello {i}\n    expect: [{{contains: hello}}]\n" for i in range(4)
    )
    two_turns = (
        "  - id: chat\n    turns:\n      - user: hello\n      - user: hello again\n"
        "        expect: [{contains: again}]\n"
    )
    (pytester.path / "t.llmbench.yaml").write_text(
        "suite: t\nscenarios:\n" + scenarios + two_turns, encoding="utf-8"
    )
    fake_server.latency = LATENCY
    result = pytester.runpytest(
        *WARNINGS_AS_ERRORS,
        "--llm-model=openai/fake-model",
        f"--llm-api-base={fake_server.base_url}",
        "--llm-cache=off",
        "--junitxml=junit.xml",
    )
    result.assert_outcomes(passed=5)
    cases = {
        c.get("name"): float(c.get("time", "0"))
        for c in ET.parse(pytester.path / "junit.xml").getroot().iter("testcase")
    }
    assert len(cases) == 5
    for name, seconds in cases.items():
        turns = 2 if name.startswith("chat") else 1
        assert seconds >= turns * LATENCY * 0.9, (name, seconds)  # not 0.000
