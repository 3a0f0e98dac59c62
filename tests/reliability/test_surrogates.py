"""A lone surrogate in a reply (issue 19, finding 4), as a server cutting UTF-16 text at its
token limit sends: the reply is repaired where it enters the run, scored on the repaired text,
flagged in its row; the cache, results file and terminal take it, with the cache on or off."""

from __future__ import annotations

import pytest

from tests.reliability.helpers import read_rows, run_subprocess
from tests.servers.openai_server import FakeOpenAIServer, last_user_text

SUITE = """\
suite: cut
scenarios:
  - id: cut-ok
    user: say ok
    expect: [{contains: ok}]
  - id: cut-secret
    user: keep the secret
    expect: [{not_contains: SECRET}]
  - id: cut-error
    user: fail please
    expect: [{contains: ok}]
"""


def _reply(body: dict[str, object]) -> object:
    text = last_user_text(body)  # type: ignore[arg-type]
    if "ok" in text:
        return "ok \ud800 cut"
    if "secret" in text:
        return "the SECRET is \udc00"
    return "nope \ud83d"


@pytest.mark.parametrize("cache", ["readwrite", "off"])
def test_lone_surrogates_are_repaired_scored_and_written(
    pytester: pytest.Pytester, fake_server: FakeOpenAIServer, cache: str
) -> None:
    (pytester.path / "cut.llmbench.yaml").write_text(SUITE, encoding="utf-8")
    fake_server.script(_reply)  # type: ignore[arg-type]
    results = pytester.path / "run.json"
    result = run_subprocess(
        pytester, fake_server, f"--llm-cache={cache}", f"--llm-results={results}", "-rA"
    )
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out and "UnicodeEncodeError" not in out
    result.assert_outcomes(passed=1, failed=2)
    rows = read_rows(results)
    assert rows["cut-ok"]["outcome"] == "passed"
    assert rows["cut-secret"]["outcome"] == "failed"  # the verdict on the repaired text
    assert rows["cut-error"]["outcome"] == "failed"
    replies = {
        k: [m["content"] for m in r["transcript"] if m["role"] == "assistant"]
        for k, r in rows.items()
    }
    assert replies == {
        "cut-ok": ["ok \ufffd cut"],
        "cut-secret": ["the SECRET is \ufffd"],
        "cut-error": ["nope \ufffd"],
    }
    assert all(r["text_repaired"] is True for r in rows.values())
    assert all(r["error"] is None for r in rows.values())
    if cache == "readwrite":
        # The repaired reply was cached (with its flag): a replay gives the same rows.
        again = pytester.path / "again.json"
        run_subprocess(pytester, fake_server, "--llm-cache=replay", f"--llm-results={again}")
        replay = read_rows(again)
        assert {k: r["outcome"] for k, r in replay.items()} == {
            k: r["outcome"] for k, r in rows.items()
        }
        assert all(r["text_repaired"] is True for r in replay.values())
