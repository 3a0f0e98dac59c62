"""The samples of one scenario × model, run concurrently on the engine: ``--llm-repeat`` of
them for a real model, one per reference conversation for ``llmbench/reference`` (the
``reference.pass`` replies) and ``llmbench/violate`` (the ``reference.fail`` replies)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Coroutine
from typing import Any

from pytest_llmbench import inline
from pytest_llmbench.client.base import ChatRequest, ModelSpec
from pytest_llmbench.client.scripted import EchoClient, ScriptedClient
from pytest_llmbench.conversation import Call, Plan, opening_messages, run_sample
from pytest_llmbench.engine import Engine
from pytest_llmbench.options import Settings
from pytest_llmbench.scenario_result import SampleResult, ScenarioResult


def sample_params(plan: Plan, settings: Settings) -> dict[str, Any]:
    """The generation parameters of the scenario's requests (the command line wins)."""
    return {**plan.scenario.params, **settings.overrides}


def opening_requests(plan: Plan, model: ModelSpec, settings: Settings) -> list[ChatRequest]:
    """The first request of each sample: the one request known before the run (the
    preflight asks the cache whether the run will call the model at all)."""
    if model.builtin is not None:
        return []
    params = sample_params(plan, settings)
    messages = [m.to_openai() for m in opening_messages(plan.scenario)]
    return [
        ChatRequest(model, messages, plan.scenario.tools, params, sample=i)
        for i in range(settings.repeat)
    ]


async def run_samples(
    engine: Engine, plan: Plan, model: ModelSpec, settings: Settings
) -> ScenarioResult:
    scenario = plan.scenario
    params = sample_params(plan, settings)
    judge = (
        ModelSpec(settings.judge_model, settings.judge_api_base) if settings.judge_model else None
    )

    def sample(i: int, call: Call) -> Coroutine[Any, Any, SampleResult]:
        # The judge, the scorers' runner and the settings are the same for every sample;
        # only the index and the model's transport differ.
        return run_sample(
            plan,
            model,
            i,
            call,
            settings.scoring,
            params,
            judge,
            engine.call,
            settings.judge_api_base,
            engine.scorers,
        )

    builtin = model.builtin
    if builtin in ("reference", "violate"):
        refs = scenario.reference_pass if builtin == "reference" else scenario.reference_fail
        kind = "pass" if builtin == "reference" else "fail"
        history_users = sum(1 for m in scenario.history if m.role == "user")

        async def replay(i: int) -> SampleResult:
            # The judge, if any, is a real model: only the model under test is scripted.
            scripted = functools.partial(engine.call, client=ScriptedClient(refs[i], history_users))
            r = await sample(i, scripted)
            return dataclasses.replace(r, reference=f"{kind}[{i}]")

        samples = await inline.gather([replay(i) for i in range(len(refs))])
        return ScenarioResult(tuple(samples), expect_failure=builtin == "violate")
    call = functools.partial(engine.call, client=EchoClient()) if builtin == "echo" else engine.call
    samples = await inline.gather([sample(i, call) for i in range(settings.repeat)])
    return ScenarioResult(tuple(samples))
