"""``llmbench upload RESULTS.json --repo OWNER/NAME``: upload a run made earlier (or one whose
upload failed at the end of its pytest run). Same code path as ``--llm-hf-repo``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    from pytest_llmbench.options import _api_base, _hf_repo

    p = sub.add_parser(
        "upload",
        help="upload a results file to a Hugging Face dataset repo",
        description="Upload a results file to a Hugging Face dataset repo (token from "
        "HF_TOKEN or `hf auth login`). Each run gets its own folder; the dataset card is "
        "updated, not replaced.",
    )
    p.add_argument("results", type=Path, metavar="RESULTS.json")
    p.add_argument("--repo", required=True, type=_hf_repo, metavar="OWNER/NAME")
    p.add_argument("--private", action="store_true", help="create the repo as private")
    p.add_argument(
        "--endpoint", type=_api_base, metavar="URL", help="Hub endpoint (default: HF_ENDPOINT)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pytest_llmbench.envdefaults import apply

    apply()  # telemetry off before huggingface_hub is imported
    from pytest_llmbench.errors import UploadError
    from pytest_llmbench.results.hub import describe_upload, upload_results_file

    if not args.results.is_file():
        print(f"llmbench upload: no such file: {args.results}", file=sys.stderr)
        return 2
    try:
        result = upload_results_file(
            args.results, args.repo, private=args.private, endpoint=args.endpoint
        )
    except UploadError as exc:
        print(f"llmbench upload: {args.repo}: FAILED: {exc}", file=sys.stderr)
        return 1
    for line in describe_upload(result):
        print(line)
    return 0
