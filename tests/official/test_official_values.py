"""Reading text built inside functions of an official file: structure, never execution."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_llmbench.official_source import Checkout, OfficialSourceError
from pytest_llmbench.official_values import CallValue, Ref, Template

MODULE = """
from random import choice
from words import *

def build(kind, row):
    POOL = [FIRST, SECOND]
    title = fetch_title(row)
    for item in row:
        banner = f"Item {item['name']}:\\
 done"
    if kind == 'plain':
        text = "# " + title + "\\n" + BODY
    elif kind == 'shot' or kind == 'shots':
        pick = choice(POOL)
        text = "# " + title + "\\n" + pick + '\\n'.join(lines) + tail[1]
    else:
        raise ValueError(kind)
    settings = Params(temperature=0.5, limit=size)
    return text

def build(kind):
    again = f"{kind!r}"
    spaced = f"{kind:>10}"
"""


@pytest.fixture
def file(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "harness.py").write_text(textwrap.dedent(MODULE), encoding="utf-8")
    return Checkout(tmp_path, "demo", "harness.py").file("harness.py")


def test_a_redefined_function_is_read_as_python_would_run_it(file) -> None:  # type: ignore[no-untyped-def]
    assert file.function_names() == ["build", "build"]
    scope = file.function("build").scope()  # the second definition
    with pytest.raises(OfficialSourceError, match=r"f-string placeholder with a conversion"):
        scope.get("again")
    with pytest.raises(OfficialSourceError, match=r"format spec"):
        scope.get("spaced")
    with pytest.raises(OfficialSourceError, match=r"harness.py: build\(\) binds no POOL"):
        scope.get("POOL")


def _first_build(tmp_path: Path) -> Checkout:
    text = textwrap.dedent(MODULE).split("def build(kind):")[0]
    (tmp_path / "one.py").write_text(text, encoding="utf-8")
    return Checkout(tmp_path, "demo", "one.py")


def test_locals_templates_calls_and_loop_bodies(tmp_path: Path) -> None:
    scope = _first_build(tmp_path).file("one.py").function("build").scope()
    assert scope.get("POOL") == [Ref("FIRST"), Ref("SECOND")]
    assert scope.get("title") == CallValue("fetch_title", (Ref("row"),), ())
    # A text built in a loop body, with a backslash-continued literal, as an f-string template.
    banner = scope.get("banner", Template)
    assert banner.parts == ("Item ", Ref("item['name']"), ": done")
    assert banner.render(lambda ref: "<name>") == "Item <name>: done"
    settings = scope.get("settings", CallValue)
    assert settings.keyword("temperature") == 0.5
    assert settings.keyword("limit") == Ref("size")


def test_branches_of_an_if_chain(tmp_path: Path) -> None:
    one = _first_build(tmp_path).file("one.py")
    branches = one.function("build").branches("kind")
    assert set(branches) == {"plain", "shot", "shots", None}
    assert branches["shot"] is branches["shots"]  # one branch tests both values
    plain = branches["plain"].get("text", Template)
    assert plain.parts == ("# ", Ref("title"), "\n", Ref("BODY"))
    shot = branches["shot"].get("text", Template)
    assert shot.refs == (
        Ref("title"),
        Ref("pick"),
        Ref("'\\n'.join(lines)"),
        Ref("tail[1]", base="tail", index=1),
    )
    assert branches["shot"].get("pick") == CallValue("choice", (Ref("POOL"),), ())
    with pytest.raises(OfficialSourceError, match=r"\[else\] binds no text"):
        branches[None].get("text")
    with pytest.raises(OfficialSourceError, match=r"one\.py: build: no if/elif chain on 'row'"):
        one.function("build").branches("row")
    with pytest.raises(OfficialSourceError, match=r"no function missing "):
        one.function("missing")
    assert one.imported_names("random") == ["choice"]


def test_template_literal_and_render() -> None:
    assert Template(("plain",)).literal == "plain"
    assert Template(("a", Ref("x"))).literal is None
    assert Template(("a", Ref("x"), "b")).render(lambda r: r.source.upper()) == "aXb"
