"""The recap: a few lines printed as the last thing of a run, after pytest's short test
summary (which lists every failure and can run to hundreds of lines, pushing the long table
out of sight): the pass rate per suite × model, the gates' outcome and where the results went.
The long table stays where it was, before pytest's summary sections."""

from __future__ import annotations

from pathlib import Path

from pytest_llmbench.results.records import SuiteSummary


def _rate(g: SuiteSummary) -> str:
    judged = g["passed"] + g["failed"]
    if g["pass_rate"] is None:
        return f"—  (0 judged, {g['errors']} error(s), {g['skipped']} skipped)"
    lo, hi = g["ci95"] or (g["pass_rate"], g["pass_rate"])
    extra = "".join(
        f", {n} {word}" for n, word in ((g["errors"], "error(s)"), (g["skipped"], "skipped")) if n
    )
    return (
        f"{100 * g['pass_rate']:5.1f}% ({g['passed']}/{judged}{extra}) "
        f"[95% CI {100 * lo:.0f}–{100 * hi:.0f}]"
    )


def recap_lines(
    summary: list[SuiteSummary],
    comparable: dict[tuple[str, str | None], str | None],
    gates: list[str],
    results_path: Path | None,
    upload: list[str],
) -> list[str]:
    groups = [g for g in summary if g["model"]]
    suite_w = max((len(g["suite"]) for g in groups), default=0)
    model_w = max((len(g["model"] or "") for g in groups), default=0)
    lines = []
    for g in groups:
        # report/comparable.py: None for a suite without provenance (the user's own).
        note = comparable.get((g["suite"], g["model"]))
        note = f"  {note}" if note else ""
        lines.append(f"{g['suite']:<{suite_w}}  {g['model'] or '':<{model_w}}  {_rate(g)}{note}")
    lines += gates
    if results_path is not None:
        lines.append(f"llmbench: results in {results_path}")
    lines += upload[-1:]  # the upload's outcome (warnings and retry hints stay above)
    return lines
