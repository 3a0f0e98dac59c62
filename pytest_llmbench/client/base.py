"""What the engine sends to a model and what comes back, independent of litellm."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pytest_llmbench.client.deployments import RouteGroup
from pytest_llmbench.errors import InfrastructureError, RetryableError
from pytest_llmbench.scoring.api import Message, ToolCall

BUILTIN_PROVIDER = "llmbench"
BUILTIN_MODELS = ("reference", "violate", "echo")


def unknown_builtin(name: str) -> str | None:
    """Why ``name`` is not a built-in model although it names the ``llmbench/`` provider (with a
    did-you-mean), or ``None``. Checked before any call: litellm would otherwise retry an
    unknown provider's model and end in its own traceback."""
    provider, _, rest = name.partition("/")
    if provider != BUILTIN_PROVIDER or rest in BUILTIN_MODELS:
        return None
    import difflib

    close = difflib.get_close_matches(rest, BUILTIN_MODELS, n=1, cutoff=0.5)
    hint = f"did you mean {BUILTIN_PROVIDER}/{close[0]}? " if close else ""
    known = ", ".join(f"{BUILTIN_PROVIDER}/{m}" for m in BUILTIN_MODELS)
    return f"{name} is not a built-in model; {hint}(built-in: {known})"


@dataclass(frozen=True)
class ModelSpec:
    """One model under test: the litellm name and where to reach it."""

    name: str
    api_base: str | None = None
    # --llm-router: ``name`` is a model_name of the router config, served by these deployments
    route: RouteGroup | None = None

    @property
    def builtin(self) -> str | None:
        """``reference``/``violate``/``echo`` for the built-in offline models, else ``None``."""
        provider, _, rest = self.name.partition("/")
        return rest if provider == BUILTIN_PROVIDER else None

    @property
    def backend(self) -> tuple[str, str | None]:
        """Calls sharing a backend share its concurrency and rate limits."""
        return (self.name, self.api_base)


@dataclass(frozen=True)
class ChatRequest:
    model: ModelSpec
    messages: Sequence[Mapping[str, Any]]
    tools: Sequence[Mapping[str, Any]] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    sample: int = 0

    def cache_payload(self) -> dict[str, Any]:
        """Everything that can change the output, and nothing else (no key, timeout, retries)."""
        route = self.model.route
        if route is not None:
            # Which replica answers does not change the answer; which models serve it does.
            payload = self._payload()
            payload["route"] = sorted({d.model for d in route.deployments})
            return payload
        return self._payload()

    def _payload(self) -> dict[str, Any]:
        return {
            "model": self.model.name,
            "api_base": self.model.api_base,
            "messages": list(self.messages),
            "tools": list(self.tools),
            "params": dict(sorted(self.params.items())),
            "sample": self.sample,
        }


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
        )


# Finish reasons after which asking again gets the same nothing: the output budget was spent
# before any answer (a reasoning model thinking past max_tokens), or the provider's filter
# withheld it.
_FINAL_FINISH = frozenset({"length", "content_filter"})


def check_answered(content: str | None, tool_calls: Sequence[ToolCall], finish: str | None) -> None:
    """A reply must carry an answer: text (``""`` is an answer, an empty one) or a tool call.
    ``content: null`` with no tool call is no reply at all; scored as an empty one, a broken
    server would pass every "must not reveal X" scenario. Both transports call this: a
    ``RetryableError`` (a garbled reply), or an ``InfrastructureError`` when the finish reason
    says another try would end the same way; the item becomes an ERROR with the reason."""
    if content is not None or tool_calls:
        return
    text = (
        "the model server sent no answer: content is null and there is no tool call "
        f"(finish_reason {finish!r})"
    )
    if finish in _FINAL_FINISH:
        raise InfrastructureError(text)
    raise RetryableError(f"malformed reply from the model server: {text}")


@dataclass(frozen=True)
class ChatResponse:
    content: str | None
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    usage: Usage = Usage()
    cost: float | None = None
    latency_s: float = 0.0
    cached: bool = False
    repaired: bool = False  # lone surrogates in the text were replaced (textsafe.py)

    def message(self, turn: int) -> Message:
        return Message("assistant", self.content, self.tool_calls, turn=turn)

    def to_json(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "tool_calls": [
                {"id": c.id, "name": c.name, "arguments": c.arguments} for c in self.tool_calls
            ],
            "finish_reason": self.finish_reason,
            "usage": {
                "prompt_tokens": self.usage.prompt_tokens,
                "completion_tokens": self.usage.completion_tokens,
            },
            "cost": self.cost,
            "latency_s": self.latency_s,
            **({"repaired": True} if self.repaired else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], cached: bool = False) -> ChatResponse:
        """Raises ``ValueError`` for a reply without an answer (a cache written by a version
        that accepted those): the cache reads it as a miss."""
        if data.get("content") is None and not data.get("tool_calls"):
            raise ValueError("a reply with neither content nor tool calls")
        u = data.get("usage") or {}
        return cls(
            content=data.get("content"),
            tool_calls=tuple(
                ToolCall(c["id"], c["name"], c["arguments"]) for c in data.get("tool_calls") or ()
            ),
            finish_reason=data.get("finish_reason"),
            usage=Usage(int(u.get("prompt_tokens", 0)), int(u.get("completion_tokens", 0))),
            cost=data.get("cost"),
            latency_s=float(data.get("latency_s", 0.0)),
            cached=cached,
            repaired=data.get("repaired") is True,
        )


class ModelClient(Protocol):
    """Sends one chat request; raises ``InfrastructureError`` subclasses it cannot recover from
    and ``RetryableError`` for what the retry policy may try again. Implemented by the litellm
    client, the OpenAI-compatible fast path, the scripted built-in models and a hook's own."""

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse: ...

    async def aclose(self) -> None: ...
