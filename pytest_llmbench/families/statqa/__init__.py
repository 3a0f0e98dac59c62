"""StatQA (Zhu et al., NeurIPS 2024): choosing columns and applicable statistical methods.

Modules: ``methods`` (the closed list of 27), ``source`` (reading the official files),
``prompts``/``wording`` (prompt strategies), ``importer``, ``rescore``, ``rules`` (applicability
rules), ``tables``/``generator``/``gensuite`` (fresh items), ``aggregate``, ``cli``. The scorer
is ``pytest_llmbench.scorers.statqa``. See docs/statqa.md.
"""
