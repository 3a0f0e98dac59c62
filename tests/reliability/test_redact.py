"""Which environment values count as secrets, and their replacement in any text."""

from __future__ import annotations

import json

import pytest

from pytest_llmbench.redact import redact, secret_values

SECRET = "sk-test-1234567890"


def test_secret_values_picks_long_secret_looking_variables() -> None:
    env = {
        "OPENAI_API_KEY": SECRET,
        "HF_TOKEN": "hf_abcdefghij",
        "DB_PASSWORD": "short",  # under 8 characters: too likely to be a common word
        "MY_SECRET": "12345678",
        "HOME": "/home/someone-long-path",
        "api_key_lower": "lowercase-name-value",
    }
    assert secret_values(env) == [
        "lowercase-name-value",
        SECRET,
        "hf_abcdefghij",
        "12345678",
    ]


def test_redact_replaces_longest_first() -> None:
    secrets = secret_values({"A_KEY": "abcdefgh", "B_KEY": "abcdefgh-longer"})
    assert redact("x abcdefgh-longer y abcdefgh z", secrets) == "x *** y *** z"
    assert redact("nothing here", secrets) == "nothing here"


def test_extra_values_and_both_json_spellings() -> None:
    secrets = secret_values({}, extra=["hf_login_token_é", ""], json_escaped=True)
    assert "hf_login_token_é" in secrets
    assert json.dumps("hf_login_token_é")[1:-1] in secrets  # ensure_ascii spelling
    assert "" not in secrets
    text = json.dumps({"t": "hf_login_token_é"})  # ensure_ascii=True: \u00e9
    assert redact(text, secrets) == '{"t": "***"}'


# -- scrub: credential-shaped text, for reports, logs and messages (issue 19) ---------------


def test_scrub_blanks_url_userinfo_and_secret_query_parameters() -> None:
    from pytest_llmbench.redact import scrub

    text = "POST http://user:pw@host:8000/v1/chat?api_key=abc&model=m&X-Amz-Signature=f00 failed"
    assert scrub(text, []) == (
        "POST http://***@host:8000/v1/chat?api_key=***&model=m&X-Amz-Signature=*** failed"
    )
    assert (
        scrub("https://tok3n@host/v1?sig=1;token=2", []) == "https://***@host/v1?sig=***;token=***"
    )
    # Ordinary URLs and text stay as they are.
    for plain_text in ("http://host/a@b", "see https://host/v1?model=m&n=2", "mail me@host"):
        assert scrub(plain_text, []) == plain_text


def test_scrub_blanks_authorization_headers_and_quoted_passwords() -> None:
    from pytest_llmbench.redact import scrub

    headers = "headers = {'Authorization': 'Bearer sk-abc-123456', 'Accept': 'json'}"
    assert scrub(headers, []) == "headers = {'Authorization': '***', 'Accept': 'json'}"
    assert scrub("Authorization: Bearer sk-abc-123456", []) == "Authorization: Bearer ***"
    assert scrub("BasicAuth(login='u', password='hunter2')", []) == (
        "BasicAuth(login='u', password='***')"
    )
    assert scrub('{"api_key": "k\\"ey"}', []) == '{"api_key": "***"}'
    assert scrub("a Bearer token is missing", []) == "a Bearer token is missing"


def test_url_credentials_and_registered_urls() -> None:
    from pytest_llmbench import redact

    assert redact.url_credentials("http://user:pa55word@h/v1?api_key=q-123&m=x") == [
        "user:pa55word",
        "pa55word",
        "q-123",
    ]
    assert redact.url_credentials("http://h/v1") == []
    redact.register_url("http://user:registered-pass@h/v1")
    try:
        assert "registered-pass" in redact.secret_values()
        assert redact.redact_env("echoed registered-pass") == "echoed ***"
    finally:
        redact._registered.clear()


def test_a_secret_is_found_in_every_spelling() -> None:
    secrets = secret_values({"OPENAI_API_KEY": "sk-with-cr-123\r"})
    text = (
        "headers={'Authorization': 'Bearer sk-with-cr-123\\r'} / sk-with-cr-123 / sk-with-cr-123\r"
    )
    assert redact(text, secrets) == "headers={'Authorization': 'Bearer ***'} / *** / ***"
    quoted = secret_values({"X_TOKEN": "a/b+c=d&e!"})
    assert redact("u?t=a%2Fb%2Bc%3Dd%26e%21", quoted) == "u?t=***"


def test_scrub_report_rewrites_a_real_traceback(pytester: pytest.Pytester) -> None:
    """A pytest report of any exception: frame arguments, locals, the crash line, the captured
    sections; the representation keeps its type (colours, -rA, JUnit and xdist still work)."""
    from _pytest.reports import TestReport

    from pytest_llmbench.redact import scrub_report

    def send(headers: dict[str, str]) -> None:
        token = "sk-local-0123456789"  # noqa: F841 (a local, as --showlocals shows it)
        raise ValueError(f"refused {headers}")

    try:
        send({"Authorization": "Bearer sk-local-0123456789"})
    except ValueError:
        info = pytest.ExceptionInfo.from_current()
    longrepr = info.getrepr(funcargs=True, showlocals=True, style="long")
    report = TestReport("x", ("f", 1, "x"), {}, "failed", longrepr, "call")
    report.sections = [("Captured log call", "WARNING token='sk-local-0123456789'")]
    assert "sk-local-0123456789" in str(report.longrepr)
    scrub_report(report)
    assert type(report.longrepr) is type(longrepr)
    text = str(report.longrepr) + repr(report.sections)
    assert "sk-local-0123456789" not in text
    assert "ValueError: refused {'Authorization': '***'}" in text
    assert report.longrepr.reprcrash is not None  # type: ignore[union-attr]
    assert "sk-local" not in report.longrepr.reprcrash.message  # type: ignore[union-attr]


def test_scrub_logs_scrubs_records_and_undoes(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from pytest_llmbench.redact import scrub_logs

    log = logging.getLogger("test-redact")
    undo = scrub_logs()
    try:
        log.warning("to %s", "http://u:secret-pw@h/v1?token=abc")
    finally:
        undo()
    log.warning("after: http://u:pw2@h")
    assert caplog.messages == ["to http://***@h/v1?token=***", "after: http://u:pw2@h"]
