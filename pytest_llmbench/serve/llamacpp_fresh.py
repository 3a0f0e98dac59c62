"""``python -m pytest_llmbench.serve.llamacpp_fresh ARGS``: llama-cpp-python's server, with
each completion evaluating its prompt from scratch.

llama-cpp-python keeps the previous request's tokens in its KV cache and evaluates only the
part of a new prompt after the longest shared prefix (the whole prompt but its last token for
a repeated request). Logits from a partly reused cache differ in the last bits from a full
evaluation, so greedy decoding then depends on which request came before: the same request
sent twice in a row gave two different replies with SmolLM2 (benchmarks/local_model.py shows
it), and a scenario's verdict could change with the run's order. Resetting the model state
before each generation makes a reply a function of its request alone. The cost is the prompt
evaluation the reuse would have saved (see docs/performance.md).

Started only for the packaged ``local/NAME`` models (``serve.spec.local_serve_spec``): it needs
this package in the server's interpreter, which a user's ``exe=PYTHON`` may lack.
"""

from __future__ import annotations

import importlib
import runpy
from collections.abc import Callable, Iterator
from typing import Any


def fresh_generate(generate: Callable[..., Iterator[int]]) -> Callable[..., Iterator[int]]:
    """``Llama.generate`` that first forgets the cached tokens (the server holds a lock around
    each completion, so no other request can run between the reset and the generation)."""

    def run(self: Any, tokens: Any, *args: Any, **kwargs: Any) -> Iterator[int]:
        self.reset()
        return generate(self, tokens, *args, **kwargs)

    return run


def main() -> None:
    # Imported by name: the dev extra (and its mypy run) has no llama-cpp-python.
    llama = importlib.import_module("llama_cpp").Llama
    llama.generate = fresh_generate(llama.generate)
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
