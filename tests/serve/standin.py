"""A stand-in inference server executable for the ``--llm-serve`` tests.

Installed as ``vllm`` (or ``llama-server``) on PATH by the tests, it accepts the launcher's
command line, serves the fake OpenAI server on the given ``--port`` (``/v1/models`` and chat
completions echoing the last user message), and misbehaves on request through environment
variables:

- ``STANDIN_PIDFILE``: write the process id there first;
- ``STANDIN_ARGV``: write the command line there (JSON);
- ``STANDIN_MODE``: ``ok`` (default), ``fail`` (print an error and exit 3 at once), ``slow``
  (wait ``STANDIN_DELAY`` seconds before listening), ``crash`` (exit 5 on the first chat
  request);
- ``STANDIN_LATENCY``: seconds each chat reply takes;
- ``STANDIN_CALLS``: a folder; each chat request appends a line to ``<port>.txt`` there (which
  of several replicas answered it).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.servers import openai_server


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--served-model-name", "--alias", "--model_alias", dest="alias")
    args, _ = parser.parse_known_args(argv)
    if os.environ.get("STANDIN_PIDFILE"):
        Path(os.environ["STANDIN_PIDFILE"]).write_text(str(os.getpid()))
    if os.environ.get("STANDIN_ARGV"):
        Path(os.environ["STANDIN_ARGV"]).write_text(json.dumps(argv))
    mode = os.environ.get("STANDIN_MODE", "ok")
    print(f"standin: starting in mode {mode} on port {args.port}", flush=True)
    if mode == "fail":
        print("standin: CUDA error: no GPU found (simulated)", flush=True)
        return 3
    if mode == "slow":
        time.sleep(float(os.environ.get("STANDIN_DELAY", "30")))
    create_server = socket.create_server
    # The fake binds port 0; a real server binds the port it is given.
    openai_server.socket.create_server = lambda _addr, **kw: create_server(  # type: ignore[attr-defined]
        (args.host, args.port), **kw
    )
    server = openai_server.FakeOpenAIServer(models=(args.alias or "standin",))
    server.latency = float(os.environ.get("STANDIN_LATENCY", "0"))
    if mode == "crash":  # healthy, then dies on the first chat request

        def crash(body: object) -> str:
            print("standin: segmentation fault (simulated)", flush=True)
            os._exit(5)

        server.script(crash)
    elif os.environ.get("STANDIN_CALLS"):
        calls = Path(os.environ["STANDIN_CALLS"]) / f"{args.port}.txt"

        def record(body: object) -> str:
            with calls.open("a") as out:
                out.write("call\n")
            return f"echo: {openai_server.last_user_text(body)}"  # type: ignore[arg-type]

        server.script(record)
    server.start()
    print("standin: ready", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    server.stop()
    print("standin: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
