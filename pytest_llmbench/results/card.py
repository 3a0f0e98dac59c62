"""The dataset card (README.md) of a results repo, merged with the one already on the Hub.

The card is updated, never replaced: the owner's text and YAML keys are kept; only our
``configs`` entries, our tags and the block between the ``llmbench:scores`` markers are
rewritten. The block carries its own state as JSON in an HTML comment (invisible on the Hub),
so the latest score per suite × model survives without downloading earlier runs. "Latest"
means latest by run start time: uploading an old run later never hides a newer score.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

import yaml

from pytest_llmbench.errors import CardError
from pytest_llmbench.results.jsonl import FEATURES
from pytest_llmbench.results.records import ResultsDocument

BEGIN, END = "<!-- llmbench:scores:begin -->", "<!-- llmbench:scores:end -->"
_STATE = re.compile(r"<!-- llmbench:state (\{.*?\}) -->")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*$\r?\n?", re.S | re.M)
TAGS = ["pytest-llmbench", "llm-evaluation", "benchmark-results"]
# Rows quote suite prompts under each suite's own licence, and model replies under the
# provider's terms; one SPDX id cannot state that, so "other" with the explanation in the text.
LICENSE = "other"
ALL_RUNS, LATEST = "all_runs", "latest"


LATEST_GLOB = "latest/*.jsonl"


def jsonl_path(run_id: str) -> str:
    return f"runs/{run_id}/results.jsonl"


def latest_path(suite: str, model: str) -> str:
    """The file of the ``latest`` config holding one suite × model's rows of its latest run.
    The digest keeps two names that slug alike apart; the slug keeps the path readable."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{suite}--{model}").strip("_.")[:80]
    digest = hashlib.sha256(json.dumps([suite, model]).encode()).hexdigest()[:10]
    return f"latest/{slug}-{digest}.jsonl"


def won_latest(state: dict[str, Any], run_id: str) -> list[tuple[str, str]]:
    """The suite × model pairs whose latest run is now ``run_id`` (after ``merge_state``)."""
    return [(e["suite"], e["model"]) for e in state["scores"] if e["run_id"] == run_id]


def split_card(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT.match(text)
    if match is None:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise CardError(f"the dataset card's YAML metadata does not parse: {exc}") from None
    if not isinstance(meta, dict):
        raise CardError("the dataset card's YAML metadata is not a mapping")
    return meta, text[match.end() :]


def _started(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _state(body: str) -> dict[str, Any]:
    block = body[body.find(BEGIN) :] if BEGIN in body else ""
    match = _STATE.search(block)
    try:
        state = json.loads(match.group(1)) if match else {}
    except ValueError:
        state = {}  # a hand-edited state: rebuilt from this run on
    return state if isinstance(state, dict) else {}


def merge_state(state: dict[str, Any], document: ResultsDocument) -> dict[str, Any]:
    run = document["run"]
    run_id, started = run["run_id"], run.get("started", "")
    scores = {(e["suite"], e["model"]): e for e in state.get("scores", [])}
    for g in document.get("summary", []):
        if not g.get("model"):
            continue
        key = (g["suite"], g["model"])
        old = scores.get(key)
        if old is not None and _started(old.get("started", "")) > _started(started):
            continue
        scores[key] = {
            "suite": g["suite"],
            "model": g["model"],
            "pass_rate": g.get("pass_rate"),
            "ci95": g.get("ci95"),
            "passed": g.get("passed", 0),
            "judged": g.get("passed", 0) + g.get("failed", 0),
            "run_id": run_id,
            "started": started,
        }
    latest = state.get("latest")
    if not isinstance(latest, dict) or _started(latest.get("started", "")) <= _started(started):
        latest = {"run_id": run_id, "started": started}
    return {
        "scores": sorted(scores.values(), key=lambda e: (e["suite"], e["model"])),
        "latest": latest,
    }


def _cell(text: Any) -> str:
    """Suite and model names come from user files: keep them inside their table cell."""
    s = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return s.replace("<", "&lt;").replace(">", "&gt;")


def _rate(e: dict[str, Any]) -> str:
    if e.get("pass_rate") is None:
        return "—"
    ci = e.get("ci95") or [e["pass_rate"], e["pass_rate"]]
    return f"{100 * e['pass_rate']:.1f}% [{100 * ci[0]:.0f}–{100 * ci[1]:.0f}]"


def render_block(state: dict[str, Any]) -> str:
    # ">" only occurs inside JSON strings; escaping it keeps "-->" out of the comment.
    blob = json.dumps(state, ensure_ascii=True, separators=(",", ":")).replace(">", "\\u003e")
    lines = [
        BEGIN,
        f"<!-- llmbench:state {blob} -->",
        "## Latest scores",
        "",
        "Latest run per suite × model; pass rate with a Wilson 95% interval.",
        "",
        "| suite | model | pass rate [95% CI] | passed / judged | run | started |",
        "|---|---|---|---|---|---|",
    ]
    for e in state["scores"]:
        lines.append(
            f"| {_cell(e['suite'])} | {_cell(e['model'])} | {_rate(e)} | "
            f"{e['passed']} / {e['judged']} | `{_cell(e['run_id'])}` | "
            f"{_cell(e['started'][:19])} |"
        )
    lines.append(END)
    return "\n".join(lines)


INTRO = """# {title}

Results of [pytest-llmbench](https://pypi.org/project/pytest-llmbench/) runs, one folder per
run under `runs/<run_id>/`: `results.json` is the run's full results document and
`results.jsonl` has one row per scenario × model × sample. The `all_runs` config holds every
run; `latest` the latest run of each suite × model (as the table below), from `latest/`.
Columns are typed by the `dataset_info` features above: `scores` and `transcript` are lists of
records, `passed` is empty (null) for rows without a verdict (skipped or error), so its mean is
the pass rate of the judged samples.

Licence: prompts in the rows come from the benchmark suites, each under its own licence (see
the suite files); model replies are subject to their providers' terms.

"""


def _ours(entry: Any) -> bool:
    return isinstance(entry, dict) and entry.get("config_name") in (ALL_RUNS, LATEST)


def merge_features(info: Any) -> list[Any]:
    """``dataset_info`` with our two configs' features, the owner's other entries kept."""
    entries = info if isinstance(info, list) else [info] if isinstance(info, dict) else []
    others = [e for e in entries if not _ours(e)]
    ours = [{"config_name": name, "features": FEATURES} for name in (LATEST, ALL_RUNS)]
    return [*ours, *others]


def merge_meta(meta: dict[str, Any], repo_id: str, has_latest: bool = True) -> dict[str, Any]:
    """``has_latest``: some ``latest/`` file exists (a repo whose runs have no model has none,
    and a config matching no file breaks the viewer: ``all_runs`` is then the only one)."""
    meta = dict(meta)
    meta.setdefault("license", LICENSE)
    meta.setdefault("pretty_name", f"{repo_id.split('/')[-1]} (pytest-llmbench results)")
    raw_tags = meta.get("tags")
    tags: list[Any] = raw_tags if isinstance(raw_tags, list) else []
    meta["tags"] = [*tags, *(t for t in TAGS if t not in tags)]
    others = [c for c in meta.get("configs") or [] if not _ours(c)]
    # The owner may already have chosen a default config; never add a second one.
    has_default = any(isinstance(c, dict) and c.get("default") for c in others)
    latest: dict[str, Any] = {
        "config_name": LATEST,
        "data_files": [{"split": "train", "path": LATEST_GLOB}],
    }
    all_runs: dict[str, Any] = {
        "config_name": ALL_RUNS,
        "data_files": [{"split": "train", "path": "runs/*/results.jsonl"}],
    }
    if not has_default:
        (latest if has_latest else all_runs)["default"] = True
    meta["configs"] = [latest, all_runs, *others] if has_latest else [all_runs, *others]
    infos = merge_features(meta.get("dataset_info"))
    meta["dataset_info"] = [i for i in infos if has_latest or i.get("config_name") != LATEST]
    return meta


def merge_card(existing: str | None, document: ResultsDocument, repo_id: str) -> str:
    """The new README.md: ``existing`` (None for a new repo) with this run merged in."""
    return merge_card_state(existing, document, repo_id)[0]


def merge_card_state(
    existing: str | None, document: ResultsDocument, repo_id: str, latest_exists: bool = False
) -> tuple[str, dict[str, Any]]:
    """The new README.md and the merged state (which says what ``latest`` now holds).
    ``latest_exists``: the repo already has ``latest/`` files."""
    meta, body = split_card(existing or "")
    state = merge_state(_state(body), document)
    block = render_block(state)
    if BEGIN in body and END in body[body.find(BEGIN) :]:
        start = body.find(BEGIN)
        end = body.find(END, start) + len(END)
        body = body[:start] + block + body[end:]
    elif body.strip():
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    else:
        body = INTRO.format(title=_cell(repo_id)) + block + "\n"
    has_latest = latest_exists or bool(won_latest(state, document["run"]["run_id"]))
    meta = merge_meta(meta, repo_id, has_latest)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n\n{body.lstrip(chr(10))}", state
