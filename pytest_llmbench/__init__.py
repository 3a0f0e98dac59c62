"""pytest-llmbench: YAML scenario suites as pytest tests of a language model.

Only the public scorer API lives here; importing this package stays cheap (no litellm, rich,
jsonschema or huggingface_hub).

PYTEST_DONT_REWRITE: the plugin has no test assertions to rewrite, and opting out spares
in-process pytester runs a "module already imported" warning on installs whose import finder
is not pytest's.
"""

from __future__ import annotations

import sys


def _skip_assertion_rewriting() -> None:
    """Take this distribution's packages off pytest's rewrite list. pytest marks every package
    of a ``pytest11`` plugin's distribution for assertion rewriting, so each run parsed,
    rewrote and compiled the ~100 modules a run imports (about 0.5-1 s of CPU per run when
    bytecode is not written, e.g. PYTHONDONTWRITEBYTECODE=1 or a read-only install). Their
    asserts are internal invariants, never test assertions. Private pytest state, read
    defensively: on a pytest without it nothing changes."""
    for finder in sys.meta_path:
        names = getattr(finder, "_must_rewrite", None)
        if type(finder).__name__ == "AssertionRewritingHook" and isinstance(names, set):
            names.difference_update(
                {n for n in names if n.split(".")[0] in ("pytest_llmbench", "scorers")}
            )


_skip_assertion_rewriting()

from pytest_llmbench.errors import JudgeUnusable  # noqa: E402  (after the rewrite opt-out)
from pytest_llmbench.scoring.api import (  # noqa: E402
    JudgeNeed,
    Message,
    Score,
    ScorerContext,
    ScoringMode,
    ToolCall,
    bounded,
    judge_need,
    requires_judge,
    scorer,
)

__version__ = "0.1.0"

__all__ = [
    "JudgeNeed",
    "JudgeUnusable",
    "Message",
    "Score",
    "ScorerContext",
    "ScoringMode",
    "ToolCall",
    "__version__",
    "bounded",
    "judge_need",
    "requires_judge",
    "scorer",
]
