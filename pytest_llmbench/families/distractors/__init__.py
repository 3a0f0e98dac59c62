"""Seemingly Plausible Distractors (multi-hop QA): importer, generator, re-scoring, paired report.

Scoring itself lives in ``pytest_llmbench.scorers.multihop`` (``multihop/f1``); see
``docs/distractors.md``.
"""
