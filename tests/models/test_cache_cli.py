"""``llmbench cache list|clear|prune`` over entries written by the real ``ResponseCache``."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pytest_llmbench.cache import ResponseCache, cache_key
from pytest_llmbench.cache_admin import entries, parse_age
from pytest_llmbench.cli import main
from pytest_llmbench.client.base import ChatRequest, ChatResponse, ModelSpec

DAY = 86400.0


def _fill(root: Path, model: str, n: int, age_days: float = 0.0) -> list[Path]:
    cache = ResponseCache(root, "readwrite")
    paths = []
    for i in range(n):
        request = ChatRequest(ModelSpec(model, None), ({"role": "user", "content": f"q{i}"},))
        key = cache_key(request)
        cache.put(key, ChatResponse(f"answer {i}"), model)
        path = root / key[:2] / f"{key}.json"
        assert path.is_file()
        stamp = time.time() - age_days * DAY
        os.utime(path, (stamp, stamp))
        paths.append(path)
    return paths


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    root = tmp_path / "cache"
    _fill(root, "openai/gpt-4o-mini", 3, age_days=40)
    _fill(root, "hosted_vllm/qwen", 2, age_days=1)
    (root / "serve").mkdir()
    (root / "serve" / "llamacpp.log").write_text("server log")  # not an entry: never touched
    (root / "README").write_text("not mine")
    return root


def test_list_counts_entries_size_and_age_per_model(
    cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "list", "--dir", str(cache_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"cache {cache_dir}: 5 entries, ")
    rows = {line.split()[0]: line.split() for line in out[2:]}
    assert set(rows) == {"openai/gpt-4o-mini", "hosted_vllm/qwen"}
    assert rows["openai/gpt-4o-mini"][1] == "3" and rows["hosted_vllm/qwen"][1] == "2"
    assert rows["openai/gpt-4o-mini"][-2:] == ["40d", "40d"]
    assert rows["hosted_vllm/qwen"][-1] == "1d"


def test_list_of_a_missing_folder_is_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "list", "--dir", str(tmp_path / "none")]) == 0
    assert "0 entries" in capsys.readouterr().out


def test_clear_one_model_then_all(cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "clear", "--dir", str(cache_dir), "--model", "hosted_vllm/qwen"]) == 0
    assert "removed 2 entries of hosted_vllm/qwen" in capsys.readouterr().out
    assert {e.model for e in entries(cache_dir)} == {"openai/gpt-4o-mini"}
    assert main(["cache", "clear", "--dir", str(cache_dir)]) == 0
    assert "removed 3 entries" in capsys.readouterr().out
    assert entries(cache_dir) == []
    # Only entry files went: the server log and a stranger's file stay.
    assert (cache_dir / "serve" / "llamacpp.log").read_text() == "server log"
    assert (cache_dir / "README").is_file()
    assert sorted(p.name for p in cache_dir.iterdir()) == ["README", "serve"]


def test_prune_removes_only_old_entries(
    cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "prune", "--dir", str(cache_dir), "--older-than", "30d"]) == 0
    assert "removed 3 entries older than 30d" in capsys.readouterr().out
    assert {e.model for e in entries(cache_dir)} == {"hosted_vllm/qwen"}
    assert main(["cache", "prune", "--dir", str(cache_dir), "--older-than", "2d"]) == 0
    assert len(entries(cache_dir)) == 2
    # A pruned cache still answers what is left.
    cache = ResponseCache(cache_dir, "read")
    left = entries(cache_dir)[0]
    assert cache.get(left.path.stem) is not None


def test_prune_needs_a_valid_age(cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "prune", "--dir", str(cache_dir), "--older-than", "soon"]) == 2
    assert "--older-than: expected an age such as 30d" in capsys.readouterr().err
    assert len(entries(cache_dir)) == 5


def test_a_foreign_file_with_an_entry_name_is_listed_as_unreadable(
    cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    torn = cache_dir / "ab" / ("ab" + "0" * 62 + ".json")
    torn.parent.mkdir(exist_ok=True)
    torn.write_text("{not json")
    assert main(["cache", "list", "--dir", str(cache_dir)]) == 0
    assert "(unreadable)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "seconds"), [("30d", 30 * DAY), ("12h", 43200), ("90m", 5400), ("2w", 14 * DAY)]
)
def test_parse_age(text: str, seconds: float) -> None:
    assert parse_age(text) == seconds


@pytest.mark.parametrize("text", ["", "30", "d", "-1d", "3y"])
def test_parse_age_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_age(text)
