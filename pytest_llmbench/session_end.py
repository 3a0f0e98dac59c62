"""The end of a run, on the controller: summary, benchmark aggregates, results file, Hub
upload, gates (which may change the exit status) and the notes of the terminal summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest

from pytest_llmbench.options import NO_MODEL_HINT, Settings
from pytest_llmbench.results.records import (
    ComparisonRecord,
    NotRunRecord,
    SampleRow,
    ScenarioVerdict,
    SuiteSummary,
)

if TYPE_CHECKING:
    from pytest_llmbench.gates import GateResult
from pytest_llmbench.shard import ShardRecord


@dataclass
class SessionReport:
    """What the terminal summary shows."""

    summary: list[SuiteSummary] = field(default_factory=list)
    aggregates: dict[str, dict[str, Any]] = field(default_factory=dict)
    results_path: Path | None = None
    notes: list[str] = field(default_factory=list)  # upload, gates, rate limits
    # For the recap, the last thing printed (report/recap.py):
    upload: list[str] = field(default_factory=list)  # what became of the upload
    gates: list[str] = field(default_factory=list)  # the gates' outcome (none: no gate)
    # per suite × model: report/comparable.py's note (None: no provenance)
    comparable: dict[tuple[str, str | None], str | None] = field(default_factory=dict)


def finish_session(
    session: pytest.Session,
    settings: Settings,
    started: float,
    verdicts: list[ScenarioVerdict],
    rows: list[SampleRow],
    shard: ShardRecord | None = None,
    not_run: list[NotRunRecord] | None = None,
) -> SessionReport:
    """Everything after the last item; may set ``session.exitstatus`` (the gates)."""
    from pytest_llmbench.families import aggregates
    from pytest_llmbench.results.summary import summarize

    report = SessionReport(summarize(verdicts, rows))
    report.notes += judge_notes(report.summary)
    not_run = list(not_run or ())
    # The families read rows as the plain JSON of a results file (they also read saved ones).
    report.aggregates = aggregates(cast(list[dict[str, Any]], rows), report.notes)
    s = settings
    # The gates are decided before the file is written, so it records the comparisons; the
    # exit status is set last.
    gate_result = (
        None if s.shard is not None else _evaluate_gates(session, s, report.summary, verdicts)
    )
    comparisons = list(gate_result.comparisons) if gate_result is not None else []
    # An upload sends the results file, so it needs one even without --llm-results.
    if s.results is not None or s.hf_repo is not None:
        report.results_path = _write_results(
            session.config, s, started, verdicts, rows, report, comparisons, shard, not_run or []
        )
    if not_run:
        report.notes.append(
            f"llmbench: {len(not_run)} scenario item(s) not run (the run ended before their "
            "samples finished); the results file lists them under not_run"
        )
    if s.hf_repo is not None:
        from pytest_llmbench.results.hub import upload_after_run

        report.upload = upload_after_run(
            report.results_path,
            s.hf_repo,
            endpoint=s.hf_endpoint,
            private=s.hf_private,
            ran=bool(rows),
            interrupted=session.exitstatus == pytest.ExitCode.INTERRUPTED,
        )
        report.notes += report.upload
    if gate_result is not None:
        report.gates = _apply_gates(session, gate_result, verdicts)
        report.notes += gate_result.notes + report.gates
    elif s.shard is not None and verdicts and s.models:
        report.gates = _shard_gates(session, s, verdicts)
        report.notes += report.gates
    from pytest_llmbench.report.comparable import by_suite_and_model

    report.comparable = by_suite_and_model(verdicts)
    return report


def judge_notes(summary: list[SuiteSummary]) -> list[str]:
    """The judge's calls, tokens and cost per model under test (the table counts the model's)."""
    totals: dict[str, list[int]] = {}
    costs: dict[str, float | None] = {}
    for g in summary:
        if not g.get("judge_calls"):
            continue
        model = g["model"] or "-"
        t = totals.setdefault(model, [0, 0, 0])
        t[0] += g.get("judge_calls", 0)
        t[1] += g.get("judge_prompt_tokens", 0)
        t[2] += g.get("judge_completion_tokens", 0)
        cost = g.get("judge_cost")
        if cost is not None:
            costs[model] = (costs.get(model) or 0.0) + cost
    notes = []
    for model, (calls, prompt, completion) in totals.items():
        cost = costs.get(model)
        price = f", ${cost:.4f}" if cost is not None else ""
        notes.append(
            f"llmbench: judge of {model}: {calls} call(s), tokens in/out "
            f"{prompt}/{completion}{price}"
        )
    return notes


def _write_results(
    config: pytest.Config,
    settings: Settings,
    started: float,
    verdicts: list[ScenarioVerdict],
    rows: list[SampleRow],
    report: SessionReport,
    comparisons: list[ComparisonRecord],
    shard: ShardRecord | None,
    not_run: list[NotRunRecord],
) -> Path:
    from pytest_llmbench.atomicfile import write_atomic
    from pytest_llmbench.results.runinfo import run_info
    from pytest_llmbench.results.writer import build_document, dumps

    info = run_info(settings, started, str(config.rootpath), config.invocation_params.args)
    if shard is not None:
        info["shard"] = shard
    document = build_document(info, verdicts, rows, report.summary, report.aggregates, not_run)
    document["comparisons"] = comparisons
    config.hook.pytest_llmbench_results_ready(config=config, results=document)
    path = settings.results
    if path is None:  # kept (not a temp file) so a failed upload can be retried from it
        path = settings.cache_dir / "runs" / f"{document['run']['run_id']}.json"
    from pytest_llmbench.results.privacy import scrub_paths

    write_atomic(path, scrub_paths(dumps(document), config.rootpath))
    return path


def _marked_thresholds(session: pytest.Session) -> dict[str, float]:
    """The strictest ``llm_fail_under(rate)`` marker per suite, read from the collected items
    (under xdist, whose controller collects nothing, there are none: only the ini key applies)."""
    from pytest_llmbench.collect import ScenarioItem

    marked: dict[str, float] = {}
    for item in getattr(session, "items", []):
        mark = item.get_closest_marker("llm_fail_under")
        if isinstance(item, ScenarioItem) and mark is not None and mark.args:
            suite = item.scenario.suite
            marked[suite] = max(marked.get(suite, 0.0), float(mark.args[0]))
    return marked


def _evaluate_gates(
    session: pytest.Session,
    settings: Settings,
    summary: list[SuiteSummary],
    verdicts: list[ScenarioVerdict],
) -> GateResult | None:
    if not (verdicts and settings.models):
        return None
    from pytest_llmbench import gates

    per_suite = gates.suite_thresholds(dict(settings.fail_under_suite), _marked_thresholds(session))
    return gates.evaluate(settings, summary, verdicts, per_suite)


def _shard_gates(
    session: pytest.Session, settings: Settings, verdicts: list[ScenarioVerdict]
) -> list[str]:
    """One shard's pass rates are not the run's: `llmbench merge` checks the thresholds on the
    joined results. A configured gate still forgives scenario failures here, so the shard job
    passes and the merge job decides."""
    from pytest_llmbench import gates

    per_suite = gates.suite_thresholds(dict(settings.fail_under_suite), _marked_thresholds(session))
    configured = settings.fail_under is not None or bool(per_suite) or settings.fail_on_regression
    if not configured:
        return []
    status, notes = gates.exit_status(
        session.exitstatus,
        [],
        tests_failed=session.testsfailed,
        scenario_failures=sum(1 for v in verdicts if v["outcome"] == "failed"),
        stopped_early=bool(session.shouldfail or session.shouldstop),
    )
    session.exitstatus = status
    return [f"llmbench: shard {settings.shard}: gates are checked by `llmbench merge`", *notes]


def _apply_gates(
    session: pytest.Session, result: GateResult, verdicts: list[ScenarioVerdict]
) -> list[str]:
    """pytest returns ``session.exitstatus`` as read *after* the sessionfinish hooks, so
    assigning it here decides the process exit code (checked with pytester in tests/gates).
    Returns what to say about the outcome (nothing without a gate)."""
    from pytest_llmbench import gates

    if not result.configured:
        return []  # no gate: pytest's own exit status stands
    status, notes = gates.exit_status(
        session.exitstatus,
        result.failures,
        tests_failed=session.testsfailed,
        scenario_failures=sum(1 for v in verdicts if v["outcome"] == "failed"),
        stopped_early=bool(session.shouldfail or session.shouldstop),
        inconclusive=result.inconclusive,
        thresholds=result.thresholds,
    )
    session.exitstatus = status
    return notes


def terminal_notes(settings: Settings, report: SessionReport) -> list[str] | None:
    """The lines under the summary table; ``None`` when the table itself is not shown."""
    if not settings.models:
        return None
    notes = []
    no_refs = sum(g["no_references"] for g in report.summary)
    if no_refs and any(m.startswith("llmbench/") for m in settings.models):
        notes.append(f"llmbench: {no_refs} scenario item(s) have no reference replies")
    if report.results_path is not None:
        notes.append(f"llmbench: results written to {report.results_path}")
    return notes + report.notes


def write_terminal_summary(
    config: pytest.Config, settings: Settings, report: SessionReport
) -> None:
    from pytest_llmbench.report.terminal import write_summary

    notes = terminal_notes(settings, report)
    if notes is None:
        if report.summary:
            tr = config.pluginmanager.get_plugin("terminalreporter")
            if tr is not None:
                tr.write_line(f"llmbench: suite items skipped: {NO_MODEL_HINT}")
        return
    from pytest_llmbench.families import render_aggregates

    write_summary(config, report.summary, render_aggregates(report.aggregates, notes) + notes)


def write_recap(config: pytest.Config, settings: Settings, report: SessionReport) -> None:
    """The few lines printed last, after pytest's short test summary."""
    tr = config.pluginmanager.get_plugin("terminalreporter")
    if tr is None or not settings.models or not report.summary:
        return
    from pytest_llmbench.report.recap import recap_lines

    lines = recap_lines(
        report.summary, report.comparable, report.gates, report.results_path, report.upload
    )
    tr.write_sep("-", "llmbench recap")
    for line in lines:
        tr.write_line(line)
