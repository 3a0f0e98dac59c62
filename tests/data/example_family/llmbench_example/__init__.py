"""The "example" benchmark family: does the model repeat a word in capital letters?

This package is the whole family; its pyproject.toml registers ``FAMILY`` in the
``pytest_llmbench.families`` entry-point group. Nothing here is imported until a suite names an
``example/...`` scorer, a run has ``metadata.benchmark: example`` rows, or ``llmbench <verb>
example`` runs.
"""

from __future__ import annotations

from pytest_llmbench.families import Family

FAMILY = Family(
    name="example",
    title="Example: does the model repeat a word in capital letters?",
    scorers="llmbench_example.scorers",
    aggregate="llmbench_example.aggregate",
    cli="llmbench_example.cli",
    commands={"import": "a word list (one word a line) -> a suite file"},
)
