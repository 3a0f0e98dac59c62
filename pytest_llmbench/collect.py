"""Collection: ``*.llmbench.yaml`` files become ``SuiteFile``s; each scenario × model one item.

Imported for every collected file (the plugin asks ``is_suite_file``), so the YAML and suite
modules load only when a suite is actually collected."""

from __future__ import annotations

import concurrent.futures
import fnmatch
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_llmbench.errors import LLMBenchError, ScenarioFailed, SuiteError

if TYPE_CHECKING:
    from pytest_llmbench.client.base import ModelSpec
    from pytest_llmbench.conversation import BoundScorer, Plan
    from pytest_llmbench.run import BenchRun
    from pytest_llmbench.scenario import Scenario, ScorerRef
    from pytest_llmbench.scenario_result import ScenarioResult
    from pytest_llmbench.scoring.api import ScoreFn

SUITE_SUFFIX = ".llmbench.yaml"


def is_suite_file(path: Path, extra_globs: tuple[str, ...]) -> bool:
    name = path.name
    if name.endswith(SUITE_SUFFIX) or name.endswith(".llmbench.yml"):
        return True
    return any(fnmatch.fnmatch(name, g) for g in extra_globs)


class SuiteFile(pytest.File):
    run: BenchRun

    def collect(self) -> list[pytest.Item]:
        # pytest lists a collector's items before using any, so building them all here changes
        # nothing but lets the cyclic GC sleep: parsing and item creation allocate ~20 objects
        # per scenario and none of them is garbage yet, but each allocation burst triggered
        # collections that rescanned every live object (half the load time of a 10,000-scenario
        # suite).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return list(self._items())
        finally:
            if enabled:
                gc.enable()

    def _items(self) -> Iterator[pytest.Item]:
        from pytest_llmbench.run import get_run
        from pytest_llmbench.scenario import load_suite

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


# Scorers built so far in this run, by (name, scalar argument): scorers are pure (the @scorer
# contract), and building one (argument binding, the factory call) was a fifth of the
# collection time of 10,000 scenarios that all say ``contains: ok``.
_BUILT = pytest.StashKey[dict[tuple[str, type, Any], "ScoreFn"]]()
_SCALARS = (str, int, float, bool, type(None))
# Marker decorators by name, made once per run instead of once per item.
_MARKS = pytest.StashKey[dict[str, pytest.MarkDecorator]]()


def build_plan(run: BenchRun, scenario: Scenario) -> Plan:
    from pytest_llmbench.conversation import Plan
    from pytest_llmbench.errors import BadScorerArguments, UnknownScorer
    from pytest_llmbench.families import FamilyError

    built = run.config.stash.setdefault(_BUILT, {})

    def bind(refs: tuple[ScorerRef, ...]) -> tuple[BoundScorer, ...]:
        out = []
        for ref in refs:
            args = ref.args
            key = (ref.name, type(args), args) if isinstance(args, _SCALARS) else None
            fn = built.get(key) if key is not None else None
            if fn is None:
                try:
                    fn = run.registry.build(ref.name, args)
                except (UnknownScorer, BadScorerArguments, FamilyError) as exc:
                    msg = exc.args[0] if exc.args else str(exc)
                    raise SuiteError(scenario.path, ref.line, msg, scenario.id) from None
                if key is not None:
                    built[key] = fn
            out.append((ref, _judged(run, fn, ref, scenario)))
        return tuple(out)

    return Plan(
        scenario=scenario,
        turn_scorers=tuple(bind(t.expect) for t in scenario.turns),
        each_turn=bind(scenario.expect_each_turn),
        conversation=bind(scenario.expect),
    )


# Whether a refusal for want of a judge was already explained in full this run.
_JUDGE_EXPLAINED = pytest.StashKey[bool]()


def _judged(run: BenchRun, fn: ScoreFn, ref: ScorerRef, scenario: Scenario) -> ScoreFn:
    """A scorer that declared it needs the judge (``requires_judge``), in a run that has none:
    refused at collection, before any model call — or, under ``--llm-no-judge``, replaced by
    its program-only variant. Runs without a model skip every item anyway."""
    from pytest_llmbench.scoring.api import judge_need

    need, s = judge_need(fn), run.settings
    if need is None or s.judge_model is not None or not s.models:
        return fn
    if s.no_judge and need.without_judge is not None:
        return need.without_judge
    if s.no_judge:
        msg = f"{ref.name} cannot run without a judge ({need.what}): pass --llm-judge-model=MODEL"
    elif run.config.stash.get(_JUDGE_EXPLAINED, False):
        msg = f"{ref.name}: {need.what} need an LLM judge too (see the first such error)"
    else:
        run.config.stash[_JUDGE_EXPLAINED] = True
        msg = (
            f"{ref.name}: {need.what} need an LLM judge; pass --llm-judge-model=MODEL to judge "
            "them (e.g. openai/gpt-4o-2024-05-13, the judge of the published numbers; "
            "--llm-judge-api-base=URL for a self-hosted one), or --llm-no-judge to score only "
            "what a program can check (the rest is reported as not scored, and the CSR covers "
            "the scored constraints only). No model has been called."
        )
    raise SuiteError(scenario.path, ref.line, msg, scenario.id)


class ScenarioItem(pytest.Item):
    # Slots keep pytest's per-node __dict__ from growing; 100,000 items are held at once.
    __slots__ = ("future", "model", "plan", "result", "scenario", "skip_reason")

    def __init__(self, *, plan: Plan, model: ModelSpec | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = plan
        self.scenario = plan.scenario
        self.model = model
        self.result: ScenarioResult | None = None
        self.future: concurrent.futures.Future[ScenarioResult] | None = None
        self.skip_reason: str | None = None
        marks = self.config.stash.setdefault(_MARKS, {})
        for name in ("llmbench", *self.scenario.tags):
            mark = marks.get(name)
            if mark is None:  # once per name and run: pytest.mark checks --strict-markers
                mark = marks[name] = getattr(pytest.mark, name)
            self.add_marker(mark)
        self.extra_keyword_matches.add(self.scenario.suite)

    def setup(self) -> None:
        from pytest_llmbench.run import get_run

        get_run(self.config).wait_for(self)

    def runtest(self) -> None:
        assert self.result is not None
        if not self.result.passed:
            raise ScenarioFailed()

    def teardown(self) -> None:
        # The reports that need the result (failure text, results rows) are made by now. The
        # engine finishes a cached run long before pytest reaches its last item, so without
        # this every transcript, score and future stayed alive until the end of the session.
        self.result = None
        self.future = None

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        from pytest_llmbench.redact import redact_env
        from pytest_llmbench.report.failure import describe_failure

        # Transcripts and error messages may quote a key (pasted in a prompt, echoed by a server).
        if isinstance(excinfo.value, ScenarioFailed) and self.result is not None:
            return redact_env(str(describe_failure(self, self.result)))
        if isinstance(excinfo.value, LLMBenchError):
            return redact_env(str(excinfo.value))
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        model = f"[{self.model.name}]" if self.model is not None else ""
        return (
            self.path,
            self.scenario.line - 1,
            f"{self.scenario.suite}::{self.scenario.id}{model}",
        )
