"""One scenario × model: its samples (``--llm-repeat``, or one per reference for the built-in
``llmbench/reference`` and ``llmbench/violate`` models), run concurrently on the engine."""

from __future__ import annotations

import asyncio

from pytest_llmbench.client.base import ModelSpec
from pytest_llmbench.client.builtin import register_script, release_script
from pytest_llmbench.conversation import Plan, run_sample
from pytest_llmbench.engine import Engine
from pytest_llmbench.options import Settings
from pytest_llmbench.outcome import SampleResult, ScenarioResult


async def run_scenario(
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
            token = register_script(refs[i], history_users)
            try:
                r = await run_sample(
                    plan, model, i, engine.call, settings.scoring, params, token, judge
                )
            finally:
                release_script(token)
            r.reference = f"{kind}[{i}]"
            return r

        samples = await asyncio.gather(*(replay(i) for i in range(len(refs))))
        return ScenarioResult(list(samples), expect_failure=builtin == "violate")
    samples = await asyncio.gather(
        *(
            run_sample(plan, model, i, engine.call, settings.scoring, params, judge=judge)
            for i in range(settings.repeat)
        )
    )
    return ScenarioResult(list(samples))
