"""Collection: ``*.llmbench.yaml`` files become ``SuiteFile``s; each scenario × model one item."""

from __future__ import annotations

import concurrent.futures
import fnmatch
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_llmbench.errors import LLMBenchError, SuiteError
from pytest_llmbench.scenario import Scenario, ScorerRef, load_suite

if TYPE_CHECKING:
    from pytest_llmbench.client.base import ModelSpec
    from pytest_llmbench.conversation import BoundScorer, Plan
    from pytest_llmbench.outcome import ScenarioResult
    from pytest_llmbench.run import BenchRun

SUITE_SUFFIX = ".llmbench.yaml"


def is_suite_file(path: Path, extra_globs: tuple[str, ...]) -> bool:
    name = path.name
    if name.endswith(SUITE_SUFFIX) or name.endswith(".llmbench.yml"):
        return True
    return any(fnmatch.fnmatch(name, g) for g in extra_globs)


class ScenarioFailed(Exception):
    """The model's reply failed at least one scorer."""


class SuiteFile(pytest.File):
    run: BenchRun

    def collect(self) -> Iterator[pytest.Item]:
        from pytest_llmbench.run import get_run

        run = get_run(self.config)
        suite = load_suite(self.path)
        models: list[ModelSpec | None] = [*run.model_specs()] or [None]
        for scenario in suite.scenarios:
            plan = build_plan(run, scenario)
            run.register_tags(scenario.tags)
            for model in models:
                name = f"{scenario.id}[{model.name}]" if model is not None else scenario.id
                # An explicit node id: pytest >= 9.2 parses a stored id's "[...]" suffix as
                # parameters, so an item built from the bare name would never match its own
                # --lf / --ff record.
                item = ScenarioItem.from_parent(
                    self, name=name, nodeid=f"{self.nodeid}::{name}", plan=plan, model=model
                )
                reason = run.skip_reason(item)
                if reason is not None:
                    # A skip mark (not pytest.skip in setup) reports the suite file's location.
                    item.skip_reason = reason
                    item.add_marker(pytest.mark.skip(reason=reason))
                yield item

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        exc = excinfo.value
        if isinstance(exc, SuiteError):
            return str(exc).replace(str(exc.path), _shown_path(self.config, exc.path), 1)
        if isinstance(exc, LLMBenchError):
            return str(exc)
        return super().repr_failure(excinfo)


def _shown_path(config: pytest.Config, path: Path) -> str:
    """Relative to the invocation folder when inside it, as pytest shows node ids."""
    try:
        return str(path.relative_to(config.invocation_params.dir))
    except ValueError:
        return str(path)


def build_plan(run: BenchRun, scenario: Scenario) -> Plan:
    from pytest_llmbench.conversation import Plan
    from pytest_llmbench.scoring.registry import BadScorerArguments, UnknownScorer

    def bind(refs: tuple[ScorerRef, ...]) -> tuple[BoundScorer, ...]:
        out = []
        for ref in refs:
            try:
                out.append((ref, run.registry.build(ref.name, ref.args)))
            except (UnknownScorer, BadScorerArguments) as exc:
                msg = exc.args[0] if exc.args else str(exc)
                raise SuiteError(scenario.path, ref.line, msg, scenario.id) from None
        return tuple(out)

    return Plan(
        scenario=scenario,
        turn_scorers=tuple(bind(t.expect) for t in scenario.turns),
        each_turn=bind(scenario.expect_each_turn),
        conversation=bind(scenario.expect),
    )


class ScenarioItem(pytest.Item):
    def __init__(self, *, plan: Plan, model: ModelSpec | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = plan
        self.scenario = plan.scenario
        self.model = model
        self.result: ScenarioResult | None = None
        self.future: concurrent.futures.Future[ScenarioResult] | None = None
        self.skip_reason: str | None = None
        self.add_marker("llmbench")
        for tag in self.scenario.tags:
            self.add_marker(tag)
        self.extra_keyword_matches.add(self.scenario.suite)

    def setup(self) -> None:
        from pytest_llmbench.run import get_run

        get_run(self.config).wait_for(self)

    def runtest(self) -> None:
        assert self.result is not None
        if not self.result.passed:
            raise ScenarioFailed()

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        from pytest_llmbench.report.failure import describe_failure
        from pytest_llmbench.results.writer import scrub_secrets

        # Transcripts and error messages may quote a key (pasted in a prompt, echoed by a server).
        if isinstance(excinfo.value, ScenarioFailed) and self.result is not None:
            return scrub_secrets(str(describe_failure(self, self.result)))
        if isinstance(excinfo.value, LLMBenchError):
            return scrub_secrets(str(excinfo.value))
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        model = f"[{self.model.name}]" if self.model is not None else ""
        return (
            self.path,
            self.scenario.line - 1,
            f"{self.scenario.suite}::{self.scenario.id}{model}",
        )
