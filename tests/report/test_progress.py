"""The dispatch progress bar: drawn while an item waits long enough, only where asked or on
a TTY, and never in captured or piped output by default."""

from __future__ import annotations

import re

import pytest

from tests.servers.openai_server import FakeOpenAIServer

SUITE = "suite: p\nscenarios:\n" + "".join(
    f"  - id: s{i}\n    user: q{i}\n    expect: [{{contains: echo}}]\n" for i in range(3)
)


@pytest.mark.slow
@pytest.mark.parametrize(("mode", "shown"), [("on", True), ("off", False), ("auto", False)])
def test_progress_bar_only_when_wanted(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, mode: str, shown: bool
) -> None:
    (pytester.path / "p.llmbench.yaml").write_text(SUITE)
    fake_server.latency = 0.8  # longer than the bar's 0.5 s grace period
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--llm-model=hosted_vllm/fake",
        f"--llm-api-base={fake_server.base_url}",
        "--llm-concurrency=1",
        "--llm-cache=off",
        f"--llm-progress={mode}",
    )
    result.assert_outcomes(passed=3)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stdout.str())
    assert ("llmbench scenarios" in plain) is shown
