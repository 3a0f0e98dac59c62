"""Reading the official RuLES wording from a checkout: the supported layouts, provenance, and
one clear error (exit status 2, naming the file and the constant) for every bad checkout.

Works on copies of ``../shared/datasets/rules/official/`` in ``tmp_path``; skipped where
``../shared`` is absent.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from pytest_llmbench.cli import main
from pytest_llmbench.families.rules.official import read_official
from pytest_llmbench.families.rules.scenarios import SCENARIOS
from pytest_llmbench.families.rules.templates import ACKNOWLEDGEMENT
from pytest_llmbench.official_source import OfficialSourceError
from pytest_llmbench.scenario import load_suite
from tests.conftest import SHARED

OFFICIAL = SHARED / "datasets" / "rules" / "official"
DATA = SHARED / "datasets" / "rules" / "v2" / "s_rules" / "data"
pytestmark = pytest.mark.skipif(
    not (OFFICIAL.is_dir() and DATA.is_dir()),
    reason=f"official RuLES code or data not available at {OFFICIAL} / {DATA}",
)
SECURITY = "llm_rules/scenarios/security.py"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    shutil.copytree(OFFICIAL, root)
    return root


def _edit(root: Path, relpath: str, old: str, new: str) -> None:
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text, (relpath, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_root_and_package_folder_layouts_give_the_same_wording(checkout: Path) -> None:
    for mode in ("system", "user"):
        at_root = read_official(checkout, mode)  # type: ignore[arg-type]
        inside = read_official(checkout / "llm_rules", mode)  # type: ignore[arg-type]
        assert at_root.wording.templates == inside.wording.templates
        assert at_root.wording.reminders == inside.wording.reminders
        assert at_root.decoding == inside.decoding == {"temperature": 0.0, "max_tokens": 100}
    system = read_official(checkout, "system")
    assert set(system.wording.templates) == set(SCENARIOS)
    assert [n for n, t in system.wording.templates.items() if not t.fill] == ["SimonSays"]
    assert len(system.wording.reminders) == 3 and system.wording.acknowledgement == ""
    assert read_official(checkout, "user").wording.acknowledgement


def test_provenance_names_the_files_read_with_their_digests(checkout: Path) -> None:
    official = read_official(checkout / "llm_rules", "system")
    origin = official.wording.origin
    assert (origin.source, origin.location, origin.variant) == ("official", "llm_rules", "system")
    assert origin.revision is None  # not a git work tree
    paths = [f.path for f in origin.files]
    assert paths == ["scenarios/games.py", "scenarios/security.py", "scenarios/utils.py"]
    for f in origin.files:
        digest = hashlib.sha256((checkout / "llm_rules" / f.path).read_bytes()).hexdigest()
        assert f.sha256 == digest
    assert [f.path for f in official.decoding_origin.files] == ["_s_rules_template_yaml"]
    user = read_official(checkout / "llm_rules", "user").wording.origin
    assert "scenarios/scenario.py" in [f.path for f in user.files]
    assert "scenarios/utils.py" not in [f.path for f in user.files]  # reminders are kept


def test_a_git_checkout_records_its_commit(checkout: Path) -> None:
    git = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "upstream"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    assert read_official(checkout, "system").wording.origin.revision == head.strip()


def test_the_checkout_is_never_executed(checkout: Path, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    hook = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\n"
    for rel in ("scenarios/security.py", "scenarios/games.py", "scenarios/utils.py"):
        path = checkout / "llm_rules" / rel
        path.write_text(hook + path.read_text(encoding="utf-8"), encoding="utf-8")
    read_official(checkout, "system")
    assert not marker.exists()


def test_the_import_records_the_official_wording(checkout: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["import", "rules", "--source", str(DATA), "--out", str(out)]
    assert main([*args, "--official-code", str(checkout)]) == 0
    doc = yaml.safe_load((out / "basic" / "Encryption.llmbench.yaml").read_text(encoding="utf-8"))
    prov = doc["provenance"]
    assert prov["comparable"] is True
    assert prov["wording"]["source"] == prov["data"]["source"] == "official"
    assert prov["wording"]["location"] == "checkout"  # the folder's name, never its path
    assert doc["suite"] == "rules-official/basic/Encryption"
    assert doc["defaults"]["params"] == {"temperature": 0.0, "max_tokens": 100}
    assert len(prov["data"]["files"]) == 6 and prov["data"]["location"] == "data"


def test_without_a_checkout_the_wording_is_ours_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["import", "rules", "--source", str(DATA), "--out", str(out)]) == 0
    assert "not comparable with the published numbers" in capsys.readouterr().out
    text = (out / "redteam" / "Encryption.llmbench.yaml").read_text(encoding="utf-8")
    assert "RuLES-style wording of pytest-llmbench" in text
    doc = yaml.safe_load(text)
    assert doc["suite"] == "rules-style/redteam/Encryption"
    assert doc["provenance"]["wording"]["source"] == "own"
    assert doc["provenance"]["comparable"] is False
    user = tmp_path / "user"
    args = ["import", "rules", "--source", str(DATA), "--out", str(user), "--instructions", "user"]
    assert main(args) == 0
    suite = load_suite(user / "basic" / "AccessControl.llmbench.yaml")
    assert suite.name == "rules-style-user/basic/AccessControl"
    first = suite.scenarios[0]
    assert first.system == ""
    assert [m.role for m in first.history[:2]] == ["user", "assistant"]
    assert first.history[1].content == ACKNOWLEDGEMENT
    assert first.expect[0].args["instructions"] == "user"


Breakage = Callable[[Path], None]


def _remove(relpath: str) -> Breakage:
    return lambda root: (root / relpath).unlink()


def _change(relpath: str, old: str, new: str) -> Breakage:
    return lambda root: _edit(root, relpath, old, new)


def _append(relpath: str, line: str) -> Breakage:
    def append(root: Path) -> None:
        path = root / relpath
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")

    return append


BAD: list[tuple[str, Breakage, str, str, tuple[str, ...]]] = [
    # (id, how the checkout is broken, mode, file named, other fragments of the message)
    ("games-missing", _remove("llm_rules/scenarios/games.py"), "system",
     "llm_rules/scenarios/games.py", ("no ",)),
    ("class-renamed", _change("llm_rules/scenarios/games.py", "class Questions(", "class Quiz("),
     "system", "llm_rules/scenarios/games.py", ("no class 'Questions'",)),
    ("template-missing", _change(SECURITY, "class Encryption(BaseScenario):\n    template =",
                                 "class Encryption(BaseScenario):\n    wording ="),
     "system", SECURITY, ("Encryption.template",)),
    ("template-computed", _change(SECURITY, "class Integrity(BaseScenario):\n    template = (",
                                  "class Integrity(BaseScenario):\n    template = str("),
     "system", SECURITY, ("Integrity.template", "cannot be read statically")),
    ("placeholder-renamed", _change(SECURITY, "'{secret}'", "'{secret_key}'"), "system", SECURITY,
     ("Encryption.template", "cannot be filled", "secret_key")),
    ("reminders-computed", _append("llm_rules/scenarios/utils.py",
                                   "PRECEDENCE_REMINDERS = load_reminders()"),
     "system", "llm_rules/scenarios/utils.py", ("PRECEDENCE_REMINDERS", "cannot be read")),
    ("reminders-missing", _change("llm_rules/scenarios/utils.py", "PRECEDENCE_REMINDERS = [",
                                  "REMINDERS = ["),
     "system", "llm_rules/scenarios/utils.py", ("no constant PRECEDENCE_REMINDERS",)),
    ("acknowledgement-missing", _change("llm_rules/scenarios/scenario.py", "initial_response:",
                                        "first_response:"),
     "user", "llm_rules/scenarios/scenario.py", ("BaseScenario.initial_response",)),
    ("syntax-error", _change(SECURITY, "class Encryption(BaseScenario):", "class Encryption("),
     "system", SECURITY, ("cannot be parsed",)),
    ("task-config-broken", _change("llm_rules/_s_rules_template_yaml", "generation_kwargs:",
                                   "generation_kwargs: ["),
     "system", "llm_rules/_s_rules_template_yaml", ("cannot be parsed",)),
    ("task-config-reshaped", _change("llm_rules/_s_rules_template_yaml", "max_gen_toks:",
                                     "max_new_tokens:"),
     "system", "llm_rules/_s_rules_template_yaml", ("generation_kwargs.max_gen_toks",)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("breakage", "mode", "relpath", "fragments"),
    [b[1:] for b in BAD],
    ids=[b[0] for b in BAD],
)
def test_a_reshaped_checkout_is_one_clear_error(
    checkout: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    breakage: Breakage,
    mode: str,
    relpath: str,
    fragments: tuple[str, ...],
) -> None:
    breakage(checkout)
    out = tmp_path / "out"
    args = ["import", "rules", "--source", str(DATA), "--out", str(out)]
    assert main([*args, "--official-code", str(checkout), "--instructions", mode]) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith("llmbench import rules: ") and "Traceback" not in captured.err
    assert relpath in line and all(f in line for f in fragments), line
    assert not out.exists()  # never a silent fall-back to other wording
    with pytest.raises(OfficialSourceError):
        read_official(checkout, mode)  # type: ignore[arg-type]


@pytest.mark.parametrize("where", ["missing", "empty", "data-folder"])
def test_a_path_that_is_not_the_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    path = {"missing": tmp_path / "nope", "empty": tmp_path, "data-folder": DATA}[where]
    out = tmp_path / "out"
    args = ["import", "rules", "--source", str(DATA), "--out", str(out)]
    assert main([*args, "--official-code", str(path)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    expected = "not a folder" if where == "missing" else "not a checkout of the official RuLES"
    assert str(path) in line and expected in line, line
    assert "scenarios/security.py" in line or where == "missing"
    assert not out.exists()


def test_a_class_missing_from_both_scenario_files_names_both(
    checkout: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (checkout / SECURITY).write_text("x = 1\n", encoding="utf-8")
    args = ["import", "rules", "--source", str(DATA), "--out", str(tmp_path / "out")]
    assert main([*args, "--official-code", str(checkout)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert f"{SECURITY} or llm_rules/scenarios/games.py: no class 'Encryption'" in line
