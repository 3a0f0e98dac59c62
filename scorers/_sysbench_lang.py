"""SysBench program checkers for the reply language (py3langid; see ``_sysbench_text``).

The whole reply is identified by the model alone. A part of it (a sentence, a paragraph, a JSON
value) is often too short for that, so ``_sysbench_text.in_language`` lets the script decide
Chinese, Japanese and Korean, and trusts the model among Latin-script languages only when it is
confident."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _sysbench_text as t
from ._match import quote
from ._sysbench_args import keywords, text, texts
from .structured import parse_json

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


def last_sentence_language(args: Any, name: str) -> CheckFn:
    want = t.language_code(text(args, name))

    def check(reply: str) -> tuple[bool, str]:
        found = t.sentences(reply)
        if not found:
            return False, "the reply has no sentence"
        ok, got = t.in_language(found[-1], want)
        verdict = "is in" if ok else f"should be in {want}, identified"
        return ok, f"last sentence {quote(found[-1], 50)} {verdict} {got}"

    return check


_WHICH = {"first": 0, "last": -1}


def paragraph_language(args: Any, name: str) -> CheckFn:
    """``{paragraph: first|last|any|N, language}``: that paragraph (N counts from 1), or some
    paragraph (``any``), is in the language."""
    kw = keywords(args, name, "language", {"paragraph": "last"})
    want = t.language_code(text(kw["language"], f"{name}.language"))
    which = kw["paragraph"]
    if not (which in (*_WHICH, "any") or (isinstance(which, int) and which >= 1)):
        raise ValueError(f"{name}.paragraph must be first, last, any or a number from 1")

    def check(reply: str) -> tuple[bool, str]:
        paras = t.paragraphs(reply)
        if which == "any":
            hits = [p for p in paras if t.in_language(p, want)[0]]
            if hits:
                return True, f"paragraph {quote(hits[0], 40)} is in {want}"
            return False, f"no paragraph is in {want}"
        index = _WHICH[which] if isinstance(which, str) else which - 1
        if not paras or index >= len(paras):
            return False, f"expected a paragraph {which}, the reply has {len(paras)}"
        ok, got = t.in_language(paras[index], want)
        return (
            ok,
            f"paragraph {which} {'is in' if ok else f'should be in {want}, identified'} {got}",
        )

    return check


def _find(value: Any, key: str) -> tuple[bool, Any]:
    """The value of ``key``: at the top level first, else the first nested object having it."""
    if isinstance(value, dict):
        if key in value:
            return True, value[key]
        children = list(value.values())
    elif isinstance(value, list):
        children = value
    else:
        return False, None
    for child in children:
        found, got = _find(child, key)
        if found:
            return True, got
    return False, None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def json_field_language(args: Any, name: str) -> CheckFn:
    """``{key, language}``: the reply (or its one fenced block) is JSON and the text under
    ``key`` is in the language."""
    kw = keywords(args, name, "key", {"language": None})
    key = text(kw["key"], f"{name}.key")
    want = t.language_code(text(kw["language"], f"{name}.language"))

    def check(reply: str) -> tuple[bool, str]:
        ok, value, error = parse_json(reply.strip(), allow_fence=True)
        if not ok:
            return False, f"not JSON ({error}): {quote(reply)}"
        found, got = _find(value, key)
        if not found:
            return False, f"no field {quote(key)} in the JSON"
        words = " ".join(_strings(got))
        if not words.strip():
            return False, f"field {quote(key)} holds no text: {quote(repr(got))}"
        ok, lang = t.in_language(words, want)
        return (
            ok,
            f"field {quote(key)} {'is in' if ok else f'should be in {want}, identified'} {lang}",
        )

    return check


LANGUAGE_CHECKS = {
    "last_sentence_language": last_sentence_language,
    "paragraph_language": paragraph_language,
    "json_field_language": json_field_language,
    "language": language,
    "languages_present": languages_present,
    "paragraph_languages": paragraph_languages,
}
