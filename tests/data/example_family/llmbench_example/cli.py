"""``llmbench import example --source WORDS.txt --out DIR``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pytest_llmbench.families import Command


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", required=True, type=Path, help="a text file, one word a line")
    p.add_argument("--out", required=True, type=Path, help="folder for the suite file")


def _run(args: argparse.Namespace) -> int:
    from pytest_llmbench.suite_writer import write_suite

    try:
        words = args.source.read_text(encoding="utf-8").split()
    except OSError as exc:
        print(f"llmbench import example: {exc}", file=sys.stderr)
        return 2
    scenarios = [
        {
            "id": f"shout-{word.lower()}",
            "user": f"Repeat this word in capital letters: {word}",
            "expect": [{"example/shouted": {"word": word}}],
            "reference": {"pass": [word.upper() + "!"], "fail": [word.lower()]},
        }
        for word in words
    ]
    document = {
        "suite": "example",
        "version": "1",
        "defaults": {"metadata": {"benchmark": "example"}},
        "scenarios": scenarios,
    }
    path = write_suite(args.out / "example.llmbench.yaml", document, f"Imported from {args.source}")
    print(f"wrote {len(scenarios)} scenario(s) to {path}")
    return 0


COMMANDS = {"import": Command(_configure, _run)}
