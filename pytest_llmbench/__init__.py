"""pytest-llmbench: YAML scenario suites as pytest tests of a language model.

Only the public scorer API lives here; importing this package stays cheap (no litellm, rich,
jsonschema or huggingface_hub).
"""

from __future__ import annotations

from pytest_llmbench.scoring.api import (
    Message,
    Score,
    ScorerContext,
    ScoringMode,
    ToolCall,
    scorer,
)

__version__ = "0.1.0"

__all__ = [
    "Message",
    "Score",
    "ScorerContext",
    "ScoringMode",
    "ToolCall",
    "__version__",
    "scorer",
]
