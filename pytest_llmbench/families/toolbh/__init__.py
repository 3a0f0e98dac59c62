"""ToolBH ("ToolBeHonest"): importer, prompts, re-scoring and aggregates.

Scoring itself lives in ``pytest_llmbench.scorers.toolbh`` (``scorers/_toolbh_*.py``), shared
by the pytest scorers and ``llmbench rescore toolbh``. Spec: ``../shared/benchmarks/toolbh.md``;
user documentation: ``docs/toolbh.md``.
"""
