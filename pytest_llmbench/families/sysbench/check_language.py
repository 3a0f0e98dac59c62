"""SysBench program checkers for the reply language (py3langid; see ``reply_text``).

The whole reply is identified by the model alone. A part of it (a sentence, a paragraph, a JSON
value) is often too short for that, so ``in_language`` lets the script decide
Chinese, Japanese and Korean, and trusts the model among Latin-script languages only when it is
confident."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import regex  # type: ignore[import-untyped,unused-ignore]

from pytest_llmbench.scorers.matching import quote
from pytest_llmbench.scorers.structured import parse_json

from . import reply_text as t
from .check_args import keywords, text, texts

CheckFn = Callable[[str], tuple[bool, str]]


# Short segments (the last sentence, a JSON value) defeat a statistical model: py3langid calls
# "Hello" Finnish. The script decides Chinese, Japanese and Korean; among Latin-script languages
# the model decides only when it is confident, otherwise the script alone is the answer.
LATIN_LANGUAGES = ["en", "fr", "de", "es", "it", "pt", "nl"]
_CONFIDENT = 0.5
_latin_identifier: Any = None


def _latin_model() -> Any:
    global _latin_identifier
    with t.LOCK:
        if _latin_identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore

            ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            ident.set_languages(LATIN_LANGUAGES)
            _latin_identifier = ident
        return _latin_identifier


def script_of(piece: str) -> str:
    """The dominant script of ``piece`` by words (a Chinese character is a word): ``zh``
    (Han), ``ja`` (Han with kana), ``ko`` (Hangul), ``latin``, ``other`` or ``''``."""
    tokens = t.word_tokens(piece)
    counts = {"han": 0, "kana": 0, "hangul": 0, "latin": 0, "other": 0}
    for tok in tokens:
        if tok[0].isdigit():
            continue
        if regex.match(r"\p{Han}", tok):
            counts["han"] += 1
        elif regex.match(r"[\p{Hiragana}\p{Katakana}]", tok):
            counts["kana"] += 1
        elif regex.match(r"\p{Hangul}", tok):
            counts["hangul"] += 1
        elif regex.match(r"\p{Latin}", tok):
            counts["latin"] += 1
        else:
            counts["other"] += 1
    total = sum(counts.values())
    if not total:
        return ""
    if counts["hangul"] * 2 >= total:
        return "ko"
    if counts["kana"] and (counts["kana"] + counts["han"]) * 2 >= total:
        return "ja"
    if counts["han"] * 2 >= total:
        return "zh"
    return "latin" if counts["latin"] * 2 >= total else "other"


def segment_language(piece: str) -> tuple[str, str]:
    """``(code, how)`` for a short piece of text: ``how`` says what decided it. ``code`` is
    ``latin`` when it is in Latin letters but too short to tell which language."""
    script = script_of(piece)
    if script in ("zh", "ja", "ko", ""):
        return script, "script"
    if script == "other":
        return t.identify(piece)[0] or "other", "model"
    cleaned = " ".join(t.STRIP_FOR_LANGID.sub(" ", piece).split())
    code, prob = _latin_model().classify(cleaned)
    if float(prob) >= _CONFIDENT:
        return str(code), f"model p={float(prob):.2f}"
    return "latin", f"script (too short to tell, p={float(prob):.2f})"


def in_language(piece: str, want: str) -> tuple[bool, str]:
    """Whether a short piece of text is in ``want`` (a code), with what was identified."""
    got, how = segment_language(piece)
    if got == want or (got == "latin" and want in LATIN_LANGUAGES):
        return True, f"{want} ({how})"
    return False, f"{got or 'no language'} ({how})"


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
        ok, got = in_language(found[-1], want)
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
            hits = [p for p in paras if in_language(p, want)[0]]
            if hits:
                return True, f"paragraph {quote(hits[0], 40)} is in {want}"
            return False, f"no paragraph is in {want}"
        index = _WHICH[which] if isinstance(which, str) else which - 1
        if not paras or index >= len(paras):
            return False, f"expected a paragraph {which}, the reply has {len(paras)}"
        ok, got = in_language(paras[index], want)
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
        ok, lang = in_language(words, want)
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
