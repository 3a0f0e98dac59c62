"""Run the official distractors prompt code (``../shared/datasets/distractors/official``).

Run as a script in a child process, never imported by the test process::

    python official_harness.py SPEC.json OUT.json

SPEC holds ``code`` (the official folder), ``data`` (the ``adversarial_datasets`` folder) and
``jobs``: each a prompt ``function`` of ``chain_of_thought_prompts.py``, data ``files`` and a
``rendering`` (``official``: the items as they are; ``default``: each item's context given as
one paragraph holding the project's documented default layout — paragraphs stripped and
separated by a blank line — so that the official framing around it can be compared too).

OUT maps rendering → function → file → the list the function returns for that file's items,
as ``create_prompts_with_fake_para.py`` calls it. ``chain_of_thought_prompts.py`` imports
``datasets`` and ``transformers`` at its top for code the prompt functions never call; modules
whose attributes fail when used stand in for them (no torch needed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# Run as a script: the project root on the path for the shared stand-ins.
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tests.stand_ins import install


def _default_layout(item: dict[str, Any]) -> dict[str, Any]:
    paragraphs = ["".join(sentences).strip() for _, sentences in item["context"]]
    return {**item, "context": [["", ["\n\n".join(paragraphs)]]]}


def main(spec_path: str, out_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    install("datasets", "transformers", "transformers.pipelines", "transformers.pipelines.pt_utils")
    sys.path.insert(0, str(Path(spec["code"]).resolve()))
    import chain_of_thought_prompts as official  # type: ignore[import-not-found]

    data = Path(spec["data"])
    out: dict[str, Any] = {}
    for job in spec["jobs"]:
        build = getattr(official, job["function"])
        for name in job["files"]:
            items = json.loads((data / name).read_text(encoding="utf-8"))
            if job["rendering"] == "default":
                items = [_default_layout(i) for i in items]
            by_function = out.setdefault(job["rendering"], {}).setdefault(job["function"], {})
            by_function[name] = build(items)
    Path(out_path).write_text(json.dumps(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
