"""A planted API key never appears in any output: terminal, results, JUnit XML, cache files.

The fake server echoes the Authorization header it received into every reply, and the
scenarios' prompts mention the key too (as a user pasting it would), so a leak anywhere on the
way (transcripts, failure reports, cached responses) would show up.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.servers.openai_server import FakeOpenAIServer, last_user_text

KEY = "sk-planted-0123456789abcdefSECRET"
HF = "hf_plantedTOKEN0123456789abcdef"


@pytest.mark.slow
def test_planted_keys_appear_in_no_output(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("HF_TOKEN", HF)

    def echo_auth(body: dict[str, Any]) -> str:
        auth = fake_server.request_headers[-1].get("authorization", "")  # concurrency 1
        return f"auth was {auth}; you said {last_user_text(body)}"

    fake_server.script(echo_auth)
    lines = ["suite: secrets", "scenarios:"]
    for i, user in enumerate([f"my key is {KEY}", f"token {HF}", "plain question"]):
        lines += [f"  - id: s{i}", f"    user: '{user}'", "    expect:", "      - contains: ZZZ"]
    (pytester.path / "secrets.llmbench.yaml").write_text("\n".join(lines) + "\n")
    results, junit = pytester.path / "run.json", pytester.path / "junit.xml"
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--llm-model=openai/fake",
        f"--llm-api-base={fake_server.base_url}",
        f"--llm-cache-dir={pytester.path / 'cache'}",
        "--llm-concurrency=1",
        "--llm-progress=off",
        f"--llm-results={results}",
        f"--junitxml={junit}",
        "-rA",
        "-vv",
        timeout=300,
    )
    result.assert_outcomes(failed=3)
    # The key did reach the server: the test would prove nothing otherwise.
    assert any(KEY in h.get("authorization", "") for h in fake_server.request_headers)

    outputs = {"stdout": result.stdout.str(), "stderr": result.stderr.str()}
    for path in pytester.path.rglob("*"):
        if path.is_file() and not path.name.endswith(".yaml"):
            outputs[str(path.relative_to(pytester.path))] = path.read_text(errors="replace")
    assert results.name in outputs and junit.name in outputs
    assert any(name.startswith("cache") for name in outputs)
    leaks = [name for name, text in outputs.items() if KEY in text or HF in text]
    assert not leaks, leaks
