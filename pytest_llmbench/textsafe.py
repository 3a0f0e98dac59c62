"""Text that can be written: no lone UTF-16 surrogates.

A server cutting UTF-16 text at its token limit can send half a surrogate pair (``"\\ud800"``
in its JSON); Python decodes it to a ``str`` that no UTF-8 file or terminal accepts. Replies
are repaired once, where they enter the run (the engine), so scorers judge the same text the
results show; the writers of cache entries, results and failure reports repair again, as a
net for text from elsewhere (error bodies, scorer reasons).
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def encodable(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (a well-formed pair that arrived
    as two code points is joined into its character)."""
    if _SURROGATE.search(text) is None:
        return text
    # UTF-16 joins the pairs; what stays unpaired cannot be decoded and becomes U+FFFD.
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
