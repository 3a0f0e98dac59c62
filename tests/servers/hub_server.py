"""An in-process stand-in for the Hugging Face Hub: enough of its HTTP API for huggingface_hub.

Download side: repo info, tree listing, ``resolve`` (HEAD + GET, with the ETag / X-Repo-Commit /
Content-Length headers ``hf_hub_download`` needs). Upload side: repo creation, ``preupload``
(every file "regular", so no LFS or Xet transfer is ever attempted), the NDJSON ``commit`` and
``validate-yaml`` (asked before a README.md is committed).
Nothing on PyPI fits (see STYLE.md section 3). Repos live in memory: tests pre-seed them with
``create_repo`` / ``commit`` and inspect them with ``files``. Optional bearer-token check,
private repos, and fault injection (``fail_next``) for retry tests.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from aiohttp import web

__all__ = ["FakeHubServer", "HubRepo", "git_blob_oid", "use_stand_in"]

_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}


def git_blob_oid(data: bytes) -> str:
    """Git's blob id, which the Hub uses as ETag and as ``oid`` of regular files."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Commit:
    oid: str
    summary: str
    parent: str | None
    files: dict[str, bytes]  # a full snapshot: commits are rare and files small in tests


@dataclass
class HubRepo:
    repo_id: str
    repo_type: str
    private: bool = False
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)

    def resolve(self, revision: str) -> Commit | None:
        oid = self.branches.get(revision, revision)
        return self.commits.get(oid)

    def add_commit(self, branch: str, summary: str, files: dict[str, bytes]) -> Commit:
        parent = self.branches.get(branch)
        seed = json.dumps([parent, summary, len(self.commits), sorted(files)]).encode()
        oid = hashlib.sha1(seed + b"".join(files.values())).hexdigest()
        commit = Commit(oid, summary, parent, files)
        self.commits[oid] = commit
        self.branches[branch] = oid
        return commit


@dataclass
class RequestLog:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names


class HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code

    def response(self) -> web.Response:
        headers = {"X-Error-Message": self.message}
        if self.code:
            headers["X-Error-Code"] = self.code
        return web.json_response({"error": self.message}, status=self.status, headers=headers)


class FakeHubServer:
    """``with FakeHubServer(token=...) as hub: HfApi(endpoint=hub.url, token=...)``."""

    def __init__(self, token: str | None = None, username: str = "tester") -> None:
        self.token, self.username = token, username
        self._repos: dict[tuple[str, str], HubRepo] = {}
        self._faults: list[tuple[int, float | str | None, str]] = []
        self._log: list[RequestLog] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._port = 0

    # --- life cycle (same pattern as FakeOpenAIServer) -------------------------------------

    @property
    def url(self) -> str:
        if not self._port:
            raise RuntimeError("server is not running")
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> FakeHubServer:
        sock = socket.create_server(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        self._thread = threading.Thread(target=self._run, args=(sock,), daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake Hub server failed to start")
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        if self._loop is not None and self._stopping is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(5)
        self._thread, self._port = None, 0

    def __enter__(self) -> FakeHubServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self, sock: socket.socket) -> None:
        asyncio.run(self._serve(sock))

    async def _serve(self, sock: socket.socket) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await runner.setup()
        try:
            await web.SockSite(runner, sock).start()
            self._ready.set()
            await self._stopping.wait()
        finally:
            await runner.cleanup()
            sock.close()

    # --- test-side API -----------------------------------------------------------------------

    def create_repo(
        self,
        repo_id: str,
        files: Mapping[str, bytes | str] | None = None,
        *,
        repo_type: str = "dataset",
        private: bool = False,
    ) -> HubRepo:
        """Pre-seed a repo; ``files`` become its first commit on ``main``."""
        with self._lock:
            repo = HubRepo(repo_id, repo_type, private)
            self._repos[(repo_type, repo_id)] = repo
            repo.add_commit("main", "initial commit", _as_bytes(files or {}))
            return repo

    def commit(
        self,
        repo_id: str,
        files: Mapping[str, bytes | str],
        *,
        repo_type: str = "dataset",
        message: str = "update",
        branch: str = "main",
    ) -> str:
        with self._lock:
            repo = self._repos[(repo_type, repo_id)]
            head = repo.resolve(branch)
            snapshot = {**(head.files if head else {}), **_as_bytes(files)}
            return repo.add_commit(branch, message, snapshot).oid

    def repo(self, repo_id: str, repo_type: str = "dataset") -> HubRepo:
        with self._lock:
            return self._repos[(repo_type, repo_id)]

    def files(
        self, repo_id: str, revision: str = "main", repo_type: str = "dataset"
    ) -> dict[str, bytes]:
        commit = self.repo(repo_id, repo_type).resolve(revision)
        if commit is None:
            raise KeyError(revision)
        return dict(commit.files)

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        *,
        retry_after: float | str | None = None,
        match: str = "",
    ) -> None:
        """The next ``n`` requests whose path contains ``match`` answer ``status``, with
        ``Retry-After`` in seconds or as the text given (an HTTP-date)."""
        with self._lock:
            self._faults.extend([(status, retry_after, match)] * n)

    @property
    def requests(self) -> list[RequestLog]:
        with self._lock:
            return list(self._log)

    # --- HTTP side ---------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw = request.rel_url.raw_path
        # Split before unquoting: huggingface_hub quotes revisions and tree paths with safe=""
        # so an encoded "/" stays inside its segment.
        parts = [unquote(p) for p in raw.strip("/").split("/")]
        body = await request.read()
        with self._lock:
            self._log.append(
                RequestLog(
                    request.method,
                    unquote(raw),
                    dict(request.query),
                    {k.lower(): v for k, v in request.headers.items()},
                )
            )
            fault = next((f for f in self._faults if f[2] in unquote(raw)), None)
            if fault is not None:
                self._faults.remove(fault)
        if fault is not None:
            status, retry_after, _ = fault
            headers = {}
            if retry_after is not None:
                value = retry_after if isinstance(retry_after, str) else format(retry_after, "g")
                headers["Retry-After"] = value
            return web.json_response(
                {"error": f"injected fault: HTTP {status}"}, status=status, headers=headers
            )
        try:
            authorized = self._check_token(request)
            with self._lock:
                return self._route(request, parts, body, authorized)
        except HubError as exc:
            return exc.response()

    def _check_token(self, request: web.Request) -> bool:
        """Whether the request carries a valid token. Without a configured token any bearer
        token is valid (private repos then only need *a* token, as for a logged-in user)."""
        header = request.headers.get("Authorization", "")
        given = header[7:] if header.startswith("Bearer ") else None
        if self.token is None:
            return given is not None
        if given is not None and given != self.token:
            raise HubError(401, "Invalid credentials in Authorization header")
        return given is not None

    def _route(
        self, request: web.Request, parts: list[str], body: bytes, authorized: bool
    ) -> web.StreamResponse:
        method = request.method
        if parts == ["api", "whoami-v2"] and method == "GET":
            if not authorized:
                raise HubError(401, "Invalid credentials in Authorization header")
            return web.json_response({"type": "user", "name": self.username})
        if parts == ["api", "validate-yaml"] and method == "POST":
            return _validate_yaml(json.loads(body or b"{}"))
        if parts == ["api", "repos", "create"] and method == "POST":
            return self._create(request, json.loads(body or b"{}"), authorized)
        if len(parts) >= 4 and parts[0] == "api" and parts[1] in _TYPES:
            repo = self._find(_TYPES[parts[1]], f"{parts[2]}/{parts[3]}", authorized)
            rest = parts[4:]
            if not rest and method == "GET":
                return self._info(request, repo, "main")
            if len(rest) == 2 and rest[0] == "revision" and method == "GET":
                return self._info(request, repo, rest[1])
            if len(rest) >= 2 and rest[0] == "tree" and method == "GET":
                return self._tree(request, repo, rest[1], "/".join(rest[2:]))
            if len(rest) == 2 and rest[0] in ("preupload", "commit") and method == "POST":
                self._require_write(authorized)
                if rest[0] == "preupload":
                    return self._preupload(repo, rest[1], json.loads(body or b"{}"))
                return self._commit(request, repo, rest[1], body)
        kind = _TYPES.get(parts[0], "model") if parts else "model"
        start = 0 if kind == "model" else 1
        if len(parts) >= start + 5 and parts[start + 2] == "resolve" and method in ("GET", "HEAD"):
            repo_id = f"{parts[start]}/{parts[start + 1]}"
            repo = self._find(kind, repo_id, authorized)
            return self._resolve(request, repo, parts[start + 3], "/".join(parts[start + 4 :]))
        raise HubError(404, f"no route for {method} {request.rel_url.raw_path}")

    def _require_write(self, authorized: bool) -> None:
        if self.token is not None and not authorized:
            raise HubError(401, "You must be authenticated to write")

    def _find(self, repo_type: str, repo_id: str, authorized: bool) -> HubRepo:
        repo = self._repos.get((repo_type, repo_id))
        # The real Hub answers 401 + RepoNotFound for a private repo the caller cannot see.
        if repo is None or (repo.private and not authorized):
            status = 401 if repo is not None else 404
            raise HubError(status, "Repository not found", "RepoNotFound")
        return repo

    def _commit_of(self, repo: HubRepo, revision: str) -> Commit:
        commit = repo.resolve(revision)
        if commit is None:
            raise HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        return commit

    def _prefix(self, request: web.Request, repo: HubRepo) -> str:
        kind = "" if repo.repo_type == "model" else f"{repo.repo_type}s/"
        return f"{request.scheme}://{request.host}/{kind}{repo.repo_id}"

    def _create(
        self, request: web.Request, payload: dict[str, object], authorized: bool
    ) -> web.Response:
        self._require_write(authorized)
        name, org = str(payload.get("name") or ""), payload.get("organization")
        repo_type = str(payload.get("type") or "model")
        repo_id = f"{org or self.username}/{name}"
        private = payload.get("private") is True or payload.get("visibility") == "private"
        key = (repo_type, repo_id)
        if key in self._repos:
            url = self._prefix(request, self._repos[key])
            return web.json_response(
                {"error": "You already created this repo", "url": url}, status=409
            )
        repo = HubRepo(repo_id, repo_type, private)
        repo.add_commit("main", "initial commit", {})
        self._repos[key] = repo
        return web.json_response({"url": self._prefix(request, repo), "name": repo_id})

    def _info(self, request: web.Request, repo: HubRepo, revision: str) -> web.Response:
        commit = self._commit_of(repo, revision)
        siblings = [
            {"rfilename": p, "size": len(d), "blobId": git_blob_oid(d)}
            for p, d in sorted(commit.files.items())
        ]
        return web.json_response(
            {
                "id": repo.repo_id,
                "author": repo.repo_id.split("/")[0],
                "sha": commit.oid,
                "private": repo.private,
                "gated": False,
                "disabled": False,
                "downloads": 0,
                "likes": 0,
                "tags": [],
                "lastModified": "2024-01-01T00:00:00.000Z",
                "siblings": siblings,
            }
        )

    def _tree(self, request: web.Request, repo: HubRepo, revision: str, path: str) -> web.Response:
        commit = self._commit_of(repo, revision)
        recursive = request.query.get("recursive", "").lower() == "true"
        prefix = f"{path.strip('/')}/" if path.strip("/") else ""
        entries: dict[str, dict[str, object]] = {}
        for name, data in sorted(commit.files.items()):
            if not name.startswith(prefix):
                continue
            tail = name[len(prefix) :].split("/")
            for depth in range(1, len(tail)):  # the folders on the way to the file
                folder = prefix + "/".join(tail[:depth])
                if recursive or depth == 1:
                    entries.setdefault(folder, {"type": "directory", "oid": "0" * 40, "size": 0})
            if recursive or len(tail) == 1:
                entries[name] = {"type": "file", "oid": git_blob_oid(data), "size": len(data)}
        if prefix and not entries:
            raise HubError(404, f"{path} does not exist on {revision}", "EntryNotFound")
        return web.json_response([{**e, "path": p} for p, e in entries.items()])

    def _resolve(
        self, request: web.Request, repo: HubRepo, revision: str, path: str
    ) -> web.Response:
        commit = self._commit_of(repo, revision)
        if path not in commit.files:
            raise HubError(404, "Entry not found", "EntryNotFound")
        data = commit.files[path]
        headers = {
            "ETag": f'"{git_blob_oid(data)}"',
            "X-Repo-Commit": commit.oid,
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
        }
        start = _range_start(request.headers.get("Range"))
        if start and start < len(data):  # resumed download
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            return web.Response(status=206, body=data[start:], headers=headers)
        return web.Response(body=data, headers=headers)

    def _preupload(self, repo: HubRepo, revision: str, payload: dict[str, object]) -> web.Response:
        commit = self._commit_of(repo, revision)
        files = payload.get("files")
        if not isinstance(files, list):
            raise HubError(400, "preupload payload needs a 'files' list")
        out = []
        for f in files:
            existing = commit.files.get(f["path"])
            # "oid" lets the client skip files that did not change, as with the real Hub.
            oid = None if existing is None else git_blob_oid(existing)
            out.append(
                {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False, "oid": oid}
            )
        return web.json_response({"files": out, "commitOid": commit.oid})

    def _commit(
        self, request: web.Request, repo: HubRepo, revision: str, body: bytes
    ) -> web.Response:
        lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        if not lines or lines[0].get("key") != "header":
            raise HubError(400, "commit payload must start with a header line")
        header = lines[0]["value"]
        base = self._commit_of(repo, revision)
        if revision not in repo.branches:
            raise HubError(400, f"cannot commit to {revision}: not a branch")
        parent = header.get("parentCommit")
        if parent is not None and parent != base.oid:
            raise HubError(412, "A commit has happened since. Please refresh and try again.")
        files = dict(base.files)
        for op in lines[1:]:
            key, value = op.get("key"), op.get("value", {})
            if key == "file":
                files[value["path"]] = base64.b64decode(value["content"])
            elif key == "deletedFile":
                if files.pop(value["path"], None) is None:
                    raise HubError(404, "A file with this name doesn't exist", "EntryNotFound")
            elif key == "deletedFolder":
                folder = value["path"].rstrip("/") + "/"
                files = {p: d for p, d in files.items() if not p.startswith(folder)}
            else:  # lfsFile never happens: preupload answers "regular" for every file
                raise HubError(400, f"unsupported commit operation {key!r}")
        branch, pr_url = revision, None
        if request.query.get("create_pr") == "1":
            branch = f"refs/pr/{sum(b.startswith('refs/pr/') for b in repo.branches) + 1}"
            repo.branches[branch] = base.oid
            pr_url = f"{self._prefix(request, repo)}/discussions/{branch.rsplit('/', 1)[1]}"
        commit = repo.add_commit(branch, str(header.get("summary") or ""), files)
        url = f"{self._prefix(request, repo)}/commit/{commit.oid}"
        return web.json_response(
            {"success": True, "commitOid": commit.oid, "commitUrl": url, "pullRequestUrl": pr_url}
        )


def _validate_yaml(payload: dict[str, object]) -> web.Response:
    """What ``create_commit`` asks before committing a README.md: does its YAML front matter
    parse, and is each ``configs`` entry usable by the dataset viewer. Errors answer 400 with
    ``errors`` (the client raises ValueError); the real Hub's many metadata checks are not
    reproduced."""
    import yaml

    content = str(payload.get("content") or "")
    errors: list[str] = []
    if content.startswith("---"):
        front, sep, _ = content[3:].partition("\n---")
        try:
            meta = yaml.safe_load(front) if sep else None
        except yaml.YAMLError as exc:
            meta, errors = None, [f"YAML does not parse: {exc}"]
        if not sep:
            errors.append("front matter is not closed by ---")
        elif meta is not None and not isinstance(meta, dict):
            errors.append("metadata must be a mapping")
        configs = (meta.get("configs") or []) if isinstance(meta, dict) else []
        for cfg in configs:
            if not isinstance(cfg, dict) or not cfg.get("config_name") or "data_files" not in cfg:
                errors.append(f"configs entry needs config_name and data_files: {cfg!r}")
    if errors:
        return web.json_response({"errors": [{"message": e} for e in errors]}, status=400)
    return web.json_response({"errors": [], "warnings": []})


def use_stand_in(server: FakeHubServer, monkeypatch: Any, home: Path) -> None:
    """Point huggingface_hub at ``server`` for one test: its endpoint, a fresh cache under
    ``home``, online, and no token of the machine's."""
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)


def _as_bytes(files: Mapping[str, bytes | str]) -> dict[str, bytes]:
    return {p: d.encode() if isinstance(d, str) else bytes(d) for p, d in files.items()}


def _range_start(header: str | None) -> int:
    if not header or not header.startswith("bytes="):
        return 0
    first = header[6:].split("-", 1)[0]
    return int(first) if first.isdigit() else 0
