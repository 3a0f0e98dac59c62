"""Writing suite files: the one YAML emitter every family's importer and generator uses.

Output is deterministic (keys in the order given, never sorted) so a seeded generator gives the
same bytes again and a regenerated suite diffs cleanly. Multi-line texts (system messages,
prompts, contexts) are literal blocks, so the file reads like what the model sees; the emitter
quotes a string by itself when a block cannot hold it exactly. An object used twice in a
document (a ToolBH row under each of its prompts) is written once and aliased. libyaml's emitter
is used when PyYAML has it: imported suites run to megabytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WIDTH = 100  # as the project's line length: long prompts fold, the rest stays on one line

_Base: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[valid-type,misc]
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def comment(text: str) -> str:
    """``text`` as YAML comment lines (a blank line becomes a bare ``#``)."""
    return "".join(f"# {line}\n" if line else "#\n" for line in text.splitlines())


def dump_suite(document: dict[str, Any], header: str = "") -> str:
    """The suite file's text: ``header`` as a comment, then the document."""
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=WIDTH)
    return comment(header) + body


def write_suite(path: Path, document: dict[str, Any], header: str = "") -> Path:
    """Write the suite file (creating its folder) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_suite(document, header), encoding="utf-8")
    return path
