"""The ``run`` header of the results file: ids, times, versions, parameters, git revision."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
import uuid
from collections.abc import Sequence
from importlib import metadata

from pytest_llmbench.options import Settings
from pytest_llmbench.redact import scrub
from pytest_llmbench.results.privacy import recorded_endpoint, typed_command
from pytest_llmbench.results.records import RunInfo


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def git_revision(cwd: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _scrubbed(url: str | None) -> str | None:
    return scrub(url) if url is not None else None


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc).isoformat()


def run_info(
    settings: Settings, started: float, rootpath: str, invocation_args: Sequence[str]
) -> RunInfo:
    import time

    s = settings
    return {
        "run_id": dt.datetime.fromtimestamp(started, tz=dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        + "-"
        + uuid.uuid4().hex[:8],
        "started": _iso(started),
        "finished": _iso(time.time()),
        "duration_s": round(time.time() - started, 3),
        "models": list(s.models),
        "api_base": _scrubbed(recorded_endpoint(s.api_base, s.record_endpoint)),
        "params": {
            "overrides": dict(s.overrides),
            "repeat": s.repeat,
            "scoring": s.scoring,
            "judge_model": s.judge_model,
            "judge_api_base": _scrubbed(recorded_endpoint(s.judge_api_base, s.record_endpoint)),
            "concurrency": s.concurrency,
            "rpm": s.rpm,
            "timeout_s": s.timeout,
            "retries": s.retries,
            "cache": s.cache_mode,
            # --llm-router: which models serve each group, and where (never a key)
            **(
                {
                    "router": {
                        g.name: [{"model": d.model, "api_base": d.api_base} for d in g.deployments]
                        for g in s.router_groups
                    }
                }
                if s.router_groups
                else {}
            ),
        },
        "versions": {
            "pytest-llmbench": _version("pytest-llmbench"),
            "litellm": _version("litellm"),
            "pytest": _version("pytest"),
            "python": platform.python_version(),
        },
        "git_revision": git_revision(rootpath),
        # The command line may hold a URL with credentials (--llm-api-base=http://u:p@host).
        "command": [scrub(a) for a in typed_command(invocation_args, rootpath, s.record_endpoint)],
        "platform": platform.platform(),
    }
