"""Collection: ``*.llmbench.yaml`` files become ``SuiteFile``s; each scenario × model one item.

Imported for every collected file (the plugin asks ``is_suite_file``), so the YAML and suite
modules load only when a suite is actually collected."""

from __future__ import annotations

import concurrent.futures
import fnmatch
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_llmbench.errors import (
    LLMBenchError,
    ScenarioFailed,
    SuiteError,
    SuiteErrors,
    suite_errors,
)
from pytest_llmbench.options import NO_MODEL_HINT, Settings

if TYPE_CHECKING:
    from pytest_llmbench.client.base import ModelSpec
    from pytest_llmbench.conversation import BoundScorer, Plan
    from pytest_llmbench.scenario import Scenario, ScorerRef
    from pytest_llmbench.scenario_result import ScenarioResult
    from pytest_llmbench.scoring.api import ScoreFn
    from pytest_llmbench.scoring.registry import ScorerRegistry

SUITE_SUFFIX = ".llmbench.yaml"


def is_suite_file(path: Path, extra_globs: tuple[str, ...]) -> bool:
    name = path.name
    if name.endswith(SUITE_SUFFIX) or name.endswith(".llmbench.yml"):
        return True
    return any(fnmatch.fnmatch(name, g) for g in extra_globs)


@dataclass(frozen=True)
class CollectContext:
    """What collection needs from the run, as values: the settings, the models (``None``: none
    configured), the scorer registry (built on first use), the tag registration, and what an
    item's setup calls to get its result."""

    settings: Settings
    models: tuple[ModelSpec | None, ...]
    registry: Callable[[], ScorerRegistry]
    register_tags: Callable[[tuple[str, ...]], None]
    wait_for: Callable[[ScenarioItem], None]


def skip_reason(scenario: Scenario, model: ModelSpec | None) -> str | None:
    if model is None:
        return NO_MODEL_HINT
    builtin = model.builtin
    if builtin == "reference" and not scenario.reference_pass:
        return "no reference.pass replies for llmbench/reference"
    if builtin == "violate" and not scenario.reference_fail:
        return "no reference.fail replies for llmbench/violate"
    return None


class SuiteFile(pytest.File):
    def __init__(self, *, context: CollectContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context

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
        from pytest_llmbench.scenario import read_suite

        context = self.context
        # Every problem of the file is reported at once: the scenarios that failed validation
        # are left out by read_suite, the rest still have their scorers checked.
        suite, errors = read_suite(self.path)
        for scenario in suite.scenarios:
            try:
                plan = build_plan(self.config, context.settings, context.registry, scenario)
            except SuiteError as exc:
                errors.append(exc)
                continue
            if errors:
                continue  # no item is used once the file has an error
            context.register_tags(scenario.tags)
            for model in context.models:
                name = f"{scenario.id}[{model.name}]" if model is not None else scenario.id
                # An explicit node id: pytest >= 9.2 parses a stored id's "[...]" suffix as
                # parameters, so an item built from the bare name would never match its own
                # --lf / --ff record.
                item = ScenarioItem.from_parent(
                    self, name=name, nodeid=f"{self.nodeid}::{name}", plan=plan, model=model
                )
                reason = skip_reason(scenario, model)
                if reason is not None:
                    # A skip mark (not pytest.skip in setup) reports the suite file's location.
                    item.skip_reason = reason
                    item.add_marker(pytest.mark.skip(reason=reason))
                yield item
        if errors:
            raise suite_errors(errors)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        exc = excinfo.value
        if isinstance(exc, SuiteErrors):
            return "\n".join(exc.lines(_shown_path(self.config, exc.path)))
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


def build_plan(
    config: pytest.Config,
    settings: Settings,
    registry: Callable[[], ScorerRegistry],
    scenario: Scenario,
) -> Plan:
    from pytest_llmbench.conversation import Plan
    from pytest_llmbench.errors import BadScorerArguments, UnknownScorer
    from pytest_llmbench.families import FamilyError

    built = config.stash.setdefault(_BUILT, {})
    errors: list[SuiteError] = []  # all of the scenario's, not only the first

    def bind(refs: tuple[ScorerRef, ...]) -> tuple[BoundScorer, ...]:
        out = []
        for ref in refs:
            try:
                out.append(bind_one(ref))
            except SuiteError as exc:
                errors.append(exc)
        return tuple(out)

    def bind_one(ref: ScorerRef) -> BoundScorer:
        args = ref.args
        key = (ref.name, type(args), args) if isinstance(args, _SCALARS) else None
        fn = built.get(key) if key is not None else None
        if fn is None:
            try:
                fn = registry().build(ref.name, args)
            except (UnknownScorer, BadScorerArguments, FamilyError) as exc:
                msg = exc.args[0] if exc.args else str(exc)
                raise SuiteError(scenario.path, ref.line, msg, scenario.id) from None
            if key is not None:
                built[key] = fn
        return (ref, _judged(config, settings, fn, ref, scenario))

    plan = Plan(
        scenario=scenario,
        turn_scorers=tuple(bind(t.expect) for t in scenario.turns),
        each_turn=bind(scenario.expect_each_turn),
        conversation=bind(scenario.expect),
    )
    if errors:
        raise suite_errors(errors)
    return plan


# Whether a refusal for want of a judge was already explained in full this run.
_JUDGE_EXPLAINED = pytest.StashKey[bool]()


def _judged(
    config: pytest.Config, s: Settings, fn: ScoreFn, ref: ScorerRef, scenario: Scenario
) -> ScoreFn:
    """A scorer that declared it needs the judge (``requires_judge``), in a run that has none:
    refused at collection, before any model call — or, under ``--llm-no-judge``, replaced by
    its program-only variant. Runs without a model skip every item anyway."""
    from pytest_llmbench.scoring.api import judge_need

    need = judge_need(fn)
    if need is None or s.judge_model is not None or not s.models:
        return fn
    if need.model is not None and not s.no_judge:
        return fn  # the scorer names its own judge model
    if s.no_judge and need.without_judge is not None:
        return need.without_judge
    if s.no_judge:
        msg = f"{ref.name} cannot run without a judge ({need.what}): pass --llm-judge-model=MODEL"
    elif config.stash.get(_JUDGE_EXPLAINED, False):
        msg = f"{ref.name}: {need.what} need an LLM judge too (see the first such error)"
    else:
        config.stash[_JUDGE_EXPLAINED] = True
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
        parent = self.parent
        assert isinstance(parent, SuiteFile)
        parent.context.wait_for(self)

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
            model = self.model.name if self.model else "?"
            return redact_env(describe_failure(self.scenario, model, self.result))
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
