"""Hooks pytest-llmbench adds; implement them in a conftest.py or a plugin.

Added with ``pytest_addhooks`` from ``plugin.py``; each is typed and documented as xdist does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_llmbench.client.base import ModelClient
    from pytest_llmbench.collect import ScenarioItem
    from pytest_llmbench.options import Settings
    from pytest_llmbench.results.records import ResultsDocument
    from pytest_llmbench.scenario_result import ScenarioResult
    from pytest_llmbench.scoring.registry import ScorerRegistry


def pytest_llmbench_add_scorers(registry: ScorerRegistry) -> None:
    """Register extra scorers, e.g. ``registry.add(my_factory)`` in a conftest.py.

    Called once per run before the first suite file is collected.

    .. versionadded:: 0.1
    """


@pytest.hookspec(firstresult=True)
def pytest_llmbench_make_client(settings: Settings) -> ModelClient | None:
    """Return the client that sends requests to models (default: the litellm client).

    .. versionadded:: 0.1
    """


def pytest_llmbench_scenario_done(item: ScenarioItem, result: ScenarioResult) -> None:
    """Called in the item's setup once all samples of its scenario × model are scored.

    .. versionadded:: 0.1
    """


def pytest_llmbench_results_ready(config: pytest.Config, results: ResultsDocument) -> None:
    """Called on the controller with the results document before it is written; implementations
    may add fields (keep them JSON-serialisable).

    .. versionadded:: 0.1
    """
