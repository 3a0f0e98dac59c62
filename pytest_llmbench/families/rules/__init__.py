"""RuLES (rule-following) benchmark family.

* ``scenarios`` - the 14 scenarios, their official parameters and 19 behaviours;
* ``match``, ``verdict``, ``security``, ``games``, ``evaluators`` - the evaluators (both modes);
* ``wording`` - how a case opens in system mode (S-RuLES) or user mode (the original paper);
* ``official`` - the official wording, read from the user's checkout (static parsing);
* ``templates`` - our own RuLES-style wording (shipped suites, imports without a checkout);
* ``params``, ``attacks``, ``profiles``, ``cases``, ``generate`` - our own seeded suites;
* ``sources``, ``importer`` - the official test cases into suite files;
* ``rescore``, ``aggregate``, ``cli`` - re-scoring, aggregates, ``llmbench`` verbs.

The scorers (``rules/<scenario>``) live in ``pytest_llmbench.scorers.rules``.
"""
