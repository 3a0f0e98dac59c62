"""Upload of one run to a Hugging Face dataset repo: ``runs/<run_id>/results.json`` (the
results file as written), ``runs/<run_id>/results.jsonl`` (flat rows for the dataset viewer)
and the merged dataset card, in one ``HfApi.create_commit``.

- huggingface_hub is imported here only, lazily (its import is slow; the plugin must stay
  cheap to load). No ``datasets``: it pulls pyarrow and pandas for nothing we need.
- The token comes from HF_TOKEN or ``hf auth login`` (huggingface_hub reads both itself); it is
  never an option, never printed, and redacted from every error message we show.
- Runs never overwrite each other: a folder that exists is left alone ("already uploaded").
- The commit names the revision the card was read from (``parent_commit``): a concurrent
  upload makes it fail with 412 and the whole read-merge-commit is retried, so no score is
  lost. Transient errors (429, 5xx, connection) are retried with backoff by tenacity.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_llmbench.backoff import Backoff, Clock, parse_retry_after
from pytest_llmbench.errors import CardError, UploadError
from pytest_llmbench.redact import redact, scrub, secret_values
from pytest_llmbench.results.card import jsonl_path, latest_path, merge_card_state, won_latest
from pytest_llmbench.results.jsonl import dataset_rows, to_jsonl

if TYPE_CHECKING:
    from tenacity import RetryCallState

    from pytest_llmbench.results.records import ResultsDocument

TRANSIENT_STATUS = frozenset({408, 412, 425, 429, 500, 502, 503, 504})


UPLOAD_BACKOFF = Backoff(initial=1.0, maximum=30.0, max_retry_after=120.0)


@dataclass(frozen=True)
class UploadPolicy:
    retries: int = 4
    backoff: Backoff = UPLOAD_BACKOFF
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    clock: Clock = field(default=time.time, compare=False)  # reads a Retry-After HTTP-date

    def wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        return self.backoff.seconds(state.attempt_number, _retry_after(exc, self.clock))


POLICY = UploadPolicy()  # tests replace it to retry without sleeping


@dataclass
class UploadResult:
    repo_id: str
    run_id: str
    folder: str
    url: str
    commit_url: str | None  # None when the run was already there
    warnings: list[str] = field(default_factory=list)


def _secrets() -> list[str]:
    try:
        from huggingface_hub import get_token

        token = get_token()  # also a token from `hf auth login`, not only HF_TOKEN
    except Exception:  # a broken login must not hide the real error
        token = None
    return secret_values(extra=[token] if token else [], json_escaped=True)


def _status(exc: BaseException | None) -> int | None:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _retry_after(exc: BaseException | None, now: Clock) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    value = headers.get("Retry-After")
    return parse_retry_after(value if isinstance(value, str) else None, now)


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Connection-level errors of whichever HTTP library this huggingface_hub uses
    (requests before 1.0, httpx after; only modules already imported are looked at)."""
    found: list[type[BaseException]] = [ConnectionError, TimeoutError]
    for module, names in (
        ("httpx2", ("TransportError",)),
        ("httpx", ("TransportError",)),
        ("requests", ("ConnectionError", "Timeout")),
    ):
        mod = sys.modules.get(module)
        if mod is not None:
            found += [getattr(mod, n) for n in names if isinstance(getattr(mod, n, None), type)]
    return tuple(found)


def is_transient(exc: BaseException) -> bool:
    status = _status(exc)
    if status is not None:
        return status in TRANSIENT_STATUS
    return isinstance(exc, _transport_errors())


def _attempt(
    api: Any, repo_id: str, private: bool, document: ResultsDocument, raw: str, secrets: list[str]
) -> UploadResult:
    from huggingface_hub import CommitOperationAdd

    run_id = document["run"]["run_id"]
    folder = f"runs/{run_id}"
    repo_url = str(api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True))
    info = api.dataset_info(repo_id, revision="main")
    names = {s.rfilename for s in info.siblings or []}
    result = UploadResult(repo_id, run_id, folder, repo_url, None)
    if private and not info.private:
        result.warnings.append(f"{repo_id} exists and is public; --private applies on creation")
    if f"{folder}/results.json" in names:
        return result  # uploaded before (perhaps by an attempt whose answer was lost)
    card = None
    if "README.md" in names:
        with tempfile.TemporaryDirectory() as tmp:
            local = api.hf_hub_download(
                repo_id, "README.md", repo_type="dataset", revision=info.sha, cache_dir=tmp
            )
            card = Path(local).read_text(encoding="utf-8")
    rows = dataset_rows(document)
    latest_exists = any(n.startswith("latest/") for n in names)
    readme, state = merge_card_state(card, document, repo_id, latest_exists)
    files = {
        f"{folder}/results.json": raw,
        jsonl_path(run_id): to_jsonl(rows),
        "README.md": readme,
    }
    # The ``latest`` config: this run's rows of each suite × model it is now the latest run of
    # (an older run uploaded late replaces nothing).
    for suite, model in won_latest(state, run_id):
        mine = [r for r in rows if r["suite"] == suite and r["model"] == model]
        files[latest_path(suite, model)] = to_jsonl(mine)
    ops = [CommitOperationAdd(p, redact(text, secrets).encode()) for p, text in files.items()]
    commit = api.create_commit(
        repo_id,
        ops,
        commit_message=f"llmbench run {run_id}",
        repo_type="dataset",
        parent_commit=info.sha,
    )
    result.commit_url = str(commit.commit_url)
    return result


def upload_results_file(
    path: Path,
    repo_id: str,
    *,
    private: bool = False,
    endpoint: str | None = None,
    policy: UploadPolicy | None = None,
) -> UploadResult:
    """Upload one results file; raise ``UploadError`` with a secret-free message."""
    from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt

    from pytest_llmbench.errors import ResultsFileError
    from pytest_llmbench.results.reader import parse_results

    policy = policy or POLICY
    try:
        raw = path.read_text(encoding="utf-8")
        # Any schema version; the file itself is uploaded as written.
        document = parse_results(json.loads(raw), str(path))
        str(document["run"]["run_id"])  # the folder name: fail early without it
    except (OSError, ValueError, KeyError, TypeError) as exc:
        reason = str(exc) if isinstance(exc, ResultsFileError) else f"{path}: {exc}"
        raise UploadError(f"not a readable pytest-llmbench results file: {reason}") from None
    secrets = _secrets()
    from huggingface_hub import HfApi, get_token

    try:
        token = get_token()
    except Exception as exc:  # e.g. a failed OIDC exchange (HF_OIDC_RESOURCE set)
        raise UploadError(f"cannot get a Hugging Face token: {_message(exc, secrets)}") from None
    if not token:
        raise UploadError("no Hugging Face token: set HF_TOKEN or run `hf auth login`")
    from pytest_llmbench import __version__

    # HF_ENDPOINT is read by huggingface_hub once, at its import; reading it here as well lets
    # a later change (a test, a wrapper script) take effect.
    api = HfApi(
        endpoint=endpoint or os.environ.get("HF_ENDPOINT") or None,
        library_name="pytest-llmbench",
        library_version=__version__,
    )
    retrying = Retrying(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(policy.retries + 1),
        wait=policy.wait,
        sleep=policy.sleep,
    )
    try:
        # The Hub's metadata check turns its remarks into UserWarnings; under pytest's
        # "-W error" they would abort an upload that is fine, so they become our warnings.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for attempt in retrying:
                with attempt:
                    result = _attempt(api, repo_id, private, document, raw, secrets)
                    result.warnings += sorted({redact(str(w.message), secrets) for w in caught})
                    return result
    except RetryError as exc:
        n = exc.last_attempt.attempt_number
        cause = exc.last_attempt.exception()
        raise UploadError(f"{_message(cause, secrets)} (gave up after {n} attempts)") from None
    except CardError as exc:
        raise UploadError(f"{exc}; fix README.md in {repo_id}") from None
    except Exception as exc:
        raise UploadError(_message(exc, secrets)) from None
    raise AssertionError("unreachable: tenacity yields until success or RetryError")


def _message(exc: BaseException | None, secrets: list[str]) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__  # one line for the terminal
    return scrub(f"{type(exc).__name__}: {text}", secrets)  # an endpoint URL's userinfo too


def retry_command(path: Path, repo_id: str, endpoint: str | None, private: bool) -> str:
    parts = ["llmbench", "upload", shlex.quote(str(path)), "--repo", repo_id]
    if endpoint:
        parts += ["--endpoint", shlex.quote(endpoint)]
    if private:
        parts.append("--private")
    return " ".join(parts)


def upload_after_run(
    path: Path | None,
    repo_id: str,
    *,
    endpoint: str | None,
    private: bool,
    ran: bool,
    interrupted: bool,
) -> list[str]:
    """Upload at the end of a run (``ran``: some scenario produced rows); never raises (the
    run's outcome is not the upload's). Returns the terminal notes."""
    if path is None or not ran:
        return [f"llmbench: nothing to upload to {repo_id}: no scenario ran"]
    hint = retry_command(path, repo_id, endpoint, private)
    if interrupted:
        return [f"llmbench: run interrupted, not uploaded; to upload it anyway: {hint}"]
    try:
        result = upload_results_file(path, repo_id, private=private, endpoint=endpoint)
    except Exception as exc:  # whatever broke, the run's own report must still be printed
        reason = str(exc) if isinstance(exc, UploadError) else _message(exc, _secrets())
        return [
            f"llmbench: upload to {repo_id} FAILED: {reason}",
            f"llmbench: the results are kept in {path}; retry with: {hint}",
        ]
    return describe_upload(result)


def describe_upload(result: UploadResult) -> list[str]:
    lines = [f"llmbench: warning: {w}" for w in result.warnings]
    if result.commit_url is None:
        lines.append(f"llmbench: run {result.run_id} is already in {result.repo_id}; unchanged")
    else:
        lines.append(
            f"llmbench: uploaded run {result.run_id} to {result.url} "
            f"({result.folder}/, commit {result.commit_url})"
        )
    return lines
