"""The ``type=`` parsers of the ``--llm-*`` options: good values parse, bad ones give an
``ArgumentTypeError`` quoting the bad value (pytest turns that into one clear usage line)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import pytest

from pytest_llmbench import options
from pytest_llmbench.scoring.api import SCORING_MODES

Parser = Callable[[str], Any]

GOOD: list[tuple[str, Parser, str, Any]] = [
    ("positive_int", options._positive_int, "1", 1),
    ("positive_int", options._positive_int, "32", 32),
    ("positive_int", options._positive_int, " 8 ", 8),
    ("non_negative_int", options._non_negative_int, "0", 0),
    ("non_negative_int", options._non_negative_int, "4", 4),
    ("positive_float", options._positive_float, "0.5", 0.5),
    ("positive_float", options._positive_float, "120", 120.0),
    ("temperature", options._temperature, "0", 0.0),
    ("temperature", options._temperature, "0.7", 0.7),
    ("temperature", options._temperature, "2", 2.0),
    ("int", options._int, "-3", -3),
    ("int", options._int, "42", 42),
    ("model", options._model, "openai/gpt-4o-mini", "openai/gpt-4o-mini"),
    ("model", options._model, "hosted_vllm/Qwen/Qwen2.5-7B", "hosted_vllm/Qwen/Qwen2.5-7B"),
    ("model", options._model, "  llmbench/reference ", "llmbench/reference"),
    ("api_base", options._api_base, "http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"),
    ("api_base", options._api_base, "https://api.example.com/v1/", "https://api.example.com/v1"),
    *[("cache", options._choice(options.CACHE_MODES), m, m) for m in options.CACHE_MODES],
    *[("scoring", options._choice(SCORING_MODES), m, m) for m in SCORING_MODES],
]


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [pytest.param(p, t, e, id=f"{name}-{t.strip()}") for name, p, t, e in GOOD],
)
def test_good_values(parse: Parser, text: str, expected: Any) -> None:
    value = parse(text)
    assert value == expected
    assert type(value) is type(expected)


BAD: list[tuple[str, Parser, str, str]] = [
    ("concurrency-zero", options._positive_int, "0", "positive integer"),
    ("concurrency-negative", options._positive_int, "-4", "positive integer"),
    ("concurrency-text", options._positive_int, "lots", "positive integer"),
    ("concurrency-float", options._positive_int, "2.5", "positive integer"),
    ("concurrency-empty", options._positive_int, "", "positive integer"),
    ("retries-negative", options._non_negative_int, "-1", ">= 0"),
    ("retries-text", options._non_negative_int, "few", ">= 0"),
    ("timeout-zero", options._positive_float, "0", "positive number"),
    ("timeout-negative", options._positive_float, "-1.5", "positive number"),
    ("timeout-text", options._positive_float, "soon", "positive number"),
    ("timeout-nan", options._positive_float, "nan", "positive number"),
    ("temperature-high", options._temperature, "2.5", "[0, 2]"),
    ("temperature-negative", options._temperature, "-0.1", "[0, 2]"),
    ("temperature-text", options._temperature, "hot", "[0, 2]"),
    ("temperature-nan", options._temperature, "nan", "[0, 2]"),
    ("seed-text", options._int, "abc", "integer"),
    ("model-no-provider", options._model, "gpt-4o", "provider/name"),
    ("model-empty-provider", options._model, "/gpt-4o", "provider/name"),
    ("model-empty-name", options._model, "openai/", "provider/name"),
    ("model-blank", options._model, "   ", "provider/name"),
    ("api-base-no-scheme", options._api_base, "localhost:8000/v1", "http(s) URL"),
    ("api-base-ftp", options._api_base, "ftp://example.com", "http(s) URL"),
    ("cache-typo", options._choice(options.CACHE_MODES), "readwirte", "readwrite"),
    ("cache-case", options._choice(options.CACHE_MODES), "OFF", "replay"),
    ("scoring-typo", options._choice(SCORING_MODES), "offical", "official"),
]


@pytest.mark.parametrize(
    ("parse", "text", "fragment"),
    [pytest.param(p, t, f, id=name) for name, p, t, f in BAD],
)
def test_bad_values_name_the_value(parse: Parser, text: str, fragment: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as info:
        parse(text)
    message = str(info.value)
    assert repr(text.strip() if parse is options._model else text) in message
    assert fragment in message


def test_parsers_work_inside_argparse() -> None:
    parser = argparse.ArgumentParser(prog="pytest", exit_on_error=False)
    parser.add_argument("--llm-concurrency", type=options._positive_int)
    parser.add_argument("--llm-cache", type=options._choice(options.CACHE_MODES))
    ns = parser.parse_args(["--llm-concurrency", "4", "--llm-cache", "replay"])
    assert (ns.llm_concurrency, ns.llm_cache) == (4, "replay")
    with pytest.raises(argparse.ArgumentError, match="'0'"):
        parser.parse_args(["--llm-concurrency", "0"])
