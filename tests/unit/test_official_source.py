"""Static reading of an official checkout: literals only, nothing executed, clear errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_llmbench.official_source import Checkout, OfficialSourceError

MODULE = """
import os
GREETING = "Hello, " "world"
PARTS = GREETING + "!"
TABLE = {"a": [1, 2], "b": ("x",)}
DYNAMIC = os.environ.get("X", "fallback")
REBOUND = "first"
REBOUND = "second"
HOOK = open(MARKER, "w")

class Game:
    template = "Play {name}."
    rounds: int = 3
    computed = template.upper()

class Other(Game):
    pass
"""


@pytest.fixture
def checkout(tmp_path: Path) -> Checkout:
    (tmp_path / "pkg").mkdir()
    marker = f"MARKER = {str(tmp_path / 'executed')!r}\n"
    (tmp_path / "pkg" / "words.py").write_text(marker + textwrap.dedent(MODULE), encoding="utf-8")
    return Checkout(tmp_path, "demo", "pkg/words.py")


def test_reads_literals_and_names_bound_to_literals(checkout: Checkout) -> None:
    f = checkout.file("pkg/words.py")
    assert f.constant("GREETING") == "Hello, world"
    assert f.constant("PARTS") == "Hello, world!"
    assert f.constant("TABLE", dict) == {"a": [1, 2], "b": ("x",)}
    assert f.constant("REBOUND") == "second"  # the last binding, as Python would run it
    assert f.class_attribute("Game", "template") == "Play {name}."
    assert f.class_attribute("Game", "rounds", int) == 3
    assert f.class_names() == ["Game", "Other"]
    assert f.class_bases("Other") == ["Game"]


def test_never_executes_the_file(checkout: Checkout, tmp_path: Path) -> None:
    f = checkout.file("pkg/words.py")
    assert f.constant("MARKER") == str(tmp_path / "executed")
    f.constant("GREETING")
    with pytest.raises(OfficialSourceError, match="HOOK cannot be read statically"):
        f.constant("HOOK")
    assert not (tmp_path / "executed").exists()


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (lambda f: f.constant("DYNAMIC"), "DYNAMIC cannot be read statically"),
        (lambda f: f.constant("MISSING"), "no constant MISSING"),
        (lambda f: f.constant("TABLE"), "TABLE is a dict, expected str"),
        (lambda f: f.class_attribute("Game", "computed"), "Game.computed cannot be read"),
        (lambda f: f.class_attribute("Nope", "template"), "no class 'Nope'"),
    ],
)
def test_shape_changes_name_the_file_and_the_constant(
    checkout: Checkout, read: object, message: str
) -> None:
    with pytest.raises(OfficialSourceError, match=message) as info:
        read(checkout.file("pkg/words.py"))  # type: ignore[operator]
    assert str(info.value).startswith("pkg/words.py: ")


def test_wrong_folder_missing_file_and_bad_syntax(tmp_path: Path) -> None:
    with pytest.raises(OfficialSourceError, match="not a folder"):
        Checkout(tmp_path / "absent", "demo", "x.py")
    with pytest.raises(OfficialSourceError, match="not a checkout of the official demo"):
        Checkout(tmp_path, "demo", "x.py")
    (tmp_path / "x.py").write_text("X = (\n", encoding="utf-8")
    c = Checkout(tmp_path, "demo", "x.py")
    with pytest.raises(OfficialSourceError, match=r"no y\.py"):
        c.file("y.py")
    with pytest.raises(OfficialSourceError, match=r"x\.py: cannot be parsed"):
        c.file("x.py")


def test_origin_lists_and_hashes_the_files_read(checkout: Checkout) -> None:
    checkout.file("pkg/words.py")
    origin = checkout.origin(variant="system")
    assert origin.official and origin.variant == "system"
    assert [f.path for f in origin.files] == ["pkg/words.py"]
    assert len(origin.files[0].sha256) == 64


def test_a_config_file_is_read_as_text_and_hashed_like_the_parsed_ones(
    checkout: Checkout, tmp_path: Path
) -> None:
    (tmp_path / "pkg" / "task.yaml").write_text("temperature: 0\n", encoding="utf-8")
    assert checkout.has("pkg/task.yaml") and not checkout.has("pkg/absent.yaml")
    assert checkout.text("pkg/task.yaml") == "temperature: 0\n"
    checkout.file("pkg/words.py")
    assert checkout.files_read == ["pkg/task.yaml", "pkg/words.py"]
    assert [f.path for f in checkout.origin().files] == ["pkg/task.yaml", "pkg/words.py"]
    with pytest.raises(OfficialSourceError, match=r"cannot read pkg/absent\.yaml"):
        checkout.text("pkg/absent.yaml")
