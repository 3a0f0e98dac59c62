"""The suite model: frozen dataclasses built from a validated ``*.llmbench.yaml`` file."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_llmbench.errors import SuiteError, suite_errors
from pytest_llmbench.provenance import Provenance
from pytest_llmbench.scoring.api import Message
from pytest_llmbench.yamlload import LineDict, line_of, load_yaml


@dataclass(frozen=True, slots=True)
class ScorerRef:
    """``{name: args}`` as written in YAML; ``args`` is a mapping (keywords) or a scalar/list."""

    name: str
    args: Any
    line: int

    def plain_args(self) -> Any:
        """``args`` as plain JSON data (YAML mappings keep their line numbers in a dict
        subclass, which neither xdist's channel nor a results reader should see)."""
        return _plain(self.args)

    def describe(self) -> str:
        if self.args is None:
            return self.name
        return f"{self.name}({json.dumps(self.args, ensure_ascii=False, sort_keys=True)})"


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Turn:
    user: str
    expect: tuple[ScorerRef, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class RefCall:
    name: str
    arguments: str  # JSON text, as a model would send it


@dataclass(frozen=True, slots=True)
class RefStep:
    content: str | None
    tool_calls: tuple[RefCall, ...] = ()


# A reference conversation: one tuple of steps per user turn.
RefConversation = tuple[tuple[RefStep, ...], ...]


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    suite: str
    path: Path
    line: int
    turns: tuple[Turn, ...]
    system: str | None = None
    # Prefilled messages before the first user turn (an earlier conversation the model must
    # continue); scorers see them, the model does not write them.
    history: tuple[Message, ...] = ()
    description: str = ""
    tags: tuple[str, ...] = ()
    expect: tuple[ScorerRef, ...] = ()
    expect_each_turn: tuple[ScorerRef, ...] = ()
    tools: tuple[Mapping[str, Any], ...] = ()
    tool_results: Mapping[str, Any] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    stop_on_failure: bool = False
    max_tool_rounds: int = 5
    metadata: Mapping[str, Any] = field(default_factory=dict)
    reference_pass: tuple[RefConversation, ...] = ()
    reference_fail: tuple[RefConversation, ...] = ()
    # The suite's (one object shared by its scenarios); None for suites that declare none.
    provenance: Provenance | None = None

    @property
    def has_references(self) -> bool:
        return bool(self.reference_pass or self.reference_fail)

    def all_scorer_refs(self) -> list[ScorerRef]:
        refs = [*self.expect, *self.expect_each_turn]
        for t in self.turns:
            refs.extend(t.expect)
        return refs


@dataclass(frozen=True, slots=True)
class Suite:
    name: str
    path: Path
    scenarios: tuple[Scenario, ...]
    version: str = ""
    description: str = ""
    source: str = ""
    citation: str = ""
    license: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    provenance: Provenance | None = None


def load_suite(path: Path, text: str | None = None) -> Suite:
    """Load and validate one suite file; every problem is a ``SuiteError`` with file and line
    (``SuiteErrors`` when there are several: all of them are reported at once)."""
    suite, errors = read_suite(path, text)
    if errors:
        raise suite_errors(errors)
    return suite


def read_suite(path: Path, text: str | None = None) -> tuple[Suite, list[SuiteError]]:
    """The suite's valid scenarios and the problems of the others.

    A problem no scenario can be built without (YAML syntax, the header, ``defaults``) is
    raised at once; a problem of one scenario is listed and that scenario left out, so the
    caller can check the rest too (scorer names and arguments) and report everything.
    """
    data = load_yaml(path, text)
    if not isinstance(data, LineDict):
        raise SuiteError(
            path, line_of(data, 1), "a suite file must be a mapping with 'suite' and 'scenarios'"
        )
    errors: list[SuiteError] = []
    bad: frozenset[int] = frozenset()
    if not _valid(data):
        from pytest_llmbench.schema.explain import violations

        if text is None:
            text = path.read_text(encoding="utf-8")  # read once already: only the lines are new
        found = violations(path, data, text)
        if found.whole_file or not found.errors:
            raise suite_errors(found.errors or [SuiteError(path, 1, "invalid suite")])
        errors.extend(found.errors)
        bad = found.bad_scenarios
    defaults: Mapping[str, Any] = data.get("defaults") or {}
    name = str(data["suite"])
    raw_provenance = data.get("provenance")
    provenance = Provenance.from_json(raw_provenance) if raw_provenance else None
    scenarios: list[Scenario] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(data["scenarios"]):
        if index in bad:
            continue
        sid = raw["id"]
        line = line_of(raw)
        if sid in seen:
            errors.append(
                SuiteError(path, line, f"duplicate scenario id (first at line {seen[sid]})", sid)
            )
            continue
        seen[sid] = line
        try:
            scenarios.append(_scenario(path, name, raw, defaults, provenance))
        except SuiteError as exc:
            errors.append(exc)
    suite = Suite(
        name=name,
        path=path,
        scenarios=tuple(scenarios),
        version=str(data.get("version", "")),
        description=data.get("description", ""),
        source=data.get("source", ""),
        citation=data.get("citation", ""),
        license=data.get("license", ""),
        metadata=data.get("metadata") or {},
        provenance=provenance,
    )
    return suite, errors


def _valid(data: LineDict) -> bool:
    from pytest_llmbench.schema import fast_check
    from pytest_llmbench.schema.fastcheck import Unsure

    try:
        if fast_check("suite")(data):
            return True
    except Unsure:
        pass
    # Invalid, or beyond the fast check: jsonschema decides (and words every error).
    from pytest_llmbench.schema import validator

    return bool(validator("suite").is_valid(data))


def _scorers(path: Path, raw: Any, sid: str) -> tuple[ScorerRef, ...]:
    if not raw:
        return ()
    out = []
    # Interned: the same few names and arguments repeat across thousands of scenarios.
    for item in raw:
        if isinstance(item, str):
            out.append(ScorerRef(sys.intern(item), None, line_of(raw)))
        else:
            ((name, args),) = item.items()
            if type(args) is str:
                args = sys.intern(args)
            out.append(ScorerRef(sys.intern(name), args, line_of(item, line_of(raw))))
    return tuple(out)


def _int_or(value: Any, default: int) -> int:
    return default if value is None else int(value)


def _scenario(
    path: Path,
    suite: str,
    raw: LineDict,
    defaults: Mapping[str, Any],
    provenance: Provenance | None = None,
) -> Scenario:
    sid: str = raw["id"]
    line = raw.line
    # A scenario's own key wins over the file's defaults, even when its value is null.
    merged: Mapping[str, Any] = {**defaults, **raw} if defaults else raw
    if "user" in raw:
        turns: tuple[Turn, ...] = (Turn(raw["user"], (), line),)
    else:
        turns = tuple(
            Turn(t["user"], _scorers(path, t.get("expect"), sid), line_of(t, line))
            for t in raw["turns"]
        )
    if defaults:
        params = {**(defaults.get("params") or {}), **(raw.get("params") or {})}
        tags = tuple(dict.fromkeys([*(defaults.get("tags") or ()), *(raw.get("tags") or ())]))
        metadata = {**(defaults.get("metadata") or {}), **(raw.get("metadata") or {})}
    else:
        params = {**(raw.get("params") or {})}
        tags = tuple(dict.fromkeys(raw.get("tags") or ()))
        metadata = {**(raw.get("metadata") or {})}
    tools = tuple(merged.get("tools") or ())
    tool_results = merged.get("tool_results") or {}
    history = raw.get("history") or []
    if history and history[-1]["role"] != "assistant":
        raise SuiteError(
            path,
            line_of(history[-1], line),
            "history must end with an assistant message (the first turn adds the next user one)",
            sid,
        )
    if tool_results:
        tool_names = {t["function"]["name"] for t in tools}
        for name in tool_results:
            if name not in tool_names:
                raise SuiteError(
                    path,
                    line_of(tool_results, line),
                    f"tool_results names undeclared tool {name!r}",
                    sid,
                )
    has_refs = "reference" in raw
    scenario = Scenario(
        id=sid,
        suite=suite,
        path=path,
        line=line,
        turns=turns,
        system=merged.get("system"),
        history=tuple(Message(h["role"], h["content"]) for h in history),
        description=raw.get("description", ""),
        tags=tags,
        expect=_scorers(path, merged.get("expect"), sid),
        expect_each_turn=_scorers(path, merged.get("expect_each_turn"), sid),
        tools=tools,
        tool_results=tool_results,
        params=params,
        stop_on_failure=bool(merged.get("stop_on_failure") or False),
        max_tool_rounds=_int_or(merged.get("max_tool_rounds"), 5),  # 0 is valid
        metadata=metadata,
        reference_pass=_references(path, raw, "pass", len(turns)) if has_refs else (),
        reference_fail=_references(path, raw, "fail", len(turns)) if has_refs else (),
        provenance=provenance,
    )
    if not (scenario.expect or scenario.expect_each_turn or any(t.expect for t in turns)):
        raise SuiteError(
            path, line, "no scorers: add 'expect', 'expect_each_turn' or a turn 'expect'", sid
        )
    return scenario


def _references(path: Path, raw: LineDict, kind: str, n_turns: int) -> tuple[RefConversation, ...]:
    ref = raw.get("reference") or {}
    items = ref.get(kind) or []
    sid = raw["id"]
    out = []
    for i, conv in enumerate(items):
        where = line_of(conv, line_of(items, line_of(raw)))
        if n_turns == 1:
            turns_raw = [conv]
        else:
            if not isinstance(conv, list) or len(conv) != n_turns:
                raise SuiteError(
                    path,
                    where,
                    f"reference.{kind}[{i}] must be a list of {n_turns} replies, one per user turn",
                    sid,
                )
            turns_raw = list(conv)
        out.append(
            tuple(_turn_reply(path, where, sid, f"reference.{kind}[{i}]", t) for t in turns_raw)
        )
    return tuple(out)


def _turn_reply(path: Path, line: int, sid: str, where: str, raw: Any) -> tuple[RefStep, ...]:
    steps = raw if isinstance(raw, list) else [raw]
    if not steps:
        raise SuiteError(path, line, f"{where}: empty reply", sid)
    out = []
    for step in steps:
        if isinstance(step, str):
            out.append(RefStep(step))
        elif isinstance(step, dict) and set(step) <= {"content", "tool_calls"} and step:
            calls = []
            for c in step.get("tool_calls") or ():
                if not isinstance(c, dict) or "name" not in c:
                    raise SuiteError(
                        path, line_of(c, line), f"{where}: a tool call needs a 'name'", sid
                    )
                args = c.get("arguments", {})
                calls.append(
                    RefCall(c["name"], args if isinstance(args, str) else json.dumps(args))
                )
            content = step.get("content")
            if content is not None and not isinstance(content, str):
                raise SuiteError(path, line_of(step, line), f"{where}: 'content' must be text", sid)
            out.append(RefStep(content, tuple(calls)))
        else:
            hint = ""
            if isinstance(step, (bool, int, float)) or step is None:
                # YAML reads unquoted no/yes/on/off/null/1.0 as non-text values.
                hint = f" (got {step!r}: quote it to make it text)"
            raise SuiteError(
                path,
                line_of(step, line),
                f"{where}: a reply is text or a mapping with 'content'/'tool_calls'{hint}",
                sid,
            )
    if out[-1].tool_calls:
        # The loop feeds tool results back and asks again, so a reply ending in calls would
        # leave the reference model with nothing to say.
        raise SuiteError(
            path, line, f"{where}: the last step of a reply must be text, not tool calls", sid
        )
    return tuple(out)
