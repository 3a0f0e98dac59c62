"""Reading --llm-router files: the LiteLLM model_list format; keys only as os.environ/NAME."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_llmbench.router_config import RouterConfigError, load_router_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "router.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_groups_deployments_with_their_limits_and_key_variables(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        model_list:
          - model_name: qwen
            litellm_params:
              model: hosted_vllm/Qwen2.5-7B
              api_base: http://gpu-1:8000/v1/
              api_key: os.environ/GPU_KEY
              rpm: 600
              tpm: 200000
          - model_name: qwen
            litellm_params: {model: hosted_vllm/Qwen2.5-7B, api_base: "http://gpu-2:8000/v1"}
          - model_name: gpt
            litellm_params: {model: azure/gpt-4o, api_version: "2024-06-01"}
        router_settings: {routing_strategy: simple-shuffle}
        """,
    )
    groups = load_router_config(path)
    assert list(groups) == ["qwen", "gpt"]
    first, second = groups["qwen"].deployments
    assert (first.api_base, first.key_env, first.rpm, first.tpm) == (
        "http://gpu-1:8000/v1",
        "GPU_KEY",
        600.0,
        200000.0,
    )
    assert (second.index, second.key_env, second.rpm) == (1, None, None)
    assert groups["gpt"].deployments[0].extra == (("api_version", "2024-06-01"),)


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("model_list: []\n", 1, "model_list is empty"),
        ("other: 1\n", 1, "needs a model_list"),
        (
            "model_list:\n  - litellm_params: {model: openai/x}\n",
            2,
            "without a model_name",
        ),
        ("model_list:\n  - model_name: a\n    litellm_params: {model: x}\n", 3, "provider/name"),
        (
            "model_list:\n  - model_name: a\n    litellm_params: {model: openai/x, rpm: -1}\n",
            3,
            "rpm must be a positive number",
        ),
        (
            "model_list:\n  - model_name: a\n    litellm_params: {model: openai/x, api_base: ftp://h}\n",
            3,
            "http(s) URL",
        ),
        (
            "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/x\n"
            "      api_key: sk-abc123\n",
            4,
            "os.environ/NAME",
        ),
        (
            "model_list:\n  - model_name: a\n    litellm_params:\n      model: bedrock/x\n"
            "      aws_secret_access_key: abc\n",
            4,
            "aws_secret_access_key must be an environment reference",
        ),
    ],
)
def test_bad_configs_name_file_and_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(RouterConfigError) as info:
        load_router_config(path)
    text = str(info.value)
    assert f"router.yaml:{line}:" in text
    assert message in text
    assert "sk-abc123" not in text and ": abc" not in text
