"""Controller-side gathering of item payloads from test reports (works under xdist, whose
workers ship ``report.user_properties`` to the controller)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_llmbench.results.rows import PAYLOAD_KEY


class ResultsCollector:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.rows: list[dict[str, Any]] = []

    def take(self, report: pytest.TestReport) -> None:
        """Move our payload out of ``user_properties`` (junitxml would otherwise print it)."""
        props = report.user_properties
        keep = []
        for entry in props:
            if isinstance(entry, (tuple, list)) and len(entry) == 2 and entry[0] == PAYLOAD_KEY:
                payload: dict[str, Any] = entry[1]  # type: ignore[assignment]
                self.items.append(payload["item"])
                self.rows.extend(payload["rows"])
            else:
                keep.append(entry)
        if len(keep) != len(props):
            props[:] = keep
