"""The public scorer API.

A scorer is a *factory* registered under a name: YAML arguments go to the factory once, at
collection (so bad arguments are collection errors naming the file and line), and the factory
returns a small synchronous function ``(ScorerContext) -> Score``.  Following inspect_ai, each
``Score`` records the scorer's name (set by the decorator) and its arguments (set by the
conversation runner from the suite), so results show exactly what ran.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

ScoringMode = Literal["official", "strict"]
Level = Literal["turn", "conversation"]

SCORING_MODES: tuple[ScoringMode, ...] = ("official", "strict")


@dataclass(frozen=True)
class ToolCall:
    """One function call the model made; ``arguments`` is the raw JSON text the model sent."""

    id: str
    name: str
    arguments: str

    def parsed_arguments(self) -> Any:
        """The arguments as JSON, or ``None`` when the model sent invalid JSON."""
        import json

        try:
            return json.loads(self.arguments or "{}")
        except ValueError:
            return None


@dataclass(frozen=True)
class Message:
    """One chat message of a transcript (OpenAI roles)."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str | None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None
    turn: int | None = None  # index of the user turn this message belongs to

    def to_openai(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.tool_calls:
            out["tool_calls"] = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments},
                }
                for c in self.tool_calls
            ]
        if self.tool_call_id is not None:
            out["tool_call_id"] = self.tool_call_id
        if self.name is not None and self.role == "tool":
            out["name"] = self.name
        return out


@dataclass(frozen=True)
class Score:
    """One scorer's verdict: passed or not, an optional number, and a reason a human can read.

    ``name`` and ``args`` say which scorer judged, with which arguments: the decorator sets the
    name, the conversation runner the arguments as written in the suite (``None``: none), so
    results show exactly what ran. A scorer sets neither.
    """

    passed: bool
    reason: str = ""
    value: float | None = None
    name: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    args: Any = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "passed": self.passed,
            "value": self.value,
            "reason": self.reason,
        }
        if self.args is not None:
            out["args"] = self.args
        if self.metadata:
            out["metadata"] = dict(self.metadata)
        return out


@dataclass(frozen=True)
class JudgeReply:
    """A judge answer with the reason it ended: ``"stop"`` when complete; ``"length"`` (cut at
    the token limit) or another reason means the text is not a whole answer."""

    text: str
    finish_reason: str | None = None


class Judge(Protocol):
    """The run's judge model (``--llm-judge-model``), for scorers no program can decide.

    Each ask is an ordinary engine call, so the response cache, concurrency limits and network
    retries apply. ``attempt`` is part of the cache key: a scorer that re-asks after an unusable
    answer passes a new ``attempt`` so it gets a fresh answer, and a rerun replays the same ones.
    ``reply`` also gives the answer's ``finish_reason``, so a truncated answer is re-asked
    rather than parsed; calling the judge gives the text alone.
    """

    @property
    def model(self) -> str: ...

    async def __call__(
        self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0, attempt: int = 0
    ) -> str: ...

    async def reply(
        self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0, attempt: int = 0
    ) -> JudgeReply: ...


@dataclass(frozen=True)
class ScorerContext:
    """What a scorer sees.

    ``messages`` is the conversation up to and including the reply being judged (the whole
    conversation for conversation-level scorers); ``turn`` is the index of the user turn judged
    (the last one for conversation-level scorers). ``judge`` is the judge model when the run has
    one; only an ``async`` scorer can ask it. ``judge_for(model)`` is a judge for another
    model, asked the same way (a scorer naming its own judge model); ``None`` outside a run.
    """

    messages: Sequence[Message]
    turn: int
    level: Level = "turn"
    mode: ScoringMode = "official"
    scenario_id: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    tools: Sequence[Mapping[str, Any]] = ()
    judge: Judge | None = None
    judge_for: Callable[[str], Judge] | None = None
    # The run's time limit of one scorer call (--llm-scorer-timeout): a scorer whose own work
    # can be bounded (a regex match timeout) uses it; the runner enforces it regardless.
    time_limit: float | None = None

    @functools.cached_property
    def reply(self) -> str:
        """The text of the final assistant message of the judged turn ('' if it had none)."""
        for m in reversed(self.messages):
            if m.role == "assistant":
                return m.content or ""
            if m.role == "user":
                break
        return ""

    @property
    def replies(self) -> list[str]:
        """Every assistant text in order (tool-call-only messages give '')."""
        return [m.content or "" for m in self.messages if m.role == "assistant"]

    @property
    def turn_messages(self) -> list[Message]:
        """The messages after the judged turn's user message (assistant and tool messages)."""
        out: list[Message] = []
        for m in reversed(self.messages):
            if m.role == "user":
                break
            out.append(m)
        return out[::-1]

    def tool_calls(self, whole_conversation: bool | None = None) -> list[ToolCall]:
        """Tool calls of the judged turn, or of the whole conversation for conversation scorers."""
        whole = self.level == "conversation" if whole_conversation is None else whole_conversation
        source = self.messages if whole else self.turn_messages
        return [c for m in source if m.role == "assistant" for c in m.tool_calls]

    @property
    def last_user(self) -> str:
        for m in reversed(self.messages):
            if m.role == "user":
                return m.content or ""
        return ""


ScoreFn = Callable[[ScorerContext], Score]
# A scorer that asks the judge returns an awaitable; the conversation runner awaits it.
AsyncScoreFn = Callable[[ScorerContext], Awaitable[Score]]


FnT = TypeVar("FnT", bound=Callable[["ScorerContext"], Any])


@dataclass(frozen=True)
class JudgeNeed:
    """A built scorer's declaration that it needs the run's judge model (``--llm-judge-model``).

    Collection checks it against the settings, so a run without a judge is refused before any
    model call rather than failing dialogue by dialogue. ``what`` names what needs the judge
    (for the message); ``without_judge`` is the scorer's variant for ``--llm-no-judge`` runs,
    which scores only what a program can decide (None: the scorer cannot run without one).
    ``model`` is the scorer's own judge model (the ``judge`` scorer's ``model:``), asked through
    ``ScorerContext.judge_for`` instead of the run's judge; ``None``: the run's judge.
    """

    what: str
    without_judge: Callable[[ScorerContext], Any] | None = None
    model: str | None = None


_JUDGE_NEED = "llmbench_judge_need"
_BOUNDED = "llmbench_bounded"


def bounded(fn: FnT) -> FnT:
    """Mark a scorer function whose time is linear in what it reads (substring tests, counts,
    comparisons: no backtracking pattern, no I/O, no user code). It runs inline on the engine
    loop instead of in a worker thread under the time limit (``scorer_limit.py``): a hop per
    call costs more than such a scorer itself."""
    setattr(fn, _BOUNDED, True)
    return fn


def is_bounded(fn: object) -> bool:
    return getattr(fn, _BOUNDED, False) is True


def requires_judge(
    fn: FnT,
    what: str,
    without_judge: Callable[[ScorerContext], Any] | None = None,
    model: str | None = None,
) -> FnT:
    """Mark the function a scorer factory returns as needing the judge (see ``JudgeNeed``)."""
    setattr(fn, _JUDGE_NEED, JudgeNeed(what, without_judge, model))
    return fn


def judge_need(fn: object) -> JudgeNeed | None:
    need = getattr(fn, _JUDGE_NEED, None)
    return need if isinstance(need, JudgeNeed) else None


class ScorerFactory(Protocol):
    """What ``@scorer`` returns: called with the YAML arguments, returns a ``ScoreFn``."""

    scorer_name: str

    def __call__(self, *args: Any, **kwargs: Any) -> ScoreFn: ...


F = TypeVar("F", bound=Callable[..., ScoreFn | AsyncScoreFn])


def scorer(name: str) -> Callable[[F], F]:
    """Register-able scorer factory.

    The decorated factory gets ``scorer_name``; the returned function is wrapped so each
    ``Score`` it gives carries the scorer's name (plus nothing else: scorers stay pure).
    Registration happens in the registry, not here, so importing a module has no side effects.
    """

    def named(s: object) -> Score:
        if not isinstance(s, Score):
            raise TypeError(f"scorer {name!r} returned {type(s).__name__}, not Score")
        if s.name:
            return s
        return Score(s.passed, s.reason, s.value, name, s.metadata)

    async def named_later(pending: Awaitable[Score]) -> Score:
        return named(await pending)

    def wrap(fn: Callable[[ScorerContext], Any]) -> Callable[[ScorerContext], Any]:
        def run(ctx: ScorerContext) -> Score | Awaitable[Score]:
            s = fn(ctx)
            return named_later(s) if inspect.isawaitable(s) else named(s)

        run.__name__ = name
        if is_bounded(fn):
            bounded(run)
        need = judge_need(fn)
        if need is not None:  # the declaration survives the wrapping, its variant is named too
            variant = wrap(need.without_judge) if need.without_judge is not None else None
            requires_judge(run, need.what, variant, need.model)
        return run

    def decorate(factory: F) -> F:
        @functools.wraps(factory)
        def build(*args: Any, **kwargs: Any) -> Callable[[ScorerContext], Any]:
            return wrap(factory(*args, **kwargs))

        build.scorer_name = name  # type: ignore[attr-defined]
        build.signature = inspect.signature(factory)  # type: ignore[attr-defined]
        return build  # type: ignore[return-value]

    return decorate


def is_scorer_factory(obj: object) -> bool:
    return callable(obj) and isinstance(getattr(obj, "scorer_name", None), str)
