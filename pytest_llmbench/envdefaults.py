"""Offline and quiet switches, set before litellm or huggingface_hub is first imported.

litellm fetches its cost map over the network at import (5 s timeout, 7-8 s on a dropping
network) and may download tokenizers; huggingface_hub sends telemetry. ``setdefault`` keeps a
user's explicit choice.
"""

from __future__ import annotations

import os

DEFAULTS = {
    "LITELLM_OFFLINE_MODE": "true",
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DISABLE_TELEMETRY": "1",
}


def apply() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
