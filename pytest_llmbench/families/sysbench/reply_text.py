"""Text primitives behind the SysBench program checkers, for English and Chinese replies.

Normalisation, emoji counted by grapheme cluster, paragraphs, list items, punctuation, markdown
and language identification. Everything is pure and total: no helper raises on any reply text.
Language identification uses py3langid (an offline naive-Bayes model shipped in the wheel):
scripts alone cannot tell English from French, so a hand-made heuristic would not do.
"""

from __future__ import annotations

import threading
import unicodedata
from typing import Any

import regex  # type: ignore[import-untyped,unused-ignore]  # \X grapheme clusters, emoji props

_CLUSTER = regex.compile(r"\X")
_PICTO = regex.compile(r"\p{Extended_Pictographic}")
_EMOJI_PRESENTATION = regex.compile(r"\p{Emoji_Presentation}")
_REGIONAL = regex.compile(r"[\U0001F1E6-\U0001F1FF]")
# Punctuation: Unicode P* categories (。，！？、“” …) plus the two tildes used as punctuation.
_PUNCT = regex.compile(r"[\p{P}~～]")
_HAN = regex.compile(r"\p{Han}")
EDGE = "*_`\"'“”‘’「」『』 \t\r\n"  # markdown emphasis, quote marks and space at the edges
_LIST_ITEM = regex.compile(
    r"^\s*(?:[-*+•·]|\d{1,3}[.)、．]|[(（]\d{1,3}[)）]|[①-⑳]|[一二三四五六七八九十]{1,3}[、.．]"
    r"|(?:[IVX]{1,5}|[ivx]{1,5})[.)、])\s*\S"
)
_TABLE_RULE = regex.compile(
    r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$"
)  # GFM: one dash is enough
_MARKDOWN = regex.compile(
    r"\*\*|__|(?m:^\s{0,3}#{1,6}\s)|(?m:^\s*[-*+]\s)|(?m:^\s*>\s)|```|\[[^\]]+\]\([^)]+\)"
)
_BOLD = regex.compile(r"\*\*(.+?)\*\*|__(.+?)__", regex.S)


def nfkc(text: str) -> str:
    """NFKC folds full-width forms (，！？：) onto their ASCII twins; 。 and 、 stay as they are."""
    return unicodedata.normalize("NFKC", text)


def normalise(text: str) -> str:
    """For literal comparisons: NFKC, then markdown emphasis, quotes and space off both ends."""
    return nfkc(text).strip(EDGE)


def fold(text: str, case_sensitive: bool) -> str:
    return text if case_sensitive else text.casefold()


# --- emoji ------------------------------------------------------------------------------------


def clusters(text: str) -> list[str]:
    """User-perceived characters: a ZWJ sequence, a flag or a VS-16 form is one cluster."""
    return list(_CLUSTER.findall(text))


def is_emoji(cluster: str) -> bool:
    """An emoji cluster: default emoji presentation, VS-16, a keycap, a flag, or a pictograph
    from U+2300 up (❤ ⚖ ☀ written without VS-16 still count; © ® ™ ‼ and arrows do not)."""
    if _EMOJI_PRESENTATION.search(cluster) or len(_REGIONAL.findall(cluster)) == 2:
        return True
    if "\u20e3" in cluster or ("\ufe0f" in cluster and _PICTO.search(cluster)):
        return True
    return any(_PICTO.match(ch) and ord(ch) >= 0x2300 for ch in cluster)


def emoji(text: str) -> list[str]:
    """The emoji of ``text`` in order, one entry per cluster, VS-16 dropped so ❤ and ❤️ agree."""
    return [c.replace("\ufe0f", "") for c in clusters(text) if is_emoji(c)]


def edge_clusters(text: str, n: int, end: bool) -> list[str]:
    """The first (or last) ``n`` clusters that are not whitespace."""
    cs = [c for c in clusters(text) if not c.isspace()]
    return cs[-n:] if end else cs[:n]


# --- counting ---------------------------------------------------------------------------------


def han_count(text: str) -> int:
    """Chinese characters only (汉字字数), punctuation and Latin letters excluded."""
    return len(_HAN.findall(text))


def paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines; a reply without blank lines but with several lines
    counts each non-empty line (Chinese replies often separate paragraphs by one newline)."""
    text = text.strip()
    if not text:
        return []
    blocks = [b.strip() for b in regex.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) == 1:
        blocks = [line.strip() for line in text.splitlines() if line.strip()]
    return blocks


_TERMINATOR = regex.compile(r"[。！？!?…]+[”’」』\"')）]*|\.(?=\s|$)[”’」』\"')）]*|\n+")
# A fragment that is only a list marker ("1.", "a.", "iv.") is not a sentence of its own.
_MARKER_ONLY = regex.compile(r"\s*[-*•]?\s*(?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,5})\.\s*")
_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")


def sentences(text: str) -> list[str]:
    """Sentences: text up to 。！？!?… (with closing quotes), a full stop before a space, or a
    line break. A fragment with no letter or digit (an emoji, a lone mark) belongs to the
    sentence before it; a list marker such as "1." to the sentence after it."""
    pieces, start = [], 0
    for m in _TERMINATOR.finditer(text):
        piece = text[start : m.end()]
        if m.group().startswith(".") and _MARKER_ONLY.fullmatch(piece):
            continue
        pieces.append(piece)
        start = m.end()
    pieces.append(text[start:])
    out: list[str] = []
    for piece in (p.strip() for p in pieces):
        if not piece:
            continue
        if not _LETTER_OR_DIGIT.search(piece):
            if out:
                out[-1] += piece
            continue
        out.append(piece)
    return out


_LATIN_WORD = regex.compile(r"\p{Latin}+(?:['’-]\p{Latin}+)*")
_WORD_TOKEN = regex.compile(
    r"\p{Latin}+(?:['’-]\p{Latin}+)*|[\p{Han}\p{Hiragana}\p{Katakana}]|\p{Hangul}+|\p{N}+"
    r"|[^\W\d_]+"
)


def english_words(text: str) -> list[str]:
    """Words written in Latin letters (apostrophes and hyphens inside a word allowed)."""
    return list(_LATIN_WORD.findall(text))


def word_tokens(text: str) -> list[str]:
    """Words in reading order: Latin words, single Chinese/Japanese characters, Hangul words,
    numbers (punctuation, emoji and symbols are not words)."""
    return list(_WORD_TOKEN.findall(text))


def list_items(text: str) -> list[str]:
    """Lines that start with a list marker: - * • 1. 1) (1) ① 一、 I. ."""
    return [line for line in text.splitlines() if _LIST_ITEM.match(line)]


def is_punct(ch: str) -> bool:
    return bool(_PUNCT.fullmatch(ch))


def punctuation(text: str) -> list[str]:
    return list(_PUNCT.findall(text))


def trailing_char(text: str) -> str:
    """The last character that is not whitespace, markdown emphasis or an emoji cluster's
    variation selector ('' if none)."""
    stripped = text.rstrip(" \t\r\n*_`")
    cs = clusters(stripped)
    return cs[-1] if cs else ""


def has_table(text: str) -> bool:
    """A markdown table: a header row followed by a |---|---| rule (both with pipes, so a
    plain --- horizontal rule is not taken for one)."""
    lines = text.splitlines()
    return any(
        "|" in lines[i - 1] and "|" in lines[i] and _TABLE_RULE.match(lines[i])
        for i in range(1, len(lines))
    )


def markdown_marks(text: str) -> list[str]:
    return [m.group(0) for m in _MARKDOWN.finditer(text)]


def bold_spans(text: str) -> list[str]:
    return [m.group(1) or m.group(2) or "" for m in _BOLD.finditer(text)]


# --- language ---------------------------------------------------------------------------------

# Candidates: the languages SysBench constraints ask for, plus common neighbours so that a
# wrong-language reply is recognised as such rather than forced onto a wanted label.
LANGUAGES = [
    "en",
    "zh",
    "ja",
    "ko",
    "fr",
    "de",
    "es",
    "it",
    "pt",
    "ru",
    "nl",
    "sv",
    "pl",
    "tr",
    "ar",
    "hi",
    "vi",
    "th",
    "id",
    "uk",
    "cs",
    "el",
    "he",
    "fa",
    "da",
    "no",
    "fi",
    "ro",
    "hu",
]
ALIASES = {
    "english": "en", "英文": "en", "英语": "en",
    "chinese": "zh", "中文": "zh", "汉语": "zh", "简体中文": "zh", "zh-cn": "zh",
    "japanese": "ja", "日文": "ja", "日语": "ja",
    "korean": "ko", "韩文": "ko", "韩语": "ko",
    "french": "fr", "法语": "fr", "法文": "fr",
    "german": "de", "德语": "de", "spanish": "es", "西班牙语": "es",
    "russian": "ru", "俄语": "ru", "italian": "it", "portuguese": "pt",
}  # fmt: skip
STRIP_FOR_LANGID = regex.compile(r"https?://\S+|```.*?```|`[^`]*`|[\d\p{P}\p{S}_]+", regex.S)
_identifier: Any = None
LOCK = threading.Lock()


def language_code(name: str) -> str:
    """``en``/``English``/``英文`` → ``en``; raises ValueError for a language we cannot identify."""
    key = name.strip().lower()
    code = ALIASES.get(key, key)
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {name!r} (use a code such as {', '.join(LANGUAGES)})")
    return code


def _model() -> Any:
    global _identifier
    with LOCK:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore

            ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            ident.set_languages(LANGUAGES)
            _identifier = ident
        return _identifier


def identify(text: str) -> tuple[str, float]:
    """``(code, probability)`` of the dominant language; ``('', 0.0)`` when nothing is left
    after dropping digits, punctuation, symbols, emoji, URLs and code."""
    cleaned = " ".join(STRIP_FOR_LANGID.sub(" ", text).split())
    if not any(ch.isalpha() for ch in cleaned):
        return "", 0.0
    code, prob = _model().classify(cleaned)
    return str(code), float(prob)


def segments(text: str) -> list[str]:
    """Lines, then sentences, for finding each language of a mixed reply."""
    parts = regex.split(r"(?<=[.!?。！？])\s*|\n+", text)
    return [p for p in parts if sum(ch.isalpha() for ch in p) >= 2]
