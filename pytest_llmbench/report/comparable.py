"""Whether a suite × model row of a report may be compared with the published numbers.

Only the scenario provenance decides (``provenance.py``): every scenario of the row must carry
one whose wording, data and decoding are all official. The verdict is recomputed from the
three origins rather than read from the recorded ``comparable`` flag, so a hand-edited results
file cannot claim more than its origins say.
"""

from __future__ import annotations

from collections.abc import Iterable

from pytest_llmbench.provenance import ASPECTS, Provenance
from pytest_llmbench.results.records import ScenarioVerdict

COMPARABLE = "comparable with the published numbers"


def comparability(verdicts: Iterable[ScenarioVerdict]) -> str | None:
    """A short note for one suite × model; None when no scenario carries provenance (a suite
    written by hand, not a benchmark import)."""
    records = [v.get("provenance") for v in verdicts]
    known = [Provenance.from_json(p) for p in records if p]
    if not known:
        return None
    if len(known) < len(records):
        return "not comparable: some scenarios carry no provenance"
    if all(p.comparable for p in known):
        return COMPARABLE
    own = [a for a in ASPECTS if any(not getattr(p, a).official for p in known)]
    return "not comparable: " + ", ".join(f"{a} not official" for a in own)


def by_suite_and_model(
    verdicts: Iterable[ScenarioVerdict],
) -> dict[tuple[str, str | None], str | None]:
    groups: dict[tuple[str, str | None], list[ScenarioVerdict]] = {}
    for v in verdicts:
        groups.setdefault((v["suite"], v["model"]), []).append(v)
    return {key: comparability(vs) for key, vs in groups.items()}
