"""Writing StatQA suite files (imported or generated) as readable YAML."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

CITATION = (
    "Zhu, Du, Li, Luo, Tang. Are Large Language Models Good Statisticians? "
    "NeurIPS 2024 Datasets and Benchmarks. arXiv:2406.07815"
)


# libyaml's emitter when PyYAML has it: the pure-Python one takes seconds per imported file.
_Base: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[valid-type,misc]
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Prompts are long multi-line texts: a literal block keeps them readable in review. PyYAML
    # falls back to a quoted style by itself when a block cannot hold the text exactly.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def slug(text: str) -> str:
    """A tag- and file-name-safe form of a task name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def answer_json(columns: list[str], methods: list[str]) -> str:
    """An answer in the requested format (what a correct model reply looks like)."""
    return json.dumps({"columns": columns, "methods": methods}, ensure_ascii=False)


def dump_suite(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def write_suite(path: Path, document: dict[str, Any], header_comment: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header_comment.splitlines())
    path.write_text(comment + dump_suite(document), encoding="utf-8")
    return path
