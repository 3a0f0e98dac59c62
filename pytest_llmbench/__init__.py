"""pytest-llmbench: YAML scenario suites as pytest tests of a language model.

Only the public scorer API lives here; importing this package stays cheap (no litellm, rich,
jsonschema or huggingface_hub).

PYTEST_DONT_REWRITE: the plugin has no test assertions to rewrite, and opting out spares
in-process pytester runs a "module already imported" warning on installs whose import finder
is not pytest's.
"""

from __future__ import annotations

from pytest_llmbench.errors import JudgeUnusable
from pytest_llmbench.scoring.api import (
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
