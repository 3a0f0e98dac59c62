"""Loading and validating ``*.llmbench.yaml`` suites: the model built from good files, and the
exact file/line/scenario of every error in bad ones."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from pytest_llmbench.errors import SuiteError
from pytest_llmbench.scenario import RefCall, RefStep, ScorerRef, Suite, load_suite


def write(tmp_path: Path, text: str, name: str = "demo.llmbench.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Suite:
    return load_suite(write(tmp_path, text))


def load_error(tmp_path: Path, text: str) -> SuiteError:
    path = write(tmp_path, text)
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert info.value.path == path
    return info.value


WEATHER_TOOL = (
    "[{type: function, function: {name: get_weather, description: Current weather,"
    " parameters: {type: object, properties: {city: {type: string}}}}}]"
)


# --------------------------------------------------------------------------- valid suites


def test_single_turn_user_shorthand(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """
        suite: demo
        version: 2
        description: A demo
        license: MIT
        scenarios:
          - id: capital
            description: capital of France
            user: What is the capital of France?
            expect:
              - contains: Paris
              - max_words: 20
              - json_valid
        """,
    )
    assert suite.name == "demo"
    assert suite.version == "2"
    assert suite.description == "A demo"
    assert suite.license == "MIT"
    (s,) = suite.scenarios
    assert s.id == "capital"
    assert s.suite == "demo"
    assert s.line == 6
    assert s.description == "capital of France"
    assert len(s.turns) == 1
    assert s.turns[0].user == "What is the capital of France?"
    assert s.turns[0].expect == ()
    assert s.system is None
    assert s.max_tool_rounds == 5
    assert s.stop_on_failure is False
    assert [(r.name, r.args) for r in s.expect] == [
        ("contains", "Paris"),
        ("max_words", 20),
        ("json_valid", None),
    ]
    # a bare name is a plain string: it carries the line where its list starts
    assert [r.line for r in s.expect] == [10, 11, 10]
    assert s.expect[0].describe() == 'contains("Paris")'
    assert s.expect[2].describe() == "json_valid"
    assert not s.has_references


def test_multi_turn(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """
        suite: chat
        scenarios:
          - id: remember-name
            system: Be brief.
            stop_on_failure: true
            turns:
              - user: My name is Ada.
                expect: [not_contains: Bob]
              - user: What is my name?
                expect:
                  - contains: {text: Ada, case_sensitive: false}
            expect_each_turn: [max_words: 50]
            expect: [not_contains: error]
        """,
    )
    (s,) = suite.scenarios
    assert [t.user for t in s.turns] == ["My name is Ada.", "What is my name?"]
    assert [t.line for t in s.turns] == [7, 9]
    assert s.turns[0].expect == (ScorerRef("not_contains", "Bob", 8),)
    assert s.turns[1].expect == (
        ScorerRef("contains", {"text": "Ada", "case_sensitive": False}, 11),
    )
    assert s.system == "Be brief."
    assert s.stop_on_failure is True
    assert [r.name for r in s.expect_each_turn] == ["max_words"]
    assert [r.name for r in s.all_scorer_refs()] == [
        "not_contains",
        "max_words",
        "not_contains",
        "contains",
    ]


def test_tools_and_tool_results(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        f"""
        suite: tools
        scenarios:
          - id: weather
            user: Weather in Paris?
            max_tool_rounds: 2
            tools: {WEATHER_TOOL}
            tool_results:
              get_weather: [{{temp: 21}}, sunny]
            expect: [tool_called: get_weather]
        """,
    )
    (s,) = suite.scenarios
    assert [t["function"]["name"] for t in s.tools] == ["get_weather"]
    assert s.tools[0]["type"] == "function"
    assert s.tool_results == {"get_weather": [{"temp": 21}, "sunny"]}
    assert s.max_tool_rounds == 2


def test_max_tool_rounds_zero_is_kept(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        """
        suite: demo
        defaults:
          max_tool_rounds: 3
        scenarios:
          - id: zero
            user: hi
            max_tool_rounds: 0
            expect: [contains: x]
          - id: inherit
            user: hi
            expect: [contains: x]
        """,
    )
    assert [s.max_tool_rounds for s in suite.scenarios] == [0, 3]


def test_defaults_are_merged(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        f"""
        suite: merged
        metadata: {{owner: qa}}
        defaults:
          system: Default system.
          params: {{temperature: 0, max_tokens: 50}}
          tags: [base, shared]
          metadata: {{lang: en, level: 1}}
          expect: [contains: ok]
          stop_on_failure: true
          tools: {WEATHER_TOOL}
          tool_results: {{get_weather: sunny}}
        scenarios:
          - id: inherits
            user: hi
          - id: overrides
            user: hi
            system: Own system.
            params: {{max_tokens: 10, seed: 7}}
            tags: [shared, own]
            metadata: {{level: 2}}
            expect: [contains: own]
            stop_on_failure: false
          - id: no-system
            user: hi
            system: null
        """,
    )
    assert suite.metadata == {"owner": "qa"}
    inherits, overrides, no_system = suite.scenarios

    assert inherits.system == "Default system."
    assert inherits.params == {"temperature": 0, "max_tokens": 50}
    assert inherits.tags == ("base", "shared")
    assert inherits.metadata == {"lang": "en", "level": 1}
    assert [(r.name, r.args) for r in inherits.expect] == [("contains", "ok")]
    assert inherits.stop_on_failure is True
    assert [t["function"]["name"] for t in inherits.tools] == ["get_weather"]
    assert inherits.tool_results == {"get_weather": "sunny"}

    assert overrides.system == "Own system."
    # params and metadata merge key by key; tags are a union without duplicates, in order
    assert overrides.params == {"temperature": 0, "max_tokens": 10, "seed": 7}
    assert overrides.tags == ("base", "shared", "own")
    assert overrides.metadata == {"lang": "en", "level": 2}
    # expect replaces the default list
    assert [(r.name, r.args) for r in overrides.expect] == [("contains", "own")]
    assert overrides.stop_on_failure is False

    # an explicit null drops the default system prompt
    assert no_system.system is None


def test_single_turn_references_with_tool_call_steps(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        f"""
        suite: refs
        scenarios:
          - id: weather
            user: Weather in Paris?
            tools: {WEATHER_TOOL}
            tool_results: {{get_weather: sunny}}
            expect: [tool_called: get_weather]
            reference:
              pass:
                - - tool_calls: [{{name: get_weather, arguments: {{city: Paris}}}}]
                  - It is sunny in Paris.
                - Sunny.
                - content: Sunny, says the forecast.
              fail:
                - - tool_calls: [{{name: get_weather, arguments: '{{"city": "Rome"}}'}}]
                    content: let me check
                  - Rainy in Rome.
                - I don't know.
        """,
    )
    (s,) = suite.scenarios
    assert s.has_references
    assert s.reference_pass == (
        (
            (
                RefStep(None, (RefCall("get_weather", json.dumps({"city": "Paris"})),)),
                RefStep("It is sunny in Paris."),
            ),
        ),
        ((RefStep("Sunny."),),),
        ((RefStep("Sunny, says the forecast."),),),
    )
    # a string 'arguments' is kept verbatim as the JSON text the model would send
    assert s.reference_fail == (
        (
            (
                RefStep("let me check", (RefCall("get_weather", '{"city": "Rome"}'),)),
                RefStep("Rainy in Rome."),
            ),
        ),
        ((RefStep("I don't know."),),),
    )


def test_reference_fail_ending_in_text_after_calls(tmp_path: Path) -> None:
    """A mapping with both content and tool_calls is one step; a reply may not end with it."""
    err = load_error(
        tmp_path,
        f"""
        suite: refs
        scenarios:
          - id: weather
            user: Weather in Paris?
            tools: {WEATHER_TOOL}
            expect: [tool_called: get_weather]
            reference:
              fail:
                - tool_calls: [{{name: get_weather}}]
                  content: let me check
        """,
    )
    assert err.line == 9
    assert err.scenario == "weather"
    assert "reference.fail[0]" in err.message
    assert "last step" in err.message


def test_multi_turn_references(tmp_path: Path) -> None:
    suite = load(
        tmp_path,
        f"""
        suite: refs
        scenarios:
          - id: chat
            tools: {WEATHER_TOOL}
            turns:
              - user: Hi, I am Ada.
              - user: Weather in Paris?
            expect: [contains: sunny]
            reference:
              pass:
                - - Hello Ada.
                  - - tool_calls:
                        - {{name: get_weather, arguments: {{city: Paris}}}}
                        - {{name: get_weather, arguments: {{city: Lyon}}}}
                    - It is sunny in both.
              fail:
                - [Hello., Rainy.]
        """,
    )
    (s,) = suite.scenarios
    assert len(s.turns) == 2
    (conv,) = s.reference_pass
    assert conv == (
        (RefStep("Hello Ada."),),
        (
            RefStep(
                None,
                (
                    RefCall("get_weather", json.dumps({"city": "Paris"})),
                    RefCall("get_weather", json.dumps({"city": "Lyon"})),
                ),
            ),
            RefStep("It is sunny in both."),
        ),
    )
    assert s.reference_fail == (((RefStep("Hello."),), (RefStep("Rainy."),)),)


# --------------------------------------------------------------------------- errors

# (case, YAML, line, scenario, fragments the message must contain)
ERRORS: list[tuple[str, str, int, str | None, tuple[str, ...]]] = [
    (
        "yaml-syntax",
        """
        suite: demo
        scenarios:
          - id: a
            user: "unterminated
        """,
        5,  # the scanner notices at end of input
        None,
        ("invalid YAML", "quoted scalar"),
    ),
    (
        "yaml-bad-indent",
        """
        suite: demo
        scenarios:
          - id: a
            user: hi
           expect: [x]
        """,
        5,
        None,
        ("invalid YAML",),
    ),
    (
        "duplicate-key",
        """
        suite: demo
        scenarios:
          - id: a
            user: hi
            expect: [contains: x]
            user: again
        """,
        6,
        None,
        ("invalid YAML", "duplicate key 'user'"),
    ),
    (
        "top-level-list",
        """
        - suite: demo
        - scenarios: []
        """,
        1,
        None,
        ("must be a mapping",),
    ),
    (
        "top-level-scalar",
        """
        just some text
        """,
        1,
        None,
        ("must be a mapping",),
    ),
    (
        "missing-scenarios",
        """
        suite: demo
        """,
        1,
        None,
        ("'scenarios' is a required property",),
    ),
    (
        "unknown-scenario-key",
        """
        suite: demo
        scenarios:
          - id: good
            user: hi
            expect: [contains: x]
          - id: typo
            user: hi
            expct: [contains: x]
        """,
        8,  # the line of the unknown key itself
        "typo",
        ("scenarios/1", "unknown key 'expct' (did you mean 'expect'?)"),
    ),
    (
        "unknown-param",
        """
        suite: demo
        scenarios:
          - id: a
            user: hi
            expect: [contains: x]
            params:
              temprature: 0.5
        """,
        7,
        "a",
        ("params", "temprature"),
    ),
    (
        "param-out-of-range",
        """
        suite: demo
        scenarios:
          - id: a
            user: hi
            expect: [contains: x]
            params: {temperature: 3}
        """,
        6,
        "a",
        ("temperature", "3"),
    ),
    (
        "both-user-and-turns",
        """
        suite: demo
        scenarios:
          - id: a
            user: hi
            expect: [contains: x]
          - id: both
            user: hi
            turns: [{user: hi}]
            expect: [contains: x]
        """,
        6,
        "both",
        ("either 'user' or 'turns'",),
    ),
    (
        "neither-user-nor-turns",
        """
        suite: demo
        scenarios:
          - id: empty
            expect: [contains: x]
        """,
        3,
        "empty",
        ("no 'user'", "'turns'"),
    ),
    (
        "duplicate-id",
        """
        suite: demo
        scenarios:
          - id: same
            user: hi
            expect: [contains: x]
          - id: other
            user: hi
            expect: [contains: x]
          - id: same
            user: again
            expect: [contains: x]
        """,
        9,
        "same",
        ("duplicate scenario id", "first at line 3"),
    ),
    (
        "bad-id-pattern",
        """
        suite: demo
        scenarios:
          - id: ok
            user: hi
            expect: [contains: x]
          - id: not ok!
            user: hi
            expect: [contains: x]
        """,
        6,
        "not ok!",
        ("scenarios/1/id", "'not ok!'", "does not match"),
    ),
    (
        "multi-turn-reference-wrong-length",
        """
        suite: demo
        scenarios:
          - id: chat
            turns:
              - user: one
              - user: two
            expect: [contains: x]
            reference:
              pass:
                - [first, second]
                - [only one]
        """,
        11,
        "chat",
        ("reference.pass[1]", "list of 2 replies"),
    ),
    (
        "multi-turn-reference-not-a-list",
        """
        suite: demo
        scenarios:
          - id: chat
            turns:
              - user: one
              - user: two
            expect: [contains: x]
            reference:
              fail:
                - just text
        """,
        10,
        "chat",
        ("reference.fail[0]", "list of 2 replies"),
    ),
    (
        "reference-ends-in-tool-call",
        """
        suite: demo
        scenarios:
          - id: tooly
            user: hi
            tools:
              - {type: function, function: {name: lookup}}
            expect: [tool_called: lookup]
            reference:
              pass:
                - Fine.
                - - {tool_calls: [{name: lookup, arguments: {q: x}}]}
        """,
        11,
        "tooly",
        ("reference.pass[1]", "last step", "not tool calls"),
    ),
    (
        "tool-results-for-undeclared-tool",
        """
        suite: demo
        scenarios:
          - id: tooly
            user: hi
            tools:
              - {type: function, function: {name: lookup}}
            tool_results:
              lookup: found
              search: nothing
            expect: [tool_called: lookup]
        """,
        8,
        "tooly",
        ("undeclared tool 'search'",),
    ),
    (
        "no-scorer",
        """
        suite: demo
        scenarios:
          - id: ok
            user: hi
            expect: [contains: x]
          - id: unscored
            turns:
              - user: hi
              - user: there
        """,
        6,
        "unscored",
        ("no scorers",),
    ),
    (
        "scorer-with-two-keys",
        """
        suite: demo
        scenarios:
          - id: a
            user: hi
            expect:
              - contains: x
              - contains: y
                regex: z
        """,
        7,
        "a",
        ("expect/1", "too many properties"),
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "scenario", "fragments"),
    [pytest.param(*case[1:], id=case[0]) for case in ERRORS],
)
def test_errors_name_file_line_and_problem(
    tmp_path: Path, text: str, line: int, scenario: str | None, fragments: tuple[str, ...]
) -> None:
    err = load_error(tmp_path, text)
    assert (err.line, err.scenario) == (line, scenario), err.message
    for fragment in fragments:
        assert fragment in err.message
    where = f"{err.path}:{line}:"
    assert str(err).startswith(where)
    if scenario is not None:
        assert str(err) == f"{where} scenario {scenario!r}: {err.message}"
    else:
        assert str(err) == f"{where} {err.message}"


def test_empty_file(tmp_path: Path) -> None:
    err = load_error(tmp_path, "")
    assert err.line == 1
    assert err.scenario is None
    assert "must be a mapping" in err.message


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.llmbench.yaml"
    path.write_bytes(b"suite: \xff\xfe\n")
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert (info.value.line, info.value.column) == (1, 8)
    assert str(info.value).startswith(f"{path}:1:8: not UTF-8: byte 0xff")


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.llmbench.yaml"
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert str(info.value).startswith(f"{path}: cannot read file")


@pytest.mark.parametrize(
    ("line", "scenario", "expected"),
    [
        (12, "sc1", "dir/a.llmbench.yaml:12: scenario 'sc1': bad thing"),
        (12, None, "dir/a.llmbench.yaml:12: bad thing"),
        (0, None, "dir/a.llmbench.yaml: bad thing"),
        (0, "sc1", "dir/a.llmbench.yaml: scenario 'sc1': bad thing"),
    ],
)
def test_suite_error_str_format(line: int, scenario: str | None, expected: str) -> None:
    err = SuiteError(Path("dir/a.llmbench.yaml"), line, "bad thing", scenario)
    assert str(err) == expected
    assert err.args == (expected,)
    assert (err.line, err.scenario, err.message) == (line, scenario, "bad thing")
