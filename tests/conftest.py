"""Shared fixtures: the local OpenAI-compatible server and helpers to write suite files.

No test reaches the network: servers bind 127.0.0.1, litellm runs offline (set before any
import of it), and the Hugging Face Hub is never contacted.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

from tests.servers.openai_server import FakeOpenAIServer

# tests/data holds deliberately malformed suite files that tests copy into pytester folders;
# the project's own run must not collect them.
collect_ignore = ["data"]

REPO = Path(__file__).resolve().parent.parent
WARNINGS_AS_ERRORS = ("-W", "error")
# A pytest run in a child process (a real process to kill, or to time); no .pytest_cache left.
PYTEST_SUBPROCESS = (sys.executable, "-m", "pytest", "-p", "no:cacheprovider")
SHARED = REPO.parent / "shared"


@pytest.fixture
def fake_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def write_suite(pytester: pytest.Pytester):  # type: ignore[no-untyped-def]
    """Write a dedented suite file into the pytester folder and return its path."""

    def write(text: str, name: str = "demo.llmbench.yaml") -> Path:
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def litellm_imported() -> None:
    """Import litellm in the outer process, for tests whose in-process pytester runs call a
    model through it (``--llm-transport=litellm``, providers off the fast path).

    Pytester drops the modules first imported during an in-process run. litellm's import adds
    the ``importlib_metadata`` backport's finder to ``sys.meta_path``, and once that module is
    dropped the finder hides every entry point, so later in-process runs lose all plugins; and
    its compiled dependencies (pydantic-core, tiktoken) cannot be imported a second time.
    Requested explicitly (a module's autouse fixture may request it): most runs (the built-in
    models, the fast path) never import litellm, and importing it costs seconds.
    """
    from pytest_llmbench.client.litellm_client import load_litellm

    load_litellm()


@pytest.fixture(autouse=True)
def _compiled_modules_outside_pytester(request: pytest.FixtureRequest) -> None:
    """Pytester drops the modules an in-process run imported first, and some compiled modules
    break when imported a second time in one process: numpy (the SysBench language identifier
    uses it) refuses outright, and PyYAML's C loader loses the suite loader's constructors
    ("could not determine a constructor"). Import them in the outer process before any
    pytester test: a fraction of a second, once."""
    if "pytester" in request.fixturenames:
        import numpy  # noqa: F401
        import yaml  # noqa: F401

        import pytest_llmbench.yamlload  # noqa: F401
