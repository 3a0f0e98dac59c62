"""RuLES (rule-following) benchmark family.

* ``scenarios`` - the 14 scenarios, their official parameters and 19 behaviours;
* ``match``, ``verdict``, ``security``, ``games``, ``evaluators`` - the evaluators (both modes);
* ``templates`` - the vendored instruction texts, rendered for system mode (S-RuLES);
* ``params``, ``attacks``, ``profiles``, ``cases``, ``generate`` - our own seeded suites;
* ``sources``, ``importer`` - the official test cases into suite files;
* ``rescore``, ``aggregate``, ``cli`` - re-scoring, aggregates, ``llmbench`` verbs.

The scorers (``rules/<scenario>``) live in ``pytest_llmbench.scorers.rules``.
"""
