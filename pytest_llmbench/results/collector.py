"""Controller-side gathering of item records from test reports (works under xdist, whose
workers ship ``report.user_properties`` to the controller)."""

from __future__ import annotations

from typing import cast

import pytest

from pytest_llmbench.results.records import (
    ItemPayload,
    NotRunRecord,
    SampleRow,
    ScenarioVerdict,
)
from pytest_llmbench.results.rows import PAYLOAD_KEY


class ResultsCollector:
    def __init__(self) -> None:
        self.verdicts: list[ScenarioVerdict] = []
        self.rows: list[SampleRow] = []
        self.not_run: list[NotRunRecord] = []

    def take(self, report: pytest.TestReport) -> None:
        """Move our payload out of ``user_properties`` (junitxml would otherwise print it)."""
        props = report.user_properties
        keep = []
        for entry in props:
            if isinstance(entry, (tuple, list)) and len(entry) == 2 and entry[0] == PAYLOAD_KEY:
                self.add(cast(ItemPayload, entry[1]))
            else:
                keep.append(entry)
        if len(keep) != len(props):
            props[:] = keep

    def add(self, payload: ItemPayload) -> None:
        self.verdicts.append(payload["verdict"])
        self.rows.extend(payload["rows"])

    def reported(self) -> set[str]:
        return {v["nodeid"] for v in self.verdicts}
