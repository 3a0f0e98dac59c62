"""Import the official RuLES test cases into suite files (never committed: the user names the
output folder).

Two layouts are recognised (spec §2.1):

* the regrouped S-RuLES bucket files ``<suite>_<category>.jsonl`` with records ``{id,
  scenario, scenario_label, params_json, messages, suite, bucket_category, round}``;
* the upstream per-behaviour files ``<suite>/<scenario_label>.jsonl`` with records ``{id,
  category, params, messages}``.

Other ``.jsonl`` files (e.g. the superseded v1 ``manual`` suite) are skipped and reported.
Each case becomes one scenario: the opening of the chosen wording and mode (``wording.py``),
the messages up to the last assistant one as ``history``, the trailing user messages as
``turns``, and the scenario's scorer. Files are written per suite and behaviour:
``OUT/<suite>/<behaviour>.llmbench.yaml``, with a ``provenance`` header saying where the
wording, the data and the decoding parameters come from.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_llmbench.families.rules import suitefile
from pytest_llmbench.families.rules.evaluators import trigger_fires
from pytest_llmbench.families.rules.match import RulesDataError
from pytest_llmbench.families.rules.scenarios import BEHAVIORS, check_params
from pytest_llmbench.families.rules.sources import SourceFile, is_url, read_files
from pytest_llmbench.families.rules.templates import OWN_WORDING
from pytest_llmbench.families.rules.wording import Instructions, Wording
from pytest_llmbench.provenance import FileDigest, Origin, Provenance, sha256_file
from pytest_llmbench.suite_writer import write_suite

SUITES = ("benign", "basic", "redteam", "direct_request")
_BUCKET = re.compile(r"^(benign|basic|redteam|direct_request)_(harmless|helpful)\.jsonl$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
HEADER = (
    "Imported by `llmbench import rules` from {source}.\n"
    "Official RuLES test cases (github.com/normster/llm_rules, Apache-2.0, the llm_rules\n"
    "authors), converted; do not commit.\n"
    "{wording}"
)
_MODE_NOTE = {"system": "S-RuLES system mode", "user": "original user mode"}
_WORDING_NOTE = {
    "official": "Instructions: the official wording read from your checkout, {mode}.",
    "own": "Instructions: RuLES-style wording of pytest-llmbench (not the official text),\n"
    "{mode}; not comparable with the published numbers.",
}
# Suite-name prefix per (wording, mode): results of different wordings never share a name.
SUITE_PREFIX = {
    ("official", "system"): "rules-official",
    ("official", "user"): "rules-official-user",
    ("own", "system"): "rules-style",
    ("own", "user"): "rules-style-user",
}


class RecordError(ValueError):
    pass


@dataclass
class Imported:
    cases: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    duplicates: int = 0
    non_discriminating: list[str] = field(default_factory=list)
    data_files: list[FileDigest] = field(default_factory=list)


def _layout(f: SourceFile) -> str | None:
    name = f.parts[-1]
    if _BUCKET.match(name):
        return "bucket"
    if len(f.parts) >= 2 and f.parts[-2] in SUITES and name[: -len(".jsonl")] in BEHAVIORS:
        return "upstream"
    return None


def _normalize(raw: dict[str, Any], layout: str, f: SourceFile) -> dict[str, Any]:
    """One record in a common shape: id, behavior, suite, params, messages, attack/round."""
    if layout == "bucket":
        behavior, suite = raw.get("scenario_label"), raw.get("suite")
        params = raw.get("params_json")
        if isinstance(params, str):
            try:
                params = json.loads(params)
            except ValueError as exc:
                raise RecordError(f"params_json is not JSON: {exc}") from None
        extra = raw.get("round")
    else:
        behavior, suite = f.parts[-1][: -len(".jsonl")], f.parts[-2]
        params, extra = raw.get("params"), raw.get("category", "default")
    if behavior not in BEHAVIORS:
        raise RecordError(f"unknown behaviour (scenario_label) {behavior!r}")
    scenario, category = BEHAVIORS[behavior]
    if layout == "bucket":
        if raw.get("scenario") != scenario:
            raise RecordError(f"scenario {raw.get('scenario')!r} does not match {behavior!r}")
        if raw.get("bucket_category") != category:
            raise RecordError(f"bucket_category {raw.get('bucket_category')!r} != {category!r}")
    if suite not in SUITES:
        raise RecordError(f"unknown suite {suite!r}")
    if not isinstance(raw.get("id"), str) or not raw["id"]:
        raise RecordError("missing id")
    try:
        checked = check_params(scenario, params or {})
    except (TypeError, ValueError) as exc:
        raise RecordError(str(exc)) from None
    return {
        "id": raw["id"], "behavior": behavior, "scenario": scenario, "category": category,
        "suite": suite, "params": checked, "messages": _messages(raw.get("messages")),
        "extra": extra if isinstance(extra, str) and extra != "default" else None,
    }  # fmt: skip


def _messages(raw: object) -> list[tuple[str, str]]:
    if not isinstance(raw, list) or not raw:
        raise RecordError("messages must be a non-empty list")
    out = []
    for m in raw:
        if not isinstance(m, dict) or not isinstance(m.get("content"), str):
            raise RecordError(f"bad message {m!r}")
        role = str(m.get("role", "")).casefold()  # roles occur as USER and user (Q9)
        if role not in ("user", "assistant"):
            raise RecordError(f"unexpected role {m.get('role')!r}")
        out.append((role, m["content"]))
    return out


def _entry(
    rec: dict[str, Any], wording: Wording, instructions: Instructions
) -> tuple[dict[str, Any], bool]:
    """The scenario mapping of one record, and whether it is non-discriminating (Q2)."""
    msgs = rec["messages"]
    last = max((i for i, (r, _) in enumerate(msgs) if r == "assistant"), default=-1)
    history, trailing = msgs[: last + 1], msgs[last + 1 :]
    if not trailing or any(r != "user" for r, _ in trailing):
        raise RecordError("the conversation must end with user turns for the model to answer")
    meta: dict[str, Any] = {k: rec[k] for k in ("behavior", "suite", "category")}
    if rec["extra"] is not None:  # redteam: the attack category; benign/basic: the round
        meta["attack" if rec["suite"] == "redteam" else "round"] = rec["extra"]
    non_disc = False
    if rec["category"] == "helpful":
        try:
            fires = [trigger_fires(rec["scenario"], rec["params"], u) for _, u in trailing]
        except RulesDataError:
            fires = [True]  # malformed messages: reported as a data error when run
        non_disc = not any(fires)
        if non_disc:
            meta["non_discriminating"] = True
    sid = rec["id"] if _ID.match(rec["id"]) and len(rec["id"]) <= 200 else None
    if sid is None:
        sid = re.sub(r"[^A-Za-z0-9_.\-]", "-", rec["id"]).strip("-._")[:200] or "case"
        meta["source_id"] = rec["id"]
    entry = suitefile.scenario_entry(
        id=sid, scenario=rec["scenario"], params=rec["params"], history=history,
        turns=[c for _, c in trailing], metadata=meta,
        extra_tags=[meta["attack"]] if meta.get("attack") else [],
        wording=wording, instructions=instructions,
    )  # fmt: skip
    return entry, non_disc


def _digest(f: SourceFile) -> FileDigest:
    """The file's sha256 (of its bytes when local), named relative to the source."""
    if is_url(f.where):
        return FileDigest("/".join(f.parts), hashlib.sha256(f.text.encode("utf-8")).hexdigest())
    return FileDigest("/".join(f.parts), sha256_file(Path(f.where)))


def collect(
    source: str, wording: Wording = OWN_WORDING, instructions: Instructions = "system"
) -> Imported:
    """Read and convert every RuLES record of ``source`` (errors are collected, not raised)."""
    result = Imported()
    seen: set[str] = set()
    for f in read_files(source):
        layout = _layout(f)
        if layout is None:
            result.skipped_files.append(f.where)
            continue
        result.data_files.append(_digest(f))
        for n, line in enumerate(f.text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                if not isinstance(raw, dict):
                    raise RecordError("a record must be a JSON object")
                rec = _normalize(raw, layout, f)
                if rec["id"] in seen:
                    result.duplicates += 1
                    continue
                entry, non_disc = _entry(rec, wording, instructions)
            except (ValueError, RecordError) as exc:
                result.errors.append(f"{f.where}:{n}: {exc}")
                continue
            seen.add(rec["id"])
            key = (rec["suite"], rec["behavior"])
            result.cases.setdefault(key, []).append(entry)
            result.counts[(rec["suite"], rec["category"])] += 1
            if non_disc:
                result.non_discriminating.append(rec["id"])
    return result


def data_origin(source: str, result: Imported) -> Origin:
    """The official test cases as read: the source's name (never an absolute path) and the
    digests of the files the cases came from."""
    if is_url(source):  # no credentials, query or fragment in a shared file
        parts = urllib.parse.urlsplit(source)
        host = parts.netloc.rsplit("@", 1)[-1]
        location = urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))
    elif source.startswith("hf://"):
        location = source
    else:
        location = Path(source).resolve().name
    total = sum(result.counts.values())
    return Origin("official", location=location, files=tuple(result.data_files),
                  note=f"{total} RuLES v2 test cases")  # fmt: skip


def write(
    result: Imported,
    out: Path,
    source: str,
    provenance: Provenance,
    decoding: dict[str, Any],
    instructions: Instructions = "system",
) -> list[Path]:
    key = (provenance.wording.source, instructions)
    wording = _WORDING_NOTE[key[0]].format(mode=_MODE_NOTE[instructions])
    header = HEADER.format(source=source, wording=wording)
    paths = []
    for (suite, behavior), entries in sorted(result.cases.items()):
        doc = {
            "suite": f"{SUITE_PREFIX[key]}/{suite}/{behavior}",
            "description": f"Official RuLES v2 test cases: {suite} suite, {behavior}.",
            "source": source,
            "citation": "Mu et al., Can LLMs Follow Simple Rules? arXiv 2311.04235",
            "license": "Apache-2.0",
            "provenance": provenance.to_json(),
            "defaults": {**suitefile.DEFAULTS, "params": dict(decoding)},
            "scenarios": entries,
        }
        path = out / suite / f"{behavior}.llmbench.yaml"
        paths.append(write_suite(path, doc, header))
    return paths
