"""Generic scorers, installed as ``pytest_llmbench.scorers`` (this folder is mapped into the
package by pyproject's ``package-dir``).

``text``, ``structured`` and ``tools`` hold the scorers without a namespace (``contains``,
``json_valid``, ``tool_called``, ...); every public module here is loaded on the first scorer
lookup, so a new generic module needs no list entry. ``matching`` is the public toolkit the
benchmark families build on (quoting for reasons, word counts, argument checks). A benchmark
family's own scorers live in its package, ``pytest_llmbench/families/<name>/scorers.py``.
All of it is written only against the public API, which keeps that API honest.
"""
