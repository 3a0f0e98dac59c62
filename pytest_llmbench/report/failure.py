"""The text pytest shows for a failed scenario: failing scorers with reasons, then the
transcript. Model text is passed through ``safe.plain`` so it cannot inject terminal codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_llmbench.report.safe import clip, plain

if TYPE_CHECKING:
    from pytest_llmbench.scenario import Scenario
    from pytest_llmbench.scenario_result import SampleResult, ScenarioResult

MAX_MESSAGE = 2000


def describe_failure(scenario: Scenario, model: str, result: ScenarioResult) -> str:
    s = scenario
    failing = [x for x in result.samples if not x.passed]
    first = next((line.strip().lstrip("✗ ") for x in failing for line in _scores(x)), "")
    # The first line is what pytest's short summary shows: make it the first reason.
    lines = [
        first or f"scenario {s.id!r} failed",
        f"{s.path.name}:{s.line}: scenario {s.id!r} with {model}",
    ]
    if result.expect_failure:
        lines.append("(llmbench/violate: every reference.fail reply failed, as it must)")
    for sample in failing:
        label = f"sample {sample.sample}" + (f" ({sample.reference})" if sample.reference else "")
        lines.append("")
        lines.append(f"── {label} " + "─" * max(0, 60 - len(label)))
        lines.extend(_scores(sample))
        if sample.stopped_at_turn is not None:
            lines.append(f"  stopped after turn {sample.stopped_at_turn} (stop_on_failure)")
        lines.append("  transcript:")
        lines.extend(_transcript(sample))
    if len(result.samples) > 1:
        lines.append("")
        lines.append(f"{result.n_passed}/{len(result.samples)} samples passed")
    return "\n".join(lines)


def _scores(sample: SampleResult) -> list[str]:
    out = []
    for i, turn in enumerate(sample.turn_scores):
        for sc in turn:
            if not sc.passed:
                out.append(f"  ✗ turn {i} {sc.name}: {plain(sc.reason)}")
    for sc in sample.conversation_scores:
        if not sc.passed:
            out.append(f"  ✗ conversation {sc.name}: {plain(sc.reason)}")
    return out


def _transcript(sample: SampleResult) -> list[str]:
    out = []
    for m in sample.messages:
        role = m.role if m.role != "tool" else f"tool {plain(m.name)}"  # the model chose it
        text = clip(plain(m.content), MAX_MESSAGE)
        prefix = f"    [{role}] "
        body = text.replace("\n", "\n" + " " * len(prefix))
        out.append(prefix + body if text or not m.tool_calls else prefix.rstrip())
        for c in m.tool_calls:
            out.append(
                f"{' ' * len(prefix)}→ call {plain(c.name)}({clip(plain(c.arguments), 500)})"
            )
    return out
