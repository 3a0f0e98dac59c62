"""User-facing errors: each names the file and line (and scenario) it is about."""

from __future__ import annotations

from pathlib import Path


class LLMBenchError(Exception):
    """Base class for errors shown to the user as one line, never as a traceback."""


class SuiteError(LLMBenchError):
    """A suite file is malformed; raised at collection."""

    def __init__(self, path: Path | str, line: int, message: str, scenario: str | None = None):
        self.path = Path(path)
        self.line = line
        self.scenario = scenario
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        who = f" scenario {self.scenario!r}:" if self.scenario else ""
        return f"{where}:{who} {self.message}"


class InfrastructureError(LLMBenchError):
    """The model could not be reached or answered nonsense, even after retries.

    Reported as a pytest *error*, never as a failure of the model.
    """


class CacheMiss(InfrastructureError):
    """``--llm-cache=replay`` found no stored response for a request."""


class ScorerError(LLMBenchError):
    """A scorer crashed while judging: a bug in the scorer, reported as an error."""
