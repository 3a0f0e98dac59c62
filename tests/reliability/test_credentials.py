"""Credentials checked before the first call: which combinations are usage errors."""

from __future__ import annotations

from pytest_llmbench.client.base import ModelSpec
from pytest_llmbench.credentials import (
    Endpoint,
    key_variable,
    sendable_key,
    sending_problem,
)


def _direct(spec: ModelSpec) -> bool:
    return spec.name.startswith(("openai/", "hosted_vllm/"))


def _problem(name: str, base: str | None, **env: str) -> str | None:
    return sending_problem([Endpoint(ModelSpec(name, base), "--llm-api-base")], env, _direct)


def test_key_variables_follow_the_provider() -> None:
    assert key_variable("openai/gpt-4o") == "OPENAI_API_KEY"
    assert key_variable("hosted_vllm/q") == "HOSTED_VLLM_API_KEY"
    assert key_variable("anthropic/claude") == "ANTHROPIC_API_KEY"
    assert key_variable("nonsense") is None
    assert sendable_key(" sk-1\r\n") == "sk-1"
    assert sendable_key(None) == ""


def test_userinfo_and_a_key_together_are_refused() -> None:
    base = "http://u:secret-pw@h/v1"
    problem = _problem("openai/m", base, OPENAI_API_KEY="sk-123")
    assert problem is not None
    assert "http://***@h/v1" in problem and "OPENAI_API_KEY is set too" in problem
    assert "secret-pw" not in problem
    # Either alone is fine on the direct path; a key for another provider does not count.
    assert _problem("openai/m", base) is None
    assert _problem("openai/m", base, HOSTED_VLLM_API_KEY="sk-123") is None
    assert _problem("openai/m", "http://h/v1", OPENAI_API_KEY="sk-123") is None


def test_userinfo_off_the_direct_path_is_refused() -> None:
    problem = _problem("anthropic/c", "http://u:secret-pw@h/v1")
    assert problem is not None and "only the direct path sends" in problem
    assert "secret-pw" not in problem


def test_a_key_broken_inside_is_refused_a_stray_end_is_not() -> None:
    assert _problem("openai/m", None, OPENAI_API_KEY="sk-123\r\n") is None
    for broken in ("sk-1\r23", "sk 123", "sk-1\x0023"):
        problem = _problem("openai/m", None, OPENAI_API_KEY=broken)
        assert problem is not None and problem.startswith("OPENAI_API_KEY contains")
        assert broken.strip() not in problem
    assert _problem("llmbench/reference", None, LLMBENCH_API_KEY="a b") is None
