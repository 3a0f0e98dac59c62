"""The on-disk response cache: what the key covers, what each mode does, and that torn, foreign
or interrupted files never break a run."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from pytest_llmbench.cache import CACHE_FORMAT, ResponseCache, cache_key
from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelSpec, Usage
from pytest_llmbench.scoring.api import ToolCall

TOOL = {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}


def make_request(**changes: Any) -> ChatRequest:
    base = ChatRequest(
        model=ModelSpec("openai/gpt-4o-mini", "http://127.0.0.1:8000/v1"),
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
        tools=[TOOL],
        params={"temperature": 0.0, "max_tokens": 20},
        sample=0,
    )
    return dataclasses.replace(base, **changes)


RESPONSE = ChatResponse(
    content=None,
    tool_calls=(
        ToolCall("call_1", "lookup", '{"q": "Paris"}'),
        ToolCall("call_2", "lookup", '{"q": "Lyon"}'),
    ),
    finish_reason="tool_calls",
    usage=Usage(prompt_tokens=12, completion_tokens=7),
    cost=0.0015,
    latency_s=0.25,
)


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- cache_key


def test_key_is_a_sha256_hex_digest() -> None:
    key = cache_key(make_request())
    assert len(key) == 64
    assert set(key) <= set("0123456789abcdef")


def test_key_ignores_dict_ordering() -> None:
    a = make_request(
        params={"temperature": 0.0, "max_tokens": 20, "seed": 1},
        messages=[{"role": "user", "content": "hi"}],
    )
    b = make_request(
        params={"seed": 1, "max_tokens": 20, "temperature": 0.0},
        messages=[{"content": "hi", "role": "user"}],
    )
    assert cache_key(a) == cache_key(b)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"model": ModelSpec("openai/gpt-4o", "http://127.0.0.1:8000/v1")}, id="model"),
        pytest.param({"model": ModelSpec("openai/gpt-4o-mini", None)}, id="api_base-none"),
        pytest.param(
            {"model": ModelSpec("openai/gpt-4o-mini", "http://127.0.0.1:9000/v1")}, id="api_base"
        ),
        pytest.param({"messages": [{"role": "user", "content": "hi"}]}, id="messages-dropped"),
        pytest.param(
            {
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "hi!"},
                ]
            },
            id="messages-text",
        ),
        pytest.param({"tools": []}, id="tools-none"),
        pytest.param(
            {"tools": [{"type": "function", "function": {"name": "search"}}]}, id="tools-other"
        ),
        pytest.param({"params": {"temperature": 0.7, "max_tokens": 20}}, id="params-value"),
        pytest.param({"params": {"temperature": 0.0}}, id="params-dropped"),
        pytest.param({"sample": 1}, id="sample"),
    ],
)
def test_key_changes_with_what_changes_the_output(changes: dict[str, Any]) -> None:
    assert cache_key(make_request(**changes)) != cache_key(make_request())


def test_key_is_deterministic() -> None:
    assert cache_key(make_request()) == cache_key(make_request())


# --------------------------------------------------------------------------- modes


@pytest.mark.parametrize(
    ("mode", "reads", "writes"),
    [
        ("readwrite", True, True),
        ("read", True, False),
        ("write", False, True),
        ("off", False, False),
        ("replay", True, False),
    ],
)
def test_modes(tmp_path: Path, mode: str, reads: bool, writes: bool) -> None:
    key = cache_key(make_request())
    other = cache_key(make_request(sample=1))
    seeded = ResponseCache(tmp_path, "readwrite")
    seeded.put(key, RESPONSE, "openai/gpt-4o-mini")
    assert len(files_under(tmp_path)) == 1

    cache = ResponseCache(tmp_path, mode)
    assert (cache.reads, cache.writes) == (reads, writes)

    got = cache.get(key)
    assert (got is not None) == reads
    assert cache.get(other) is None  # a miss is None in every mode

    cache.put(other, ChatResponse("fresh"), "openai/gpt-4o-mini")
    assert len(files_under(tmp_path)) == (2 if writes else 1)
    stored = seeded.get(other)
    assert (stored is not None and stored.content == "fresh") == writes


def test_round_trip_with_tool_calls(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, "readwrite")
    key = cache_key(make_request())
    assert RESPONSE.cached is False
    cache.put(key, RESPONSE, "openai/gpt-4o-mini")

    got = cache.get(key)
    assert got == dataclasses.replace(RESPONSE, cached=True)
    assert got is not None and got.cached is True
    assert [c.parsed_arguments() for c in got.tool_calls] == [{"q": "Paris"}, {"q": "Lyon"}]

    (path,) = files_under(tmp_path)
    assert path == tmp_path / key[:2] / f"{key}.json"
    stored = json.loads(path.read_text("utf-8"))
    assert stored["v"] == CACHE_FORMAT
    assert stored["model"] == "openai/gpt-4o-mini"
    assert "cached" not in stored["response"]


def test_round_trip_keeps_unicode_text(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, "readwrite")
    response = ChatResponse("Grüße — 你好 🙂", finish_reason="stop")
    cache.put("ab" * 32, response, "m/x")
    assert cache.get("ab" * 32) == dataclasses.replace(response, cached=True)


def test_overwrite_replaces_entry(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, "readwrite")
    key = "cd" * 32
    cache.put(key, ChatResponse("first"), "m/x")
    cache.put(key, ChatResponse("second"), "m/x")
    got = cache.get(key)
    assert got is not None and got.content == "second"
    assert len(files_under(tmp_path)) == 1


# --------------------------------------------------------------------------- bad files


def _valid_body() -> bytes:
    doc = {"v": CACHE_FORMAT, "model": "m/x", "response": RESPONSE.to_json()}
    return json.dumps(doc).encode("utf-8")


BAD_FILES: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("truncated", _valid_body()[: len(_valid_body()) // 2]),
    ("not-utf8", b"\xff\xfe\x00garbage"),
    ("wrong-version", json.dumps({"v": CACHE_FORMAT + 1, "response": {}}).encode()),
    ("no-version", json.dumps({"response": RESPONSE.to_json()}).encode()),
    ("response-not-mapping", json.dumps({"v": CACHE_FORMAT, "response": "text"}).encode()),
    ("json-list", b"[1, 2, 3]"),
    ("json-null", b"null"),
    ("json-string", b'"hello"'),
    (
        "tool-call-missing-fields",
        json.dumps({"v": CACHE_FORMAT, "response": {"tool_calls": [{"id": "x"}]}}).encode(),
    ),
    (
        "usage-not-numbers",
        json.dumps({"v": CACHE_FORMAT, "response": {"usage": {"prompt_tokens": "many"}}}).encode(),
    ),
]


@pytest.mark.parametrize("body", [pytest.param(b, id=name) for name, b in BAD_FILES])
def test_bad_file_is_a_miss(tmp_path: Path, body: bytes) -> None:
    cache = ResponseCache(tmp_path, "readwrite")
    key = cache_key(make_request())
    cache.put(key, RESPONSE, "m/x")
    (path,) = files_under(tmp_path)
    path.write_bytes(body)
    assert cache.get(key) is None
    # ... and a fresh put repairs it
    cache.put(key, RESPONSE, "m/x")
    assert cache.get(key) == dataclasses.replace(RESPONSE, cached=True)


def test_missing_root_is_a_miss(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "does" / "not" / "exist", "read")
    assert cache.get(cache_key(make_request())) is None


# --------------------------------------------------------------------------- atomic writes


def test_writes_leave_no_temp_files(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, "write")
    keys = [cache_key(make_request(sample=i)) for i in range(5)]
    for k in keys:
        cache.put(k, RESPONSE, "m/x")
    names = {p.name for p in files_under(tmp_path)}
    assert names == {f"{k}.json" for k in keys}


def test_crash_during_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResponseCache(tmp_path, "readwrite")
    key = cache_key(make_request())

    def crash(src: Any, dst: Any) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", crash)
    cache.put(key, RESPONSE, "m/x")  # a failed write is reported, not raised
    monkeypatch.undo()
    assert cache.write_failure == "OSError: disk on fire"
    assert not cache.writes

    assert not (tmp_path / key[:2] / f"{key}.json").exists()
    assert files_under(tmp_path) == []  # no leftover temp file either
    assert cache.get(key) is None


def test_interrupt_during_write_keeps_the_old_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResponseCache(tmp_path, "readwrite")
    key = cache_key(make_request())
    cache.put(key, ChatResponse("old"), "m/x")

    def interrupt(src: Any, dst: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        cache.put(key, ChatResponse("new"), "m/x")
    monkeypatch.undo()

    got = cache.get(key)
    assert got is not None and got.content == "old"
    assert [p.name for p in files_under(tmp_path)] == [f"{key}.json"]
