"""The only module that imports litellm.

litellm's own retries are switched off (``num_retries=0``): ``openai/`` retries silently and
``hosted_vllm/`` retries without backoff and loses ``Retry-After``; ``retry.py`` owns retrying.
Errors are mapped to ``RetryableError`` (rate limits, 5xx, connection, timeout, garbled replies)
or ``InfrastructureError`` (auth, bad request, unknown model), so the engine never needs to know
litellm's exception zoo.
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from typing import Any

from pytest_llmbench import envdefaults
from pytest_llmbench.backoff import Clock, server_wait
from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelSpec, Usage, check_answered
from pytest_llmbench.client.deployments import Deployment, RouteGroup
from pytest_llmbench.credentials import key_variable, sendable_key
from pytest_llmbench.errors import InfrastructureError, RetryableError
from pytest_llmbench.redact import scrub
from pytest_llmbench.scoring.api import ToolCall

_litellm: Any = None
_load_lock = threading.Lock()
# Local OpenAI-compatible servers ignore the key, but litellm's openai/ route refuses to send
# without one.
_PLACEHOLDER_KEY = "sk-llmbench-no-key"


def load_litellm() -> Any:
    """Import and configure litellm once, warnings of the import and of the warm-up ignored:
    they are our dependencies' warnings, not the user's test warnings.

    Call it from the main thread first (``RoutingClient.preload`` does, before the engine
    thread starts). The warnings filters are one list for the whole process (before Python
    3.14) and ``warnings.catch_warnings`` saves and restores it without a lock: entered in the
    engine thread while pytest's main thread enters and leaves each test's own
    ``catch_warnings``, the two restore each other's lists, and a project's
    ``filterwarnings = error`` ends up applied (or lost) at random. So the engine thread never
    touches the filters: if litellm is first needed there, it is imported as it is."""
    global _litellm
    with _load_lock:
        if _litellm is None:
            envdefaults.apply()
            if threading.current_thread() is threading.main_thread():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    litellm = _import_and_warm_up()
            else:
                litellm = _import_and_warm_up()
            _litellm = litellm
    return _litellm


def _import_and_warm_up() -> Any:
    import litellm

    litellm.suppress_debug_info = True
    litellm.telemetry = False
    _warm_up(litellm)
    return litellm


def _warm_up(litellm: Any) -> None:
    """Build litellm's response types once, now. pydantic warns about litellm's ``ReadOnly``
    TypedDicts the first time each type's schema is built: left to the first real call, that
    happens in the engine thread while a test's warning filters are in force, and under
    ``filterwarnings = error`` the warning is raised inside pydantic's schema building (seen as
    ``AttributeError: __pydantic_core_schema__`` on a later call)."""
    try:
        litellm.completion(
            model="openai/llmbench-warm-up",
            messages=[{"role": "user", "content": "hi"}],
            mock_response="ok",
            api_key=_PLACEHOLDER_KEY,
        )
    except Exception:  # warming up is an optimisation; a failure here changes nothing
        pass


def credential_problem(model: str, api_base: str | None) -> str | None:
    """Why litellm cannot call ``model`` as configured (an unknown provider, or the environment
    variables its provider reads are unset), or ``None``. Read from litellm's own provider
    tables, so it names exactly the variables litellm would look for; nothing is sent."""
    litellm = load_litellm()
    try:
        litellm.get_llm_provider(model=model, api_base=api_base)
    except Exception:  # litellm raises BadRequestError ("LLM Provider NOT provided")
        return (
            f"{model}: litellm knows no provider {model.partition('/')[0]!r} "
            "(see https://docs.litellm.ai/docs/providers)"
        )
    try:
        found: Any = litellm.validate_environment(model=model, api_base=api_base)
    except Exception:  # an optional check: a failure here must not stop a run that may work
        return None
    missing = [str(k) for k in (found or {}).get("missing_keys") or ()]
    if api_base:  # the server is given: a provider's default-address variable is not needed
        missing = [k for k in missing if not k.endswith(("_API_BASE", "_BASE_URL"))]
    if not missing:
        return None
    if len(missing) == 1:
        return f"{model}: {missing[0]} is not set (litellm needs it for this provider)"
    return f"{model}: none of {', '.join(missing)} is set (litellm needs one for this provider)"


def _retry_after(exc: BaseException, now: Clock = time.time) -> float | None:
    headers: Any = getattr(exc, "litellm_response_headers", None)
    response = getattr(exc, "response", None)
    if headers is None and response is not None:
        headers = getattr(response, "headers", None)
    if not headers:
        return None
    # httpx headers are case-insensitive; a plain dict from litellm may not be.
    lowered = {str(k).lower(): str(v) for k, v in dict(headers).items()}
    return server_wait(lowered, now)


class LiteLLMClient:
    def __init__(self, clock: Clock = time.time) -> None:
        self.litellm = load_litellm()
        self.clock = clock  # reads a Retry-After HTTP-date

    async def complete(self, request: ChatRequest, timeout: float) -> ChatResponse:
        litellm = self.litellm
        kwargs: dict[str, Any] = dict(request.params)
        if request.tools:
            kwargs["tools"] = list(request.tools)
        if request.model.api_base:
            kwargs["api_base"] = request.model.api_base
            if request.model.name.startswith("openai/") and not os.environ.get("OPENAI_API_KEY"):
                kwargs["api_key"] = _PLACEHOLDER_KEY
        variable = key_variable(request.model.name)
        key = os.environ.get(variable, "") if variable else ""
        if key != sendable_key(key):  # litellm would send the stray "\r" as it is
            kwargs["api_key"] = sendable_key(key)
        return await self._send(
            litellm.acompletion, request.model.name, request, request, timeout, kwargs
        )

    async def _send(
        self,
        acompletion: Any,
        model: str,
        request: ChatRequest,
        served: ChatRequest,
        timeout: float,
        kwargs: dict[str, Any],
    ) -> ChatResponse:
        """One call through litellm (``acompletion``: its own or a Router's), with its
        retries off (the engine retries), timed, its errors mapped; ``served``: the request
        as the deployment that answered saw it (cost and usage are read for that model)."""
        started = time.perf_counter()
        try:
            response = await acompletion(
                model=model,
                messages=list(request.messages),
                timeout=timeout,
                num_retries=0,
                max_retries=0,
                **kwargs,
            )
        except Exception as exc:
            raise self._map_error(exc) from exc
        latency = time.perf_counter() - started
        return self._convert(served, response, latency)

    def _map_error(self, exc: Exception) -> Exception:
        litellm = self.litellm
        name = type(exc).__name__
        text = scrub(f"{name}: {_short(str(exc))}")
        retryable = (
            litellm.RateLimitError,
            litellm.InternalServerError,
            litellm.ServiceUnavailableError,
            litellm.APIConnectionError,
            litellm.Timeout,
            getattr(litellm, "BadGatewayError", litellm.InternalServerError),
        )
        status = getattr(exc, "status_code", None)
        limited = isinstance(exc, litellm.RateLimitError) or status == 429
        if isinstance(exc, retryable):
            return RetryableError(text, _retry_after(exc, self.clock), rate_limited=limited)
        # status < 400: the server said OK but its body was unreadable (hosted_vllm raises
        # APIError with status 200 on truncated JSON): a garbled reply, worth another try.
        if isinstance(status, int) and (status >= 500 or status == 429 or status < 400):
            return RetryableError(text, _retry_after(exc, self.clock), rate_limited=limited)
        return InfrastructureError(text)

    def _convert(self, request: ChatRequest, response: Any, latency: float) -> ChatResponse:
        try:
            choice = response.choices[0]
            message = choice.message
            calls = tuple(
                ToolCall(c.id or f"call_{i}", c.function.name or "", c.function.arguments or "")
                for i, c in enumerate(message.tool_calls or ())
            )
            content = message.content
        except (AttributeError, IndexError, TypeError) as exc:
            raise RetryableError(f"malformed reply from the model server: {exc}") from exc
        if content is not None and not isinstance(content, str):
            raise RetryableError("malformed reply from the model server: content is not text")
        finish = getattr(choice, "finish_reason", None)
        check_answered(content, calls, finish)
        usage = getattr(response, "usage", None)
        tokens = Usage(
            int(getattr(usage, "prompt_tokens", 0) or 0),
            int(getattr(usage, "completion_tokens", 0) or 0),
        )
        return ChatResponse(
            content=content,
            tool_calls=calls,
            finish_reason=finish,
            usage=tokens,
            cost=self._cost(request, response),
            latency_s=latency,
        )

    def _cost(self, request: ChatRequest, response: Any) -> float | None:
        if request.model.builtin is not None or request.model.api_base:
            return None  # local servers and built-ins have no price
        try:
            cost = self.litellm.completion_cost(completion_response=response)
        except Exception:  # unknown models raise; cost is optional
            return None
        return float(cost) if cost else None

    async def aclose(self) -> None:
        close = getattr(self.litellm, "close_litellm_async_clients", None)
        if close is not None:
            try:
                await close()
            except Exception:  # closing is best effort at session end
                pass


class LiteLLMRouterClient(LiteLLMClient):
    """Calls through a ``litellm.Router`` built from the run's router groups, each deployment
    under its own alias (``group#i``): the deployment is chosen by ``client/replicas.py``, which
    holds its window slot; the Router resolves ``os.environ/NAME`` keys and sends the call."""

    def __init__(self, groups: tuple[RouteGroup, ...], clock: Clock = time.time) -> None:
        super().__init__(clock)
        model_list = [
            {"model_name": d.alias, "litellm_params": self._params(d)}
            for g in groups
            for d in g.deployments
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Retries, cool-downs and fallbacks are ours (retry.py, replicas.py): the Router
            # must not try another deployment behind the window's back.
            self.router = self.litellm.Router(
                model_list=model_list, num_retries=0, disable_cooldowns=True
            )

    @staticmethod
    def _params(d: Deployment) -> dict[str, Any]:
        params: dict[str, Any] = {"model": d.model, **dict(d.extra)}
        if d.api_base:
            params["api_base"] = d.api_base
        if d.key_env:
            params["api_key"] = f"os.environ/{d.key_env}"  # read by litellm, never by us
        elif d.model.startswith("openai/") and not os.environ.get("OPENAI_API_KEY"):
            params["api_key"] = _PLACEHOLDER_KEY
        if d.rpm:
            params["rpm"] = d.rpm
        if d.tpm:
            params["tpm"] = d.tpm
        return params

    async def complete_on(
        self, deployment: Deployment, request: ChatRequest, timeout: float
    ) -> ChatResponse:
        kwargs: dict[str, Any] = dict(request.params)
        if request.tools:
            kwargs["tools"] = list(request.tools)
        served = ChatRequest(ModelSpec(deployment.model, deployment.api_base), request.messages)
        return await self._send(
            self.router.acompletion, deployment.alias, request, served, timeout, kwargs
        )


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
