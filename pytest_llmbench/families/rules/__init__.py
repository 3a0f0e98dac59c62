"""RuLES (rule following): the 14 scenarios, their evaluators, our own seeded suites, the
official test cases as suite files, re-scoring and aggregates.

* ``scenarios`` - the 14 scenarios, their official parameters and 19 behaviours;
* ``scorers`` - the ``rules/<scenario>`` scorers, on the evaluators ``match``, ``verdict``,
  ``security``, ``games``, ``evaluators`` (both modes);
* ``wording`` - how a case opens in system mode (S-RuLES) or user mode (the original paper);
* ``official`` - the official wording, read from the user's checkout (static parsing);
* ``templates`` - our own RuLES-style wording (shipped suites, imports without a checkout);
* ``params``, ``attacks``, ``profiles``, ``cases``, ``generate`` - our own seeded suites;
* ``sources``, ``importer`` - the official test cases into suite files;
* ``rescore``, ``aggregate``, ``cli`` - re-scoring, aggregates, ``llmbench`` verbs.
"""

from __future__ import annotations

from pytest_llmbench.families import Family

FAMILY = Family(
    name="rules",
    title="RuLES: does a model follow simple rules through adversarial conversations?",
    scorers="pytest_llmbench.families.rules.scorers",
    aggregate="pytest_llmbench.families.rules.aggregate",
    cli="pytest_llmbench.families.rules.cli",
    commands={
        "import": "import the official RuLES test cases",
        "rescore": "score RuLES transcripts (JSON Lines)",
        "generate": "generate own RuLES suites (seeded)",
    },
)
