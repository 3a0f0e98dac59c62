"""Table-driven tests of the generic scorers (text, structured, tools)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_llmbench.scorers import structured, text, tools
from pytest_llmbench.scorers.matching import quote, word_count
from pytest_llmbench.scoring.api import Level, Message, Score, ScorerContext, ToolCall
from pytest_llmbench.scoring.registry import BadScorerArguments, ScorerRegistry, UnknownScorer

REGISTRY = ScorerRegistry()

GENERIC_NAMES = {
    "contains",
    "not_contains",
    "regex",
    "exact",
    "equals_one_of",
    "max_words",
    "min_words",
    "max_chars",
    "min_chars",
    "starts_with",
    "ends_with",
    "json_valid",
    "json_schema",
    "tool_called",
    "no_tool_called",
}


def ctx_for(reply: str) -> ScorerContext:
    return ScorerContext(
        messages=[Message("user", "q", turn=0), Message("assistant", reply, turn=0)], turn=0
    )


def run(name: str, args: Any, reply: str) -> Score:
    """Build the scorer as YAML would (mapping = keywords, scalar = one value) and run it."""
    return REGISTRY.build(name, args)(ctx_for(reply))


PERSON_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer", "minimum": 0},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "age"],
}

# (scorer, YAML args, reply, passed)
CASES: list[tuple[str, Any, str, bool]] = [
    # contains
    ("contains", "Paris", "The capital is Paris.", True),
    ("contains", "paris", "The capital is Paris.", False),
    ("contains", {"text": "paris", "case_sensitive": False}, "The capital is PARIS.", True),
    ("contains", {"text": ["Paris", "France"]}, "Paris, France", True),
    ("contains", {"text": ["Paris", "France"]}, "Paris, Texas", False),
    ("contains", {"text": ["Paris", "France"], "all": False}, "Paris, Texas", True),
    ("contains", {"text": ["Lyon", "Nice"], "all": False}, "Paris, Texas", False),
    ("contains", "Paris", "", False),
    ("contains", "世界", "你好世界", True),
    ("contains", {"text": "STRASSE", "case_sensitive": False}, "Straße 1", True),
    # token-aware (issue #20): not inside a longer word
    ("contains", {"text": "STRASSE", "case_sensitive": False}, "Hauptstraße 1", False),
    # not_contains
    ("not_contains", "sorry", "Here you go.", True),
    ("not_contains", "sorry", "I'm sorry, I can't.", False),
    ("not_contains", "Sorry", "I'm sorry, I can't.", True),
    ("not_contains", {"text": "Sorry", "case_sensitive": False}, "I'm sorry", False),
    ("not_contains", {"text": ["as an AI", "sorry"]}, "Sure: 42", True),
    ("not_contains", {"text": ["as an AI", "sorry"]}, "As an AI... sorry", False),
    ("not_contains", "x", "", True),
    # regex
    ("regex", r"\d{3}-\d{4}", "call 555-1234 now", True),
    ("regex", r"\d{3}-\d{4}", "call me", False),
    ("regex", "^yes$", "YES", False),
    ("regex", {"pattern": "^yes$", "flags": "i"}, "YES", True),
    ("regex", {"pattern": "^b$", "flags": "m"}, "a\nb\nc", True),
    ("regex", {"pattern": "^b$"}, "a\nb\nc", False),
    ("regex", {"pattern": "a.c", "flags": "s"}, "a\nc", True),
    ("regex", {"pattern": "a.c"}, "a\nc", False),
    ("regex", {"pattern": r"\d+  # digits", "flags": "x"}, "n=42", True),
    ("regex", {"pattern": r"\d+", "match": "fullmatch"}, "42", True),
    ("regex", {"pattern": r"\d+", "match": "fullmatch"}, "42 apples", False),
    ("regex", {"pattern": "sorry", "negate": True}, "Here you go", True),
    ("regex", {"pattern": "sorry", "negate": True}, "sorry!", False),
    ("regex", "x", "", False),
    ("regex", {"pattern": "^$", "match": "fullmatch"}, "", True),
    # exact
    ("exact", "Paris", "Paris", True),
    ("exact", "Paris", "  Paris\n", True),
    ("exact", {"text": "Paris", "strip": False}, "  Paris\n", False),
    ("exact", "Paris", "paris", False),
    ("exact", {"text": "Paris", "case_sensitive": False}, "PARIS", True),
    ("exact", "Paris", "Paris.", False),
    ("exact", "Paris", "", False),
    ("exact", "", "   ", True),
    # equals_one_of
    ("equals_one_of", ["A", "B"], "a", True),
    ("equals_one_of", ["A", "B"], " B \n", True),
    ("equals_one_of", ["A", "B"], "C", False),
    ("equals_one_of", {"options": ["A", "B"], "case_sensitive": True}, "a", False),
    ("equals_one_of", {"options": ["A", "B"], "strip": False}, "A ", False),
    ("equals_one_of", ["A", "B"], "", False),
    # max_words / min_words
    ("max_words", 3, "one two three", True),
    ("max_words", 3, "one two three four", False),
    ("max_words", 4, "你好世界", True),
    ("max_words", 3, "你好世界", False),
    ("max_words", 0, "", True),
    ("max_words", 2, "Hello , world !", True),
    ("min_words", 4, "你好世界", True),
    ("min_words", 5, "你好世界", False),
    ("min_words", 3, "Hello, 世界!", True),
    ("min_words", 1, "", False),
    ("min_words", 0, "", True),
    # max_chars / min_chars
    ("max_chars", 5, "hello", True),
    ("max_chars", 5, "hello!", False),
    ("max_chars", 4, "你好世界", True),
    ("max_chars", 0, "", True),
    ("max_chars", 3, " a ", True),
    ("min_chars", 5, "hello", True),
    ("min_chars", 6, "hello", False),
    ("min_chars", 1, "", False),
    ("min_chars", 3, " a ", True),
    # starts_with / ends_with
    ("starts_with", "Yes", "Yes, of course.", True),
    ("starts_with", "Yes", "  Yes, of course.", True),
    ("starts_with", {"text": "Yes", "strip": False}, "  Yes", False),
    ("starts_with", "Yes", "yes, of course.", False),
    ("starts_with", {"text": "Yes", "case_sensitive": False}, "YES!", True),
    ("starts_with", "Yes", "No.", False),
    ("starts_with", "Yes", "", False),
    ("ends_with", "Done.", "All good. Done.\n", True),
    ("ends_with", {"text": "Done.", "strip": False}, "Done.\n", False),
    ("ends_with", "done.", "Done.", False),
    ("ends_with", {"text": "done.", "case_sensitive": False}, "DONE.", True),
    ("ends_with", "Done.", "", False),
    # json_valid
    ("json_valid", None, '{"a": 1}', True),
    ("json_valid", None, "  [1, 2, 3]\n", True),
    ("json_valid", None, "42", True),
    ("json_valid", None, '```json\n{"a": 1}\n```', True),
    ("json_valid", None, '\n```JSON\n{"a": 1}\n```\n', True),
    ("json_valid", None, '```\n{"a": 1}\n```', True),
    ("json_valid", {"allow_fence": False}, '```json\n{"a": 1}\n```', False),
    ("json_valid", None, 'Here it is: ```json\n{"a": 1}\n```', False),
    ("json_valid", None, '```json\n{"a": 1}\n```\n```json\n{"b": 2}\n```', False),
    ("json_valid", None, "{'a': 1}", False),
    ("json_valid", None, '{"a": 1', False),
    ("json_valid", None, "NaN", False),
    ("json_valid", None, '{"a": Infinity}', False),
    ("json_valid", None, "", False),
    ("json_valid", None, "[" * 100_000, False),
    # json_schema
    ("json_schema", {"schema": PERSON_SCHEMA}, '{"name": "Ann", "age": 3}', True),
    ("json_schema", {"schema": PERSON_SCHEMA}, '```json\n{"name": "Ann", "age": 3}\n```', True),
    ("json_schema", {"schema": PERSON_SCHEMA}, '{"name": "Ann"}', False),
    ("json_schema", {"schema": PERSON_SCHEMA}, '{"name": "Ann", "age": -1}', False),
    ("json_schema", {"schema": PERSON_SCHEMA}, '{"name": "Ann", "age": "3"}', False),
    ("json_schema", {"schema": PERSON_SCHEMA}, '{"name": "A", "age": 1, "tags": [1]}', False),
    ("json_schema", {"schema": PERSON_SCHEMA}, "[]", False),
    ("json_schema", {"schema": PERSON_SCHEMA}, "not json", False),
    ("json_schema", {"schema": PERSON_SCHEMA}, "", False),
    ("json_schema", {"schema": {}}, "null", True),
    (
        "json_schema",
        {"schema": PERSON_SCHEMA, "allow_fence": False},
        '```json\n{"name": "Ann", "age": 3}\n```',
        False,
    ),
]


@pytest.mark.parametrize(("name", "args", "reply", "passed"), CASES)
def test_scorer_cases(name: str, args: Any, reply: str, passed: bool) -> None:
    score = run(name, args, reply)
    assert score.passed is passed, score.reason
    assert score.name == name
    assert score.reason
    assert len(score.reason) < 400


def test_every_text_scorer_has_pass_and_fail_cases() -> None:
    covered = {(name, passed) for name, _, _, passed in CASES}
    for name in GENERIC_NAMES - {"tool_called", "no_tool_called"}:
        assert (name, True) in covered and (name, False) in covered, name


# --- reasons ----------------------------------------------------------------------------------


def test_reasons_say_what_was_expected_and_found() -> None:
    s = run("contains", {"text": ["Paris", "France"]}, "Paris, Texas")
    assert "France" in s.reason and "Paris, Texas" in s.reason
    assert s.value == 0.5
    s = run("exact", "Paris", "London")
    assert "'Paris'" in s.reason and "'London'" in s.reason
    s = run("max_words", 2, "one two three")
    assert "at most 2 words" in s.reason and "got 3" in s.reason and s.value == 3.0
    s = run("regex", {"pattern": r"\d+", "negate": True}, "abc 123")
    assert "'123'" in s.reason
    s = run("ends_with", "end", "x" * 500 + " tail")
    assert "tail" in s.reason


def test_schema_reason_has_json_path() -> None:
    s = run("json_schema", {"schema": PERSON_SCHEMA}, '{"name": "A", "age": 1, "tags": ["x", 2]}')
    assert not s.passed
    assert "$.tags[1]" in s.reason and "not of type 'string'" in s.reason


def test_reasons_quote_at_most_about_80_chars() -> None:
    huge = "word " * 200_000
    s = run("contains", "needle", huge)
    assert not s.passed and len(s.reason) < 200
    assert len(quote(huge)) <= 82


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("contains", "x"),
        ("not_contains", ["x", "y"]),
        ("regex", {"pattern": "(a|b)+$", "flags": "ims"}),
        ("exact", "x"),
        ("equals_one_of", ["x"]),
        ("max_words", 3),
        ("min_words", 3),
        ("max_chars", 3),
        ("min_chars", 3),
        ("starts_with", "x"),
        ("ends_with", "x"),
        ("json_valid", None),
        ("json_schema", {"schema": PERSON_SCHEMA}),
        ("tool_called", {"name": "f", "arguments": {"a": 1}, "count": 1}),
        ("no_tool_called", None),
    ],
)
@pytest.mark.parametrize(
    "reply",
    [
        "",
        " ",
        "\x00",
        "\ud800",
        "😀" * 50,
        "你好，世界！",
        "```json\n```",
        "[" * 50_000,
        "a" * 10**6,
    ],
)
def test_no_scorer_raises_on_any_reply(name: str, args: Any, reply: str) -> None:
    score = run(name, args, reply)
    assert isinstance(score.passed, bool) and score.reason and len(score.reason) < 400


# --- word counting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("s", "n"),
    [
        ("", 0),
        ("   ", 0),
        ("one", 1),
        ("one two\tthree\nfour", 4),
        ("Hello, world!", 2),
        ("don't stop", 2),
        ("a - b", 2),
        ("你好世界", 4),
        ("你好，世界。", 4),
        ("我爱Python编程", 5),
        ("hello 世界", 3),
        ("こんにちは", 5),
        ("안녕 하세요", 2),
        ("3.14 is pi", 3),
    ],
)
def test_word_count(s: str, n: int) -> None:
    assert word_count(s) == n


# --- factory argument errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "args", "kwargs", "exc", "match"),
    [
        (text.contains, (5,), {}, TypeError, "text"),
        (text.contains, ([],), {}, TypeError, "non-empty list"),
        (text.contains, (["a", 1],), {}, TypeError, "string"),
        (text.contains, ("",), {}, ValueError, "empty"),
        (text.contains, ("a",), {"case_sensitive": "no"}, TypeError, "case_sensitive"),
        (text.contains, ("a",), {"all": 1}, TypeError, "all"),
        (text.not_contains, (None,), {}, TypeError, "text"),
        (text.not_contains, ([""],), {}, ValueError, "empty"),
        (text.regex, ("(unclosed",), {}, ValueError, "invalid regex"),
        (text.regex, ("[z-a]",), {}, ValueError, "invalid regex"),
        (text.regex, ("a",), {"flags": "q"}, ValueError, "flag"),
        (text.regex, ("a",), {"match": "prefix"}, ValueError, "fullmatch"),
        (text.regex, (1,), {}, TypeError, "pattern"),
        (text.regex, ("a",), {"negate": "yes"}, TypeError, "negate"),
        (text.exact, (3,), {}, TypeError, "text"),
        (text.exact, ("a",), {"strip": None}, TypeError, "strip"),
        (text.equals_one_of, ("A",), {}, TypeError, "list"),
        (text.equals_one_of, ([],), {}, TypeError, "non-empty"),
        (text.equals_one_of, (["A", 2],), {}, TypeError, "string"),
        (text.max_words, (-1,), {}, ValueError, "non-negative"),
        (text.min_words, (True,), {}, TypeError, "integer"),
        (text.max_chars, (2.5,), {}, TypeError, "integer"),
        (text.min_chars, ("3",), {}, TypeError, "integer"),
        (text.min_chars, (-5,), {}, ValueError, "non-negative"),
        (text.starts_with, ("",), {}, ValueError, "empty"),
        (text.ends_with, (["a"],), {}, TypeError, "string"),
        (structured.json_valid, (), {"allow_fence": "yes"}, TypeError, "allow_fence"),
        (structured.json_schema, ({"type": "strnig"},), {}, ValueError, "invalid JSON schema"),
        (structured.json_schema, ({"minimum": "0"},), {}, ValueError, "invalid JSON schema"),
        (structured.json_schema, ("object",), {}, TypeError, "mapping"),
        (tools.tool_called, ("",), {}, ValueError, "empty"),
        (tools.tool_called, (None,), {}, TypeError, "name"),
        (tools.tool_called, ("f",), {"arguments": ["a"]}, TypeError, "arguments"),
        (tools.tool_called, ("f",), {"count": -1}, ValueError, "count"),
        (tools.tool_called, ("f",), {"count": True}, TypeError, "count"),
        (tools.tool_called, ("f",), {"arguments": {"a": 1}, "count": 0}, ValueError, "count"),
        (tools.no_tool_called, (3,), {}, TypeError, "name"),
    ],
)
def test_factory_argument_errors(
    factory: Any, args: tuple[Any, ...], kwargs: dict[str, Any], exc: type[Exception], match: str
) -> None:
    with pytest.raises(exc, match=match):
        factory(*args, **kwargs)


@pytest.mark.parametrize(
    ("name", "args", "match"),
    [
        ("regex", "(", "invalid regex"),
        ("json_schema", {"schema": {"type": 12}}, "invalid JSON schema"),
        ("max_words", -1, "non-negative"),
        ("contains", {"txt": "a"}, "bad arguments for scorer .contains."),
        ("json_schema", None, "missing"),
    ],
)
def test_registry_reports_bad_arguments(name: str, args: Any, match: str) -> None:
    with pytest.raises(BadScorerArguments, match=match):
        REGISTRY.build(name, args)


# --- tool calls -------------------------------------------------------------------------------


def call(name: str, args: Any, id: str = "c") -> ToolCall:
    return ToolCall(id, name, args if isinstance(args, str) else json.dumps(args))


def tool_ctx(*turns: list[ToolCall], level: Level = "turn", reply: str = "done") -> ScorerContext:
    """One user turn per item; each turn's calls go in one assistant message, then a reply."""
    msgs: list[Message] = []
    for i, calls in enumerate(turns):
        msgs.append(Message("user", f"q{i}", turn=i))
        if calls:
            msgs.append(Message("assistant", None, tool_calls=tuple(calls), turn=i))
            msgs += [Message("tool", "ok", tool_call_id=c.id, name=c.name, turn=i) for c in calls]
        msgs.append(Message("assistant", reply, turn=i))
    return ScorerContext(messages=msgs, turn=len(turns) - 1, level=level)


WEATHER = call("get_weather", {"city": "Paris", "units": "C", "days": 3, "exact": True})
SEARCH = call("search", {"q": "news"})

TOOL_CASES: list[tuple[str, Any, ScorerContext, bool]] = [
    # tool_called: name only
    ("tool_called", "get_weather", tool_ctx([WEATHER]), True),
    ("tool_called", "get_weather", tool_ctx([SEARCH]), False),
    ("tool_called", "get_weather", tool_ctx([]), False),
    ("tool_called", "get_weather", tool_ctx([SEARCH, WEATHER]), True),
    # arguments: every listed key must equal
    (
        "tool_called",
        {"name": "get_weather", "arguments": {"city": "Paris"}},
        tool_ctx([WEATHER]),
        True,
    ),
    (
        "tool_called",
        {"name": "get_weather", "arguments": {"city": "Paris", "units": "C", "days": 3.0}},
        tool_ctx([WEATHER]),
        True,
    ),
    (
        "tool_called",
        {"name": "get_weather", "arguments": {"city": "Rome"}},
        tool_ctx([WEATHER]),
        False,
    ),
    ("tool_called", {"name": "get_weather", "arguments": {"zip": "1"}}, tool_ctx([WEATHER]), False),
    ("tool_called", {"name": "get_weather", "arguments": {"exact": 1}}, tool_ctx([WEATHER]), False),
    (
        "tool_called",
        {"name": "get_weather", "arguments": {"days": True}},
        tool_ctx([WEATHER]),
        False,
    ),
    (
        "tool_called",
        {"name": "get_weather", "arguments": {"city": "Paris"}},
        tool_ctx([call("get_weather", "{not json")]),
        False,
    ),
    (
        "tool_called",
        {"name": "get_weather", "arguments": {"city": "Paris"}},
        tool_ctx([call("get_weather", {"city": "Rome"}), call("get_weather", {"city": "Paris"})]),
        True,
    ),
    ("tool_called", {"name": "get_weather", "arguments": {}}, tool_ctx([WEATHER]), True),
    # count
    ("tool_called", {"name": "get_weather", "count": 1}, tool_ctx([WEATHER]), True),
    ("tool_called", {"name": "get_weather", "count": 1}, tool_ctx([WEATHER, WEATHER]), False),
    ("tool_called", {"name": "get_weather", "count": 2}, tool_ctx([WEATHER, SEARCH]), False),
    ("tool_called", {"name": "get_weather", "count": 0}, tool_ctx([SEARCH]), True),
    ("tool_called", {"name": "get_weather", "count": 0}, tool_ctx([WEATHER]), False),
    (
        "tool_called",
        {"name": "get_weather", "arguments": {"city": "Rome"}, "count": 1},
        tool_ctx([WEATHER]),
        False,
    ),
    # turn level sees only the judged turn; conversation level sees every turn
    ("tool_called", "get_weather", tool_ctx([WEATHER], []), False),
    ("tool_called", "get_weather", tool_ctx([WEATHER], [], level="conversation"), True),
    ("tool_called", {"name": "get_weather", "count": 1}, tool_ctx([WEATHER], [WEATHER]), True),
    (
        "tool_called",
        {"name": "get_weather", "count": 1},
        tool_ctx([WEATHER], [WEATHER], level="conversation"),
        False,
    ),
    (
        "tool_called",
        {"name": "get_weather", "count": 2},
        tool_ctx([WEATHER], [WEATHER], level="conversation"),
        True,
    ),
    # no_tool_called
    ("no_tool_called", None, tool_ctx([]), True),
    ("no_tool_called", None, tool_ctx([SEARCH]), False),
    ("no_tool_called", "get_weather", tool_ctx([SEARCH]), True),
    ("no_tool_called", "get_weather", tool_ctx([SEARCH, WEATHER]), False),
    ("no_tool_called", None, tool_ctx([SEARCH], []), True),
    ("no_tool_called", None, tool_ctx([SEARCH], [], level="conversation"), False),
    ("no_tool_called", "search", tool_ctx([SEARCH], [WEATHER], level="conversation"), False),
    ("no_tool_called", None, ctx_for("plain text reply"), True),
]


@pytest.mark.parametrize(("name", "args", "ctx", "passed"), TOOL_CASES)
def test_tool_cases(name: str, args: Any, ctx: ScorerContext, passed: bool) -> None:
    score = REGISTRY.build(name, args)(ctx)
    assert score.passed is passed, score.reason
    assert score.name == name and score.reason


def test_tool_reasons() -> None:
    s = REGISTRY.build("tool_called", {"name": "get_weather", "arguments": {"city": "Rome"}})(
        tool_ctx([WEATHER])
    )
    assert "city='Paris'" in s.reason and "'Rome'" in s.reason
    s = REGISTRY.build("tool_called", {"name": "get_weather", "count": 1})(
        tool_ctx([WEATHER, WEATHER])
    )
    assert "expected 1" in s.reason and "got 2" in s.reason and s.value == 2.0
    s = REGISTRY.build("no_tool_called", None)(tool_ctx([SEARCH]))
    assert "search(" in s.reason


# --- registry ---------------------------------------------------------------------------------


def test_registry_finds_every_generic_scorer() -> None:
    registry = ScorerRegistry()
    assert set(registry.names()) >= GENERIC_NAMES
    for name in GENERIC_NAMES:
        assert registry.get(name).scorer_name == name


def test_registry_suggests_close_name() -> None:
    with pytest.raises(UnknownScorer, match="did you mean 'contains'"):
        ScorerRegistry().get("contans")


def test_scorer_modules_do_not_import_jsonschema_eagerly() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pytest_llmbench.scoring.api\n"
        "before = 'jsonschema' in sys.modules\n"
        "import pytest_llmbench.scorers.structured, pytest_llmbench.scorers.text\n"
        "import pytest_llmbench.scorers.tools\n"
        "print(before, 'jsonschema' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = out.stdout.split()
    if before == "True":
        pytest.skip("jsonschema is already imported by pytest_llmbench itself")
    assert after == "False"


def test_long_needle_lists_keep_reasons_short() -> None:
    needles = [f"needle number {i} " * 5 for i in range(50)]
    s = run("contains", {"text": needles}, "haystack")
    assert not s.passed and "and 45 more" in s.reason and len(s.reason) < 400
