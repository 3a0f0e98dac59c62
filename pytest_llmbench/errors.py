"""Every exception the plugin raises on purpose, in one place.

Two kinds: ``LLMBenchError`` and its subclasses are shown to the user as one line naming the
file and line (or the option, server, repo) they are about, never as a traceback; the others are
signals between modules (a call worth retrying, a scorer that crashed, a scenario that failed)
that the receiving module turns into a verdict, an error or a retry.
"""

from __future__ import annotations

from pathlib import Path


class LLMBenchError(Exception):
    """Base class for errors shown to the user as one line, never as a traceback."""


class SuiteError(LLMBenchError):
    """A suite file is malformed; raised at collection."""

    def __init__(
        self,
        path: Path | str,
        line: int,
        message: str,
        scenario: str | None = None,
        *,
        column: int = 0,
    ):
        self.path = Path(path)
        self.line = line
        self.column = column  # 1-based; 0 when only the line is known
        self.scenario = scenario
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        if self.line and self.column:
            where += f":{self.column}"
        who = f" scenario {self.scenario!r}:" if self.scenario else ""
        return f"{where}:{who} {self.message}"


class FamilyError(LLMBenchError):
    """A benchmark family is declared or installed inconsistently (a packaging bug of the family,
    not a user error); ``pytest_llmbench.families`` re-exports it."""


class SuiteErrors(SuiteError):
    """Every problem found in one suite file, in line order (one ``file:line`` line each).

    Its own ``line``, ``scenario`` and ``message`` are the first problem's, so code that
    handles a single ``SuiteError`` still sees a sensible one."""

    SHOWN = 50  # a file with thousands of errors is not printed in full
    errors: list[SuiteError]

    def __init__(self, errors: list[SuiteError]):
        flat: list[SuiteError] = []
        for err in errors:
            flat.extend(err.errors if isinstance(err, SuiteErrors) else [err])
        self.errors = sorted(flat, key=lambda e: e.line)
        first = self.errors[0]
        super().__init__(first.path, first.line, first.message, first.scenario)

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def lines(self, shown_path: str | None = None) -> list[str]:
        """One line per problem; ``shown_path`` replaces the file's path at the line start."""
        out = []
        for e in self.errors[: self.SHOWN]:
            text = str(e)
            if shown_path is not None:
                text = text.replace(str(e.path), shown_path, 1)
            out.append(text)
        if len(self.errors) > self.SHOWN:
            out.append(f"... and {len(self.errors) - self.SHOWN} more problem(s) in this file")
        return out


def suite_errors(errors: list[SuiteError]) -> SuiteError:
    """The exception to raise for ``errors`` (at least one): the error itself when alone."""
    return errors[0] if len(errors) == 1 else SuiteErrors(errors)


class InfrastructureError(LLMBenchError):
    """The model could not be reached or answered nonsense, even after retries.

    Reported as a pytest *error*, never as a failure of the model.
    """


class JudgeUnusable(InfrastructureError):
    """A judge gave no usable verdict (unparsable after its re-ask): the sample is an error,
    never a failure of the model. Public: a scorer that asks a judge raises it."""


class CacheMiss(InfrastructureError):
    """``--llm-cache=replay`` found no stored response for a request."""


class ServeError(InfrastructureError):
    """The managed server could not be started (or died); every item using it is an error."""


class RetryableError(Exception):
    """A transient failure (rate limit, 5xx, connection, timeout, garbled reply): the retry
    policy may try again; once it gives up, an ``InfrastructureError``."""

    def __init__(
        self, message: str, retry_after: float | None = None, *, rate_limited: bool = False
    ):
        super().__init__(message)
        self.retry_after = retry_after
        # A 429: the engine narrows its concurrency window for the backend.
        self.rate_limited = rate_limited


class ScorerCrashed(Exception):
    """A scorer raised while judging: a bug in the scorer, reported as an error of the sample
    (never as a failure of the model)."""


class ScenarioFailed(Exception):
    """The model's reply failed at least one scorer (raised by the item's ``runtest``)."""


class UnknownScorer(LookupError):
    """A suite names a scorer no module, entry point or hook registered."""


class BadScorerArguments(ValueError):
    """A scorer's YAML arguments do not fit its factory."""


class ResultsFileError(ValueError):
    """Not a readable pytest-llmbench results file; the message names the file."""


class UploadError(Exception):
    """A Hub upload failed; the message is already free of secrets."""


class OfficialSourceError(LLMBenchError):
    """The checkout is not the benchmark's repository, or a file or constant has changed shape."""


class CardError(ValueError):
    """The existing dataset card cannot be merged without losing the owner's content."""
