"""The credentials a run sends, checked before the first call.

API keys come from the environment (``<PROVIDER>_API_KEY``, as litellm reads them); an API base
may carry its own (``http://user:password@host/v1``, ``?api_key=…``). Two mistakes used to end
in a traceback quoting the request headers, key included: a URL with userinfo while a key is
set (the server cannot be sent both, and aiohttp refuses to try), and a key with a stray space
or control character (a ``\\r`` from a file saved on Windows). The first is a usage error; a
key is stripped of surrounding whitespace where it is sent (``sendable_key``), and a key with a
space or control character inside is a usage error. Credentials in the URL are sent (as HTTP
Basic) by the direct OpenAI-compatible path only: litellm always sends a key of its own, so on
its routes they are a usage error too, not a confusing failure of every call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from pytest_llmbench.client.base import ModelSpec
from pytest_llmbench.redact import scrub

# provider prefix -> environment variable the key is read from, where it differs from
# <PROVIDER>_API_KEY (litellm's convention for most providers)
KEY_ENV = {"openai": "OPENAI_API_KEY", "hosted_vllm": "HOSTED_VLLM_API_KEY"}
_BAD_KEY_CHARACTER = re.compile(r"[\s\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Endpoint:
    """A model the run calls and the option that named its API base."""

    spec: ModelSpec
    option: str  # "--llm-api-base" or "--llm-judge-api-base"


def key_variable(model_name: str) -> str | None:
    """The environment variable holding the key for ``model_name``'s provider."""
    provider, sep, _ = model_name.partition("/")
    if not sep or not provider:
        return None
    return KEY_ENV.get(provider) or f"{provider.upper().replace('-', '_')}_API_KEY"


def sendable_key(value: str | None) -> str:
    """A key as it may go into a header: surrounding whitespace (a trailing newline or ``\\r``)
    removed. ``sending_problem`` has refused, before the run, keys broken inside."""
    return (value or "").strip()


def has_userinfo(url: str) -> bool:
    try:
        return "@" in urlsplit(url).netloc
    except ValueError:
        return False


def sending_problem(
    endpoints: Iterable[Endpoint],
    environ: Mapping[str, str],
    direct: Callable[[ModelSpec], bool],
) -> str | None:
    """The usage error for the first endpoint whose credentials cannot be sent, else ``None``;
    ``direct`` tells the models the direct path sends. Messages name the option and the
    variable, never a secret (the URL is shown scrubbed)."""
    for endpoint in endpoints:
        spec = endpoint.spec
        if spec.builtin is not None:
            continue
        variable = key_variable(spec.name)
        key = environ.get(variable, "") if variable else ""
        if key and _BAD_KEY_CHARACTER.search(key.strip()):
            return (
                f"{variable} contains a space or control character inside the key: "
                "set it to the key alone"
            )
        if spec.api_base and has_userinfo(spec.api_base) and sendable_key(key):
            return (
                f"{endpoint.option}={scrub(spec.api_base)} carries credentials "
                f"(user:password@) and {variable} is set too: use one of them, not both"
            )
        if spec.api_base and has_userinfo(spec.api_base) and not direct(spec):
            return (
                f"{endpoint.option}={scrub(spec.api_base)} carries credentials "
                f"(user:password@), which only the direct path sends (an openai/ or "
                f"hosted_vllm/ model, --llm-transport=auto): give {variable} instead"
            )
    return None
