"""A fully cached re-run (``--llm-cache=replay``) answers from the cache without importing the
network stack: neither litellm nor aiohttp (the fast path's HTTP client) is loaded."""

from __future__ import annotations

import pytest

INSTANT = """
from pytest_llmbench.client.base import ChatResponse


class InstantClient:
    async def complete(self, request, timeout):
        return ChatResponse(content="ok", finish_reason="stop")

    async def aclose(self):
        pass


def pytest_llmbench_make_client(settings):
    return InstantClient()
"""

HEAVY_AT_END = """
import sys

def pytest_unconfigure(config):
    heavy = sorted(m for m in ("litellm", "aiohttp", "openai") if m in sys.modules)
    print(f"HEAVY-MODULES-AT-END: {heavy}")
"""

SUITE = """suite: cached
scenarios:
  - id: one
    user: question one
    expect: [{contains: ok}]
  - id: two
    turns:
      - user: first
      - user: second
        expect: [{contains: ok}]
"""


@pytest.mark.parametrize("model", ["hosted_vllm/fake", "openai/fake", "anthropic/claude-x"])
def test_a_cached_rerun_imports_neither_litellm_nor_aiohttp(
    pytester: pytest.Pytester, model: str
) -> None:
    pytester.makepyfile(instant=INSTANT, heavycheck=HEAVY_AT_END)
    (pytester.path / "c.llmbench.yaml").write_text(SUITE)
    # Port 9 refuses connections: a call that missed the cache would be an error.
    common = [f"--llm-model={model}", "--llm-api-base=http://127.0.0.1:9/v1", "-p", "heavycheck"]
    common += ["--llm-cache-dir=cache", "-s", "-q", "--llm-progress=off"]
    fill = pytester.runpytest_subprocess(*common, "-p", "instant", "--llm-cache=readwrite")
    fill.assert_outcomes(passed=2)
    rerun = pytester.runpytest_subprocess(*common, "--llm-cache=replay")
    rerun.assert_outcomes(passed=2)
    rerun.stdout.fnmatch_lines(["HEAVY-MODULES-AT-END: []"])
