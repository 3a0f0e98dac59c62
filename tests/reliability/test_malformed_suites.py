"""Every file of the malformed-suite corpus (``tests/data/malformed/``), plus a few generated
ones (too big to commit), gives exactly one collection error listing each of its problems on
one line naming the file and line, never a traceback; a valid suite beside them still runs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "data" / "malformed"

# The line each error must name (0: the file only, when no line applies).
EXPECTED_LINE = {
    "01-bad-indent": 5,
    "02-unclosed-bracket": 6,
    "03-tab-indent": 3,
    "04-unknown-top-key": 7,  # the unknown key's own line
    "05-unknown-scenario-key": 9,
    "06-unknown-scorer": 6,
    "07-duplicate-ids": 7,
    "08-duplicate-key": 5,
    "09-python-object-tag": 4,
    "10-python-name-tag": 1,
    "11-empty": 1,
    "12-only-comment": 1,
    "13-list-top-level": 1,
    "14-scalar-top-level": 1,
    "15-missing-suite": 1,
    "16-missing-scenarios": 1,
    "17-empty-scenarios": 2,
    "18-scenarios-mapping": 3,
    "19-user-is-list": 4,
    "20-id-is-number": 3,  # both scenarios: ids 12 (line 3) and {x: 1} (line 7)
    "21-bad-id-chars": 3,
    "22-user-and-turns": 3,
    "23-no-scorer": 3,
    "24-bad-param": 5,
    "25-wrong-scorer-arg": 6,
    "26-bad-regex": 6,
    "27-yaml-bomb": 8,
    "28-yaml-bomb-in-metadata": 14,
    "29-recursive-alias": 2,
    "30-undefined-alias": 4,
    "31-two-documents": 7,
    "32-not-utf8": 4,
    "33-binary": 1,
    "34-tool-result-undeclared": 5,
    "35-turns-wrong-type": 3,
    "36-max-tool-rounds-range": 3,
    "37-bad-tag-chars": 5,
    "38-set-tag": 1,
    # generated below
    "90-huge": 20_000 * 4 + 6,  # the line of the last scenario's unknown key
    "91-deep-nesting": 3,
    "92-huge-string-bomb": 12,
}
# Files with more than one problem: every one is reported (the first on the line above).
PROBLEMS = {"20-id-is-number": 2, "24-bad-param": 2}

# Where an error also names the column (file:line:column).
EXPECTED_COLUMN = {"32-not-utf8": 14}

VALID = """\
suite: good
scenarios:
  - id: fine
    user: hi
    expect:
      - contains: hi
    reference:
      pass: [hi]
"""


def _generate(folder: Path) -> None:
    # A big suite (20,000 scenarios, ~1.4 MB) whose last scenario has an unknown key.
    lines = ["suite: huge", "scenarios:"]
    for i in range(20_000):
        lines += [f"  - id: s{i}", f"    user: question {i}", "    expect:", "      - contains: ok"]
    lines += ["  - id: last", "    user: hi", "    expect: [{contains: ok}]", "    bogus: 1"]
    (folder / "90-huge.llmbench.yaml").write_text("\n".join(lines) + "\n")
    depth = 20_000
    deep = "suite: deep\nscenarios:\n  " + "[" * depth + "]" * depth + "\n"
    (folder / "91-deep-nesting.llmbench.yaml").write_text(deep)
    # Laughs built from a 1 MB string: few nodes, but a 10^9-character expansion if joined.
    bomb = ["suite: bad", "scenarios:", "  - id: a", "    user: hi", "    expect: [{contains: ok}]"]
    bomb += ["    metadata:", f"      a: &a [{'x' * 1_000_000!r}]"]
    for prev, name in zip("abcde", "bcdef", strict=True):
        bomb.append(f"      {name}: &{name} [" + ", ".join([f"*{prev}"] * 20) + "]")
    (folder / "92-huge-string-bomb.llmbench.yaml").write_text("\n".join(bomb) + "\n")


def _error_sections(stdout: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in stdout.splitlines():
        m = re.match(r"^_+ ERROR collecting (\S+) _+$", line)
        if m:
            current = sections.setdefault(m.group(1), [])
            continue
        if re.match(r"^(_{3,}|={3,})", line):
            current = None
        elif current is not None and line.strip():
            current.append(line)
    return sections


@pytest.mark.slow
def test_each_malformed_file_gives_one_clear_error(pytester: pytest.Pytester) -> None:
    for path in CORPUS.glob("*.llmbench.yaml"):
        shutil.copy(path, pytester.path / path.name)
    _generate(pytester.path)
    (pytester.path / "ok.llmbench.yaml").write_text(VALID)
    names = sorted(p.name for p in pytester.path.glob("[0-9]*.llmbench.yaml"))
    assert len(names) >= 30
    assert {n.removesuffix(".llmbench.yaml") for n in names} == set(EXPECTED_LINE)

    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--llm-model=llmbench/reference",
        "--continue-on-collection-errors",
        timeout=300,
    )
    out = result.stdout.str()
    result.assert_outcomes(passed=1, errors=len(names))
    assert "Traceback" not in out and "RecursionError" not in out
    sections = _error_sections(out)
    assert sorted(sections) == names
    for name in names:
        body = sections[name]
        stem = name.removesuffix(".llmbench.yaml")
        # One line per problem: the errors themselves, no traceback.
        assert len(body) == PROBLEMS.get(stem, 1), (name, body)
        line = EXPECTED_LINE[stem]
        where = f"{line}:{EXPECTED_COLUMN[stem]}" if stem in EXPECTED_COLUMN else str(line)
        prefix = f"{name}:{where}: " if line else f"{name}: "
        assert body[0].startswith(prefix), (name, body[0])
        for text in body:
            assert re.match(rf"{re.escape(name)}(:\d+){{0,2}}: ", text), (name, text)
            assert len(text) < 400, (name, text)  # never a dump of the file's content
