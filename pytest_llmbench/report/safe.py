"""Make model text safe to print: no ANSI/control sequences, no rich markup."""

from __future__ import annotations

import re

# C0/C1 controls except tab and newline; ESC and CSI are what terminals interpret.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: str | None) -> str:
    """Control characters shown as ``\\xNN`` escapes; everything else unchanged."""
    if not text:
        return ""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
