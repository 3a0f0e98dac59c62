"""Static reading of an official checkout: literals only, nothing executed, clear errors."""

from __future__ import annotations

import re
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


FUNCTIONS = """
def build(kind, item, n=10, *, scale=0.5):
    name = item["name"]
    size = item[2]
    if kind == "short":
        text = f"Hi {name}!"
    elif kind == "long":
        text = f"Dear {name},\\n" "see you"
    else:
        text = "other"
    for index in range(n):
        text += f"<{index + 1}>"
    text += "plain"
    sep = ", ".join([str(x) + " | " + "y" for x in item])
    client.create(model=name, messages=[{"role": "user", "content": text}], temperature=0.0)
    client.create(top_p=scale if n else 1, stream=False)
    return text

def formatted(x):
    text = f"{x!r}"
    return text

class Runner:
    def run(self, prompt):
        body = {"model": "m", "max_tokens": 5, "prompt": prompt}
        return body
"""


@pytest.fixture
def functions(tmp_path: Path) -> Checkout:
    (tmp_path / "f.py").write_text(FUNCTIONS, encoding="utf-8")
    return Checkout(tmp_path, "demo", "f.py")


def test_function_texts_with_their_branch_and_loop(functions: Checkout) -> None:
    from pytest_llmbench.official_function import Slot

    fn = functions.file("f.py").function("build")
    texts = fn.texts("text")
    assert [(t.augmented, t.branch, t.loop) for t in texts] == [
        (False, "kind == 'short'", None),
        (False, "kind == 'long'", None),  # an elif: the innermost test
        (False, "not (kind == 'long')", None),
        (True, None, "index in range(n)"),
        (True, None, None),
    ]
    assert texts[0].parts == ("Hi ", Slot("name"), "!")
    assert texts[1].parts == ("Dear ", Slot("name"), ",\nsee you")
    assert texts[3].slots == ["index + 1"]
    assert texts[4].parts == ("plain",)
    assert [t.target for t in fn.texts()] == ["text"] * 5  # sep is no text literal


def test_function_bindings_defaults_calls_and_constants(functions: Checkout) -> None:
    from pytest_llmbench.official_function import Expr, literal, string_constants

    fn = functions.file("f.py").function("build")
    assert fn.subscript_bindings() == {"name": ("item", "name"), "size": ("item", 2)}
    assert (fn.default("n"), fn.default("scale")) == (10, 0.5)
    first, second = fn.calls("client.create")
    assert literal(first.keywords["temperature"]) == 0.0
    assert literal(first.keywords["model"]) == Expr("name")
    assert literal(second.keywords["top_p"]) == Expr("scale if n else 1")
    assert first.args == () and second.line == first.line + 1
    assert string_constants(fn.assigned("sep")) == [", ", " | ", "y"]
    body = functions.file("f.py").function("Runner.run").assigned("body")
    assert literal(body) == Expr("{'model': 'm', 'max_tokens': 5, 'prompt': prompt}")


@pytest.mark.parametrize(
    ("qualname", "call", "message"),
    [
        ("missing", None, "f.py: no function missing"),
        ("Runner.stop", None, "f.py: no function Runner.stop"),
        ("Runner", None, "f.py: Runner is not a function"),
        ("formatted", "texts", "f.py: formatted: the placeholder {x} has a conversion"),
        ("build", "default", "f.py: build: no parameter 'kind' with a default"),
        ("build", "assigned", "f.py: build: no assignment to 'nothing'"),
    ],
)
def test_function_errors_name_the_file_and_function(
    functions: Checkout, qualname: str, call: str | None, message: str
) -> None:
    f = functions.file("f.py")
    with pytest.raises(OfficialSourceError, match=re.escape(message)):
        fn = f.function(qualname)
        if call == "texts":
            fn.texts()
        elif call == "default":
            fn.default("kind")
        elif call == "assigned":
            fn.assigned("nothing")
