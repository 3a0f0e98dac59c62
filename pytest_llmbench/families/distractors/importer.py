"""``llmbench import distractors``: the official adversarial/original file pairs → suite files.

Each adversarial file ``fake_intermediate_paragraph_idx_<type>_<related>_<count>[_same_type]``
is paired with its ``..._no_changes_...`` twin *by index* (``_id`` repeats inside a file, so it
cannot be the key), and every setting is written to its own suite so no two settings mix —
even where two original twins are byte-identical files.  Nothing is written into the project:
the data is CC BY-SA and stays in the folder the user names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_llmbench.provenance import Origin, Provenance, checkout_origin
from pytest_llmbench.suite_writer import write_suite

from .metrics import score_answer
from .official import OfficialPrompt
from .prompt import Rendering, paragraph_text, render_context, user_message
from .suitefile import (
    CITATION,
    DEFAULT_THRESHOLD,
    HOTPOT_CITATION,
    scenario,
    suite_document,
)

PREFIX = "fake_intermediate_paragraph_idx_"
_NAME = re.compile(
    rf"{PREFIX}(?P<original>no_changes_)?"
    r"(?P<type>named|other)_(?P<related>True|False)_(?P<count>\d+)(?P<same>_same_type)?\.json"
)
# Items and distinct question ids per adversarial file (spec §3.3); the twin has the same.
EXPECTED_COUNTS: dict[str, tuple[int, int]] = {
    "named_True_2": (547, 417),
    "other_True_2": (132, 102),
    "named_True_4": (159, 108),
    "other_True_4": (33, 27),
    "named_False_2": (318, 108),
    "other_False_2": (66, 27),
    "named_False_4": (168, 7),
    "named_False_2_same_type": (159, 108),
    "other_False_2_same_type": (33, 27),
    "named_False_4_same_type": (7, 7),
    "named_False_1": (547, 417),
    "other_False_1": (132, 102),
    "other_False_4": (0, 0),
    "other_False_4_same_type": (0, 0),
}
# The paper's first few-shot demonstration is also a test item: flagged, never hidden.
PAPER_DEMO_ID = "5a8c7595554299585d9e36b6"


class DataError(ValueError):
    """The source folder does not hold a consistent copy of the benchmark."""


@dataclass(frozen=True)
class Setting:
    name: str  # e.g. named_True_2_same_type
    entity_type: str  # named | other
    related: bool
    fakes: int
    same_type: bool
    adversarial: Path
    original: Path

    def metadata(self) -> dict[str, Any]:
        return {
            "setting": self.name,
            "entity_type": self.entity_type,
            "related": self.related,
            "fakes": self.fakes,
            "same_type": self.same_type,
        }


@dataclass
class ImportReport:
    settings: dict[str, tuple[int, int]] = field(default_factory=dict)  # items, distinct ids
    written: list[Path] = field(default_factory=list)
    question_ids: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    off_counts: set[str] = field(default_factory=set)  # settings unlike the published files


def data_dir(source: Path) -> Path:
    """Accept the ``adversarial_datasets`` folder itself or the folder that contains it."""
    nested = source / "adversarial_datasets"
    return nested if nested.is_dir() else source


def find_settings(source: Path) -> list[Setting]:
    folder = data_dir(source)
    if not folder.is_dir():
        raise DataError(f"{source}: no such folder")
    found: dict[tuple[str, bool], Path] = {}
    for path in sorted(folder.glob(f"{PREFIX}*.json")):
        m = _NAME.fullmatch(path.name)
        if m is None:
            raise DataError(f"{path}: unexpected file name")
        found[(_setting_name(m), bool(m["original"]))] = path
    if not found:
        raise DataError(f"{folder}: no {PREFIX}*.json files (is this the benchmark data?)")
    settings = []
    for (name, is_original), path in sorted(found.items()):
        if is_original:
            continue
        twin = found.get((name, True))
        if twin is None:
            raise DataError(f"{path}: its original twin {PREFIX}no_changes_{name}.json is missing")
        m = _NAME.fullmatch(path.name)
        assert m is not None
        settings.append(
            Setting(
                name,
                m["type"],
                m["related"] == "True",
                int(m["count"]),
                bool(m["same"]),
                path,
                twin,
            )
        )
    orphans = {n for n, orig in found if orig} - {s.name for s in settings}
    if orphans:
        raise DataError(f"original files without an adversarial file: {sorted(orphans)}")
    return settings


def _setting_name(m: re.Match[str]) -> str:
    return f"{m['type']}_{m['related']}_{m['count']}{m['same'] or ''}"


def load_pairs(setting: Setting) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Item *i* of the adversarial file with item *i* of its twin, checked to be the same
    question with exactly ``fakes`` paragraphs replaced in place."""
    adv = json.loads(setting.adversarial.read_text(encoding="utf-8"))
    ori = json.loads(setting.original.read_text(encoding="utf-8"))
    if len(adv) != len(ori):
        raise DataError(f"{setting.name}: {len(adv)} adversarial items but {len(ori)} originals")
    for i, (a, o) in enumerate(zip(adv, ori, strict=True)):
        for key in ("_id", "question", "answer"):
            if a[key] != o[key]:
                raise DataError(f"{setting.name}[{i}]: {key} differs from the original twin")
        same_length = len(a["context"]) == len(o["context"])
        changed = sum(1 for p, q in zip(a["context"], o["context"], strict=False) if p != q)
        if not same_length or changed != setting.fakes:
            raise DataError(
                f"{setting.name}[{i}]: expected {setting.fakes} replaced paragraph(s) in place, "
                f"found {changed} of {len(a['context'])}/{len(o['context'])}"
            )
    return list(zip(adv, ori, strict=True))


def _fake_titles(adv: dict[str, Any], ori: dict[str, Any]) -> list[str]:
    """A fake paragraph's stored title is its fake answer (sometimes with a trailing period)."""
    return [
        p[0].strip().rstrip(".").strip()
        for p, q in zip(adv["context"], ori["context"], strict=True)
        if p != q
    ]


def pair_scenarios(
    setting: Setting,
    index: int,
    adv: dict[str, Any],
    ori: dict[str, Any],
    threshold: float,
    rendering: Rendering,
    official: OfficialPrompt | None = None,
) -> list[dict[str, Any]]:
    """The original and the adversarial scenario of one pair; the user message is framed
    as the official prompt frames it when there is one, else in the project's own words."""
    frame = official.user_message if official is not None else user_message
    answer = adv["answer"]
    base = {
        **setting.metadata(),
        "pair_id": f"{setting.name}/{index:04d}",
        "question_id": adv["_id"],
        "index": index,
        "answer": answer,
    }
    flags = []
    if adv["_id"] == PAPER_DEMO_ID:
        flags.append("paper_demonstration")
    if len(adv["context"]) != 10:
        flags.append(f"{len(adv['context'])}_paragraphs")
    if flags:
        base["flags"] = flags
    fakes = _fake_titles(adv, ori)
    # A fake answer makes a plausible wrong reference only if it really scores below the bar.
    wrong = [f for f in fakes if f and score_answer(f, answer).f1 < threshold][:1]
    out = []
    for version, item in (("original", ori), ("adversarial", adv)):
        paragraphs = [paragraph_text(sentences) for _, sentences in item["context"]]
        meta = {**base, "version": version}
        if version == "adversarial":
            meta["fake_answers"] = fakes
        out.append(
            scenario(
                f"{setting.name}-{index:04d}-{version[:3]}",
                frame(render_context(paragraphs, rendering), item["question"]),
                meta,
                tags=[version],
                passes=[f"Final Answer: {answer}"],
                fails=[f"Final Answer: {w}" for w in wrong] if version == "adversarial" else [],
            )
        )
    return out


def survey(
    source: Path, *, only: set[str] | None = None, check_counts: bool = True
) -> tuple[ImportReport, list[tuple[Setting, list[tuple[dict[str, Any], dict[str, Any]]]]]]:
    """Load and check every (selected) setting: pairing, replaced paragraphs and counts."""
    settings = find_settings(source)
    unknown = (only or set()) - {s.name for s in settings}
    if unknown:
        raise DataError(f"unknown setting(s) {sorted(unknown)}")
    report = ImportReport()
    loaded = [(s, load_pairs(s)) for s in settings if not only or s.name in only]
    for s, pairs in loaded:
        ids = {a["_id"] for a, _ in pairs}
        report.settings[s.name] = (len(pairs), len(ids))
        report.question_ids |= ids
        expected = EXPECTED_COUNTS.get(s.name)
        if expected != (len(pairs), len(ids)):
            report.off_counts.add(s.name)
        if expected is not None and expected != (len(pairs), len(ids)):
            msg = f"{s.name}: {len(pairs)} items / {len(ids)} questions, expected {expected}"
            if check_counts:
                raise DataError(msg + " (use --no-check-counts to import anyway)")
            report.warnings.append(msg)
    return report, loaded


OWN_WORDING = Origin("own", note="the project's own prompt and demonstrations")
OWN_DECODING = Origin("own", note="temperature 0, max_tokens 512")


def provenance(
    setting: Setting,
    folder: Path,
    official: OfficialPrompt | None,
    rendering: Rendering,
    *,
    counts_ok: bool,
    limit: int | None,
) -> Provenance:
    files = [setting.adversarial.name, setting.original.name]
    if counts_ok:
        note = f"the first {limit} pairs only" if limit is not None else None
        data = checkout_origin(folder, files, note=note)
    else:
        data = Origin("own", location=folder.name, note="counts differ from the published files")
    if official is None:
        return Provenance(OWN_WORDING, data, OWN_DECODING, benchmark="distractors")
    wording, decoding = official.origins(rendering)
    return Provenance(wording, data, decoding, benchmark="distractors")


def run_import(
    source: Path,
    out: Path,
    *,
    rendering: Rendering = "default",
    threshold: float = DEFAULT_THRESHOLD,
    only: set[str] | None = None,
    limit: int | None = None,
    check_counts: bool = True,
    official: OfficialPrompt | None = None,
) -> ImportReport:
    """Write one suite per setting; ``official`` gives the official prompt's wording (its
    system message, its framing of context and question, no decoding parameters)."""
    report, loaded = survey(source, only=only, check_counts=check_counts)
    out.mkdir(parents=True, exist_ok=True)
    for s, pairs in loaded:
        if not pairs:
            report.warnings.append(f"{s.name}: empty in the source data, no suite written")
            continue
        chosen = pairs[:limit] if limit is not None else pairs
        scenarios = [
            sc
            for i, (adv, ori) in enumerate(chosen)
            for sc in pair_scenarios(s, i, adv, ori, threshold, rendering, official)
        ]
        prov = provenance(
            s,
            data_dir(source),
            official,
            rendering,
            counts_ok=s.name not in report.off_counts,
            limit=limit,
        )
        framing: dict[str, Any] = {}
        if official is not None:
            framing = {"system": official.system, "params": {}}
        doc = suite_document(
            suite=f"distractors/{s.name}",
            description=(
                f"Seemingly Plausible Distractors, setting {s.name}: each HotpotQA dev question "
                "as the original item and as the adversarial item with fake paragraphs."
            ),
            source=f"{s.adversarial.name} + {s.original.name} (imported by llmbench)",
            license="CC BY-SA 4.0 (HotpotQA / Wikipedia text); benchmark code MIT",
            citation=f"{CITATION} {HOTPOT_CITATION}",
            threshold=threshold,
            scenarios=scenarios,
            metadata={
                "rendering": rendering,
                "wording": official.name if official is not None else "own",
                **s.metadata(),
            },
            provenance=prov,
            **framing,
        )
        path = out / f"distractors-{s.name}.llmbench.yaml"
        how = f" --official-code CHECKOUT --prompt {official.name}" if official else ""
        header = (
            f"Imported by `llmbench import distractors{how} --render {rendering}`; "
            "do not commit (CC BY-SA data)."
        )
        write_suite(path, doc, header)
        report.written.append(path)
    return report
