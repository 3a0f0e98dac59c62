"""SysBench program checkers for the reply language (py3langid; see ``_sysbench_text``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _sysbench_text as t
from ._sysbench_args import text, texts

CheckFn = Callable[[str], tuple[bool, str]]


def language(args: Any, name: str) -> CheckFn:
    want = t.language_code(text(args, name))

    def check(reply: str) -> tuple[bool, str]:
        got, prob = t.identify(reply)
        if got == want:
            return True, f"reply is in {want} (p={prob:.2f})"
        return False, f"expected a reply in {want}, identified {got or 'nothing'} (p={prob:.2f})"

    return check


def languages_present(args: Any, name: str) -> CheckFn:
    wanted = [t.language_code(x) for x in texts(args, name)]

    def check(reply: str) -> tuple[bool, str]:
        seen = {t.identify(seg)[0] for seg in [reply, *t.segments(reply)]}
        missing = [w for w in wanted if w not in seen]
        if not missing:
            return True, f"reply has {', '.join(wanted)}"
        return False, f"no part of the reply is in {', '.join(missing)}"

    return check


def paragraph_languages(args: Any, name: str) -> CheckFn:
    """Paragraph i is in language i (``[en, es]``: English first, then Spanish)."""
    wanted = [t.language_code(x) for x in texts(args, name)]

    def check(reply: str) -> tuple[bool, str]:
        got = [t.identify(p)[0] or "?" for p in t.paragraphs(reply)]
        if got == wanted:
            return True, f"paragraphs in {', '.join(wanted)}"
        return False, f"expected paragraphs in {', '.join(wanted)}, got {', '.join(got) or 'none'}"

    return check


LANGUAGE_CHECKS = {
    "language": language,
    "languages_present": languages_present,
    "paragraph_languages": paragraph_languages,
}
