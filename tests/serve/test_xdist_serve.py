"""``--llm-serve`` with ``-n 2``: the controller starts one server (all its replicas) for all
workers, hands them the addresses, and stops it at the end; the workers never start one of their
own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.serve.test_managed_server import Bench, _wait_gone, run_llamacpp_replicas

pytest.importorskip("xdist")

# pytest-benchmark (installed system-wide here) warns that it is disabled under xdist.
XDIST = ("-n", "2", "-p", "no:benchmark")
MORE_SCENARIOS = "".join(
    f"  - id: extra-{i}\n    user: question {i}\n    expect: [{{contains: echo}}]\n"
    for i in range(4)
)


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    bench = Bench(tmp_path)
    suite = bench.root / "served.llmbench.yaml"
    suite.write_text(suite.read_text() + MORE_SCENARIOS)
    return bench


def server_logs(bench: Bench) -> list[Path]:
    return list((bench.root / "cache" / "serve").glob("Some-Model-*.log"))


@pytest.mark.slow
def test_workers_share_the_controllers_server(bench: Bench) -> None:
    result = bench.run(*XDIST, "--llm-results=out.json")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "2 workers" in out and "6 passed" in out, out
    assert len(server_logs(bench)) == 1, "more than one server was started"
    assert _wait_gone(bench.server_pid(), 5), "the server outlived the run"
    assert server_logs(bench)[0].read_text().count("standin: ready") == 1


@pytest.mark.slow
def test_workers_share_the_controllers_replicas(tmp_path: Path) -> None:
    result, per_replica, logs = run_llamacpp_replicas(Bench(tmp_path), *XDIST)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 workers" in result.stdout and "8 passed" in result.stdout
    assert len(logs) == 2, "the workers started servers of their own"
    assert len(per_replica) == 2 and sum(per_replica) == 8, per_replica
    assert all("standin: stopped" in log.read_text() for log in logs)


@pytest.mark.slow
def test_failed_start_is_reported_by_every_worker(bench: Bench) -> None:
    result = bench.run(*XDIST, STANDIN_MODE="fail")
    out = result.stdout
    assert result.returncode == 1, out
    assert "6 errors" in out and " failed" not in out.splitlines()[-1], out
    assert "vllm server (vllm) exited with code 3 before it became healthy" in out
    assert "CUDA error: no GPU found (simulated)" in out
    assert len(server_logs(bench)) == 1, "a worker tried to start its own server"


@pytest.mark.slow
def test_server_dying_mid_run_is_named_by_the_workers(bench: Bench) -> None:
    result = bench.run(*XDIST, "--llm-retries=0", STANDIN_MODE="crash")
    out = result.stdout
    assert result.returncode == 1, out
    assert "6 errors" in out and " failed" not in out.splitlines()[-1], out
    assert "server started by the xdist controller no longer answers" in out
    assert "segmentation fault (simulated)" in out
    assert len(server_logs(bench)) == 1
