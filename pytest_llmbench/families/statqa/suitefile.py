"""What imported and generated StatQA suites share: the citation, tags, the answer format."""

from __future__ import annotations

import json
import re

CITATION = (
    "Zhu, Du, Li, Luo, Tang. Are Large Language Models Good Statisticians? "
    "NeurIPS 2024 Datasets and Benchmarks. arXiv:2406.07815"
)


def slug(text: str) -> str:
    """A tag- and file-name-safe form of a task name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def answer_json(columns: list[str], methods: list[str]) -> str:
    """An answer in the requested format (what a correct model reply looks like)."""
    return json.dumps({"columns": columns, "methods": methods}, ensure_ascii=False)
