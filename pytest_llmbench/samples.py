"""The samples of one scenario × model, run concurrently on the engine: ``--llm-repeat`` of
them for a real model, one per reference conversation for ``llmbench/reference`` (the
``reference.pass`` replies) and ``llmbench/violate`` (the ``reference.fail`` replies)."""

from __future__ import annotations

import asyncio
import dataclasses
import functools

from pytest_llmbench.client.base import ModelSpec
from pytest_llmbench.client.scripted import EchoClient, ScriptedClient
from pytest_llmbench.conversation import Plan, run_sample
from pytest_llmbench.engine import Engine
from pytest_llmbench.options import Settings
from pytest_llmbench.scenario_result import SampleResult, ScenarioResult


async def run_samples(
    engine: Engine, plan: Plan, model: ModelSpec, settings: Settings
) -> ScenarioResult:
    scenario = plan.scenario
    params = {**scenario.params, **settings.overrides}
    judge = (
        ModelSpec(settings.judge_model, settings.judge_api_base) if settings.judge_model else None
    )
    builtin = model.builtin
    if builtin in ("reference", "violate"):
        refs = scenario.reference_pass if builtin == "reference" else scenario.reference_fail
        kind = "pass" if builtin == "reference" else "fail"
        history_users = sum(1 for m in scenario.history if m.role == "user")

        async def replay(i: int) -> SampleResult:
            # The judge, if any, is a real model: only the model under test is scripted.
            scripted = functools.partial(engine.call, client=ScriptedClient(refs[i], history_users))
            r = await run_sample(
                plan, model, i, scripted, settings.scoring, params, judge, engine.call
            )
            return dataclasses.replace(r, reference=f"{kind}[{i}]")

        samples = await asyncio.gather(*(replay(i) for i in range(len(refs))))
        return ScenarioResult(tuple(samples), expect_failure=builtin == "violate")
    call = functools.partial(engine.call, client=EchoClient()) if builtin == "echo" else engine.call
    samples = await asyncio.gather(
        *(
            run_sample(plan, model, i, call, settings.scoring, params, judge, engine.call)
            for i in range(settings.repeat)
        )
    )
    return ScenarioResult(tuple(samples))
