"""Tests for the fake OpenAI-compatible server used throughout the test suite."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.servers.openai_server import FakeOpenAIServer, Fault

# An explicit empty ProxyHandler keeps traffic on 127.0.0.1 even if *_proxy env vars are set.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=("fake-model", "other-model")) as srv:
        yield srv


def _chat_body(text: str = "hello world", model: str = "fake-model", **extra: Any) -> bytes:
    body = {"model": model, "messages": [{"role": "user", "content": text}], **extra}
    return json.dumps(body).encode()


def _request(
    server: FakeOpenAIServer,
    data: bytes | None = None,
    path: str = "/chat/completions",
    timeout: float = 5.0,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(
        server.base_url + path,
        data=data,
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST" if data is not None else "GET",
    )
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        with err:  # closing the error releases its socket (no ResourceWarning)
            return err.code, dict(err.headers), err.read()


def _chat(server: FakeOpenAIServer, text: str = "hello world", **kw: Any) -> dict[str, Any]:
    status, _, raw = _request(server, _chat_body(text, **kw))
    assert status == 200, raw
    result: dict[str, Any] = json.loads(raw)
    return result


def test_default_echo_is_a_well_formed_completion(server: FakeOpenAIServer) -> None:
    status, headers, raw = _request(server, _chat_body("hello there world", model="any/model"))
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    data = json.loads(raw)
    assert data["object"] == "chat.completion"
    assert data["id"].startswith("chatcmpl-")
    assert isinstance(data["created"], int)
    assert data["model"] == "any/model"
    choice = data["choices"][0]
    assert choice["index"] == 0
    assert choice["finish_reason"] == "stop"
    assert choice["message"] == {"role": "assistant", "content": "echo: hello there world"}
    usage = data["usage"]
    assert usage["prompt_tokens"] == 3
    assert usage["completion_tokens"] == 4
    assert usage["total_tokens"] == 7


def test_echo_uses_last_user_message(server: FakeOpenAIServer) -> None:
    body = {
        "model": "m",
        "messages": [
            {"role": "system", "content": "be nice"},
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": [{"type": "text", "text": "second"}]},
        ],
    }
    status, _, raw = _request(server, json.dumps(body).encode())
    assert status == 200
    assert json.loads(raw)["choices"][0]["message"]["content"] == "echo: second"


def test_models_endpoint_lists_served_models(server: FakeOpenAIServer) -> None:
    status, _, raw = _request(server, path="/models")
    assert status == 200
    data = json.loads(raw)
    assert data["object"] == "list"
    assert [m["id"] for m in data["data"]] == ["fake-model", "other-model"]


def test_stream_requests_are_rejected(server: FakeOpenAIServer) -> None:
    status, _, raw = _request(server, _chat_body(stream=True))
    assert status == 400
    assert json.loads(raw)["error"]["type"] == "invalid_request_error"


def test_scripted_string_reply_receives_request(server: FakeOpenAIServer) -> None:
    seen: list[dict[str, Any]] = []

    def script(body: dict[str, Any]) -> str:
        seen.append(body)
        return f"scripted for {body['model']}"

    server.script(script)
    data = _chat(server, "hi", model="gpt-x")
    assert data["choices"][0]["message"]["content"] == "scripted for gpt-x"
    assert seen[0]["messages"][0]["content"] == "hi"


def test_scripted_tool_call_reply(server: FakeOpenAIServer) -> None:
    server.script(
        lambda body: {
            "content": None,
            "tool_calls": [
                {"name": "get_weather", "arguments": {"city": "Paris"}},
                {"name": "noop", "arguments": "{}"},
            ],
        }
    )
    choice = _chat(server, "weather?")["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    message = choice["message"]
    assert message["role"] == "assistant"
    assert message["content"] is None
    first, second = message["tool_calls"]
    assert first["type"] == "function"
    assert first["id"].startswith("call_")
    assert first["id"] != second["id"]
    assert first["function"]["name"] == "get_weather"
    assert isinstance(first["function"]["arguments"], str)
    assert json.loads(first["function"]["arguments"]) == {"city": "Paris"}
    assert second["function"]["arguments"] == "{}"


def test_reply_map_matches_substrings_and_falls_back_to_echo(server: FakeOpenAIServer) -> None:
    server.reply_map({"capital of France": "Paris", "boom": Fault.status(500)})
    assert _chat(server, "What is the capital of France?")["choices"][0]["message"]["content"] == (
        "Paris"
    )
    assert _chat(server, "unmatched")["choices"][0]["message"]["content"] == "echo: unmatched"
    status, _, _ = _request(server, _chat_body("boom now"))
    assert status == 500


def test_429_carries_retry_after_and_error_json(server: FakeOpenAIServer) -> None:
    server.inject(Fault.status(429, retry_after=1.5))
    status, headers, raw = _request(server, _chat_body())
    assert status == 429
    assert headers["Retry-After"] == "1.5"
    error = json.loads(raw)["error"]
    assert error["type"] == "rate_limit_error"
    assert error["message"]


@pytest.mark.parametrize(
    ("code", "err_type"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (500, "server_error"),
        (503, "server_error"),
    ],
)
def test_status_faults(server: FakeOpenAIServer, code: int, err_type: str) -> None:
    server.inject(Fault.status(code))
    status, headers, raw = _request(server, _chat_body())
    assert status == code
    assert "Retry-After" not in headers
    assert json.loads(raw)["error"]["type"] == err_type


def test_timeout_fault_makes_client_time_out(server: FakeOpenAIServer) -> None:
    server.inject(Fault.timeout(2.0))
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        _request(server, _chat_body(), timeout=0.3)
    assert time.monotonic() - started < 1.5
    began_stop = time.monotonic()
    server.stop()
    assert time.monotonic() - began_stop < 2.0


def test_timeout_fault_replies_normally_after_delay(server: FakeOpenAIServer) -> None:
    server.inject(Fault.timeout(0.3))
    started = time.monotonic()
    data = _chat(server, "slow")
    assert time.monotonic() - started >= 0.3
    assert data["choices"][0]["message"]["content"] == "echo: slow"


def test_drop_fault_closes_connection_without_response(server: FakeOpenAIServer) -> None:
    server.inject(Fault.drop())
    started = time.monotonic()
    # http.client.RemoteDisconnected is a ConnectionResetError.
    with pytest.raises(ConnectionError):
        _request(server, _chat_body(), timeout=5.0)
    assert time.monotonic() - started < 2.0
    assert _chat(server, "after")["choices"][0]["message"]["content"] == "echo: after"


def test_malformed_fault_returns_invalid_json(server: FakeOpenAIServer) -> None:
    server.inject(Fault.malformed())
    status, headers, raw = _request(server, _chat_body())
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw)


def test_bad_shape_fault_returns_non_completion_json(server: FakeOpenAIServer) -> None:
    server.inject(Fault.bad_shape())
    status, _, raw = _request(server, _chat_body())
    assert status == 200
    data = json.loads(raw)
    assert "choices" not in data


def test_faults_are_consumed_in_order_then_normal_replies_resume(
    server: FakeOpenAIServer,
) -> None:
    server.inject(Fault.status(429), Fault.status(503))
    server.inject(Fault.malformed())
    assert _request(server, _chat_body())[0] == 429
    assert _request(server, _chat_body())[0] == 503
    status, _, raw = _request(server, _chat_body())
    assert status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw)
    assert _chat(server, "ok")["choices"][0]["message"]["content"] == "echo: ok"
    assert len(server.requests) == 4  # faulted requests are recorded too


def test_latency_does_not_block_concurrent_requests(server: FakeOpenAIServer) -> None:
    server.latency = 0.2
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda i: _chat(server, f"n{i}"), range(20)))
    elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert elapsed >= 0.2
    assert sorted(r["choices"][0]["message"]["content"] for r in results) == sorted(
        f"echo: n{i}" for i in range(20)
    )
    assert server.max_in_flight >= 10


def test_handles_hundreds_of_concurrent_requests(server: FakeOpenAIServer) -> None:
    server.latency = 0.5
    with ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(lambda i: _chat(server, f"n{i}"), range(200)))
    assert len(results) == 200
    assert server.max_in_flight >= 100


def test_requests_and_headers_are_recorded_and_reset_clears(server: FakeOpenAIServer) -> None:
    server.latency = 0.05
    server.script(lambda body: "scripted")
    server.inject(Fault.status(500), Fault.status(500))
    _request(server, _chat_body("one"), headers={"Authorization": "Bearer sk-test"})
    snapshot = server.requests
    assert [r["messages"][0]["content"] for r in snapshot] == ["one"]
    snapshot.clear()  # a copy: mutating it must not affect the server
    assert len(server.requests) == 1
    assert server.request_headers[0]["authorization"] == "Bearer sk-test"
    assert server.max_in_flight == 1

    server.reset()
    assert server.requests == []
    assert server.request_headers == []
    assert server.max_in_flight == 0
    assert server.latency == 0.0
    # The second injected fault and the script are gone: a plain echo comes back.
    assert _chat(server, "two")["choices"][0]["message"]["content"] == "echo: two"


def test_invalid_json_request_is_rejected(server: FakeOpenAIServer) -> None:
    status, _, raw = _request(server, b"not json")
    assert status == 400
    assert "error" in json.loads(raw)


def test_stop_is_prompt_with_pending_timeout_fault() -> None:
    srv = FakeOpenAIServer().start()
    srv.inject(Fault.timeout(30.0))
    outcome: list[object] = []

    def client() -> None:
        try:
            outcome.append(_request(srv, _chat_body(), timeout=10.0)[0])
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=client)
    thread.start()
    deadline = time.monotonic() + 2.0
    while not srv.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert srv.requests, "request never reached the server"
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 2.0
    thread.join(5.0)
    assert not thread.is_alive()
    assert outcome  # the client was released (reply or connection error), not left hanging
    with pytest.raises(RuntimeError):
        _ = srv.base_url


def test_server_can_be_restarted() -> None:
    srv = FakeOpenAIServer()
    with srv:
        first_url = srv.base_url
        assert _chat(srv, "a")["choices"][0]["message"]["content"] == "echo: a"
    with srv:
        assert srv.base_url.startswith("http://127.0.0.1:")
        assert _chat(srv, "b")["choices"][0]["message"]["content"] == "echo: b"
    assert first_url.endswith("/v1")
