"""Which environment values count as secrets, and their replacement in any text."""

from __future__ import annotations

import json

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
