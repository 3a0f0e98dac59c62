"""The records of a results file, typed: what the run gathers, what the file holds, what gates
and reports read. TypedDicts, because each is JSON as written (and what xdist ships from its
workers in ``report.user_properties``); nothing else crosses modules as a bare dict.

Schema version 2 added ``scenarios`` (one ``ScenarioVerdict`` per scenario × model) and each
score's ``args``; ``results/reader.py`` reads version 1 files into this shape.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from pytest_llmbench.provenance import ProvenanceRecord
from pytest_llmbench.shard import ShardRecord

RESULTS_SCHEMA_VERSION = 2

Outcome = Literal["passed", "failed", "error", "skipped"]


class UsageRecord(TypedDict):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class JudgeUsageRecord(TypedDict):
    """A sample's judge calls (every judge model it asked), apart from the model's usage."""

    calls: int
    cached: int  # calls answered from the cache
    prompt_tokens: int
    completion_tokens: int
    cost: float | None


class _ScoreRecordBase(TypedDict):
    name: str
    passed: bool
    value: float | None
    reason: str
    turn: int | None  # None: a conversation-level scorer
    args: Any  # the scorer's arguments as written in the suite (None: none)


class ScoreRecord(_ScoreRecordBase, total=False):
    metadata: dict[str, Any]


class Where(TypedDict):
    """Which scenario × model a record is about (the same keys in rows and verdicts)."""

    nodeid: str
    suite: str
    scenario: str
    model: str | None
    file: str
    line: int
    provenance: ProvenanceRecord | None  # the suite's; None when it declares none


class _SampleRowBase(Where):
    tags: list[str]
    metadata: dict[str, Any]
    sample: int
    outcome: Outcome
    scores: list[ScoreRecord]
    transcript: list[dict[str, Any]]  # OpenAI-style messages with their "turn"
    usage: UsageRecord
    cost: float | None
    latency_s: float
    cached: bool
    calls: int
    error: str | None


class SampleRow(_SampleRowBase, total=False):
    """One row per scenario × model × sample (one row for an item that never ran)."""

    skip_reason: str | None  # only on the row of an item that never ran
    reference: str | None  # "pass[i]" / "fail[i]" when a built-in model replayed it
    stopped_at_turn: int | None
    judge: JudgeUsageRecord  # only when the sample asked a judge
    text_repaired: bool  # only when a reply held lone surrogates (replaced by U+FFFD)


class ScenarioVerdict(Where):
    """The verdict of one scenario × model, as pytest reported it."""

    outcome: Outcome
    samples_passed: int
    samples_total: int
    # llmbench/violate: the fail references were replayed, and the scenario passes when one of
    # them slipped through its scorers (it fails when every one failed, as it must).
    expected_failure: bool
    error: str | None  # why it is an error (or None)
    skip_reason: str | None
    has_references: bool


class _SuiteSummaryBase(TypedDict):
    suite: str
    model: str | None
    scenarios: int
    passed: int
    failed: int
    errors: int
    skipped: int
    no_references: int
    pass_rate: float | None
    ci95: list[float] | None  # Wilson 95% interval of pass_rate
    prompt_tokens: int
    completion_tokens: int
    cost: float | None
    calls: int
    cached_samples: int
    latency_p50_s: float | None
    latency_p95_s: float | None


class SuiteSummary(_SuiteSummaryBase, total=False):
    """Per suite × model; the sample statistics only with several samples per scenario."""

    samples_per_scenario: int
    sample_pass_rate: float
    pass_at_k: dict[str, float]
    # The judge's calls, tokens and cost (every judge model), when a judge was asked.
    judge_calls: int
    judge_prompt_tokens: int
    judge_completion_tokens: int
    judge_cost: float | None


class _RunInfoBase(TypedDict):
    run_id: str
    started: str
    finished: str
    duration_s: float
    models: list[str]
    api_base: str | None
    params: dict[str, Any]
    versions: dict[str, str | None]
    git_revision: str | None
    command: list[str]
    platform: str


class RunInfo(_RunInfoBase, total=False):
    """``shard``: written by a ``--llm-shard`` run; ``merged_from``: by ``llmbench merge``."""

    shard: ShardRecord
    merged_from: list[str]


class ComparisonRecord(TypedDict):
    """One paired comparison (exact McNemar) of the run: against the baseline, or between
    the first model and another one."""

    kind: Literal["baseline", "models"]
    before: str
    after: str
    baseline_run: str | None
    pairs: int
    newly_failing: int  # b: passed before, fails now
    newly_passing: int  # c
    p_value: float
    alpha: float
    significant: bool
    min_discordant: int  # fewest flips that can be significant at alpha
    # False: too few paired scenarios or flips for any outcome to be significant
    can_reach_significance: bool


class NotRunRecord(TypedDict):
    """A selected scenario × model with no result: the run ended (Ctrl-C, ``-x``) before its
    samples finished. Listed so a partial results file says what it lacks."""

    nodeid: str
    suite: str
    scenario: str
    model: str | None


class _ResultsDocumentBase(TypedDict):
    schema_version: int
    run: RunInfo
    summary: list[SuiteSummary]
    scenarios: list[ScenarioVerdict]
    results: list[SampleRow]
    aggregates: dict[str, dict[str, Any]]  # one object per benchmark family
    not_run: list[NotRunRecord]  # empty unless the run ended early


class ResultsDocument(_ResultsDocumentBase, total=False):
    comparisons: list[ComparisonRecord]  # absent in files written before it was recorded


class ItemPayload(TypedDict):
    """What an item ships to the controller in ``report.user_properties``."""

    verdict: ScenarioVerdict
    rows: list[SampleRow]
