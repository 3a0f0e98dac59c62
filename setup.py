"""Package discovery; everything else is in pyproject.toml.

The repository keeps scorer code in ``scorers/`` and suites in ``suites/`` at the top level, and
installs them as ``pytest_llmbench.scorers`` and ``pytest_llmbench.suites`` (the ``package-dir``
mapping in pyproject.toml). pyproject's ``packages.find`` cannot discover packages under a mapped
folder, so discovery happens here: every package below ``pytest_llmbench/`` (a new family
folder needs no list entry) plus the two mapped folders and whatever they hold.
"""

from setuptools import find_packages, setup

MAPPED = ("scorers", "suites")

setup(
    packages=[
        *find_packages(include=["pytest_llmbench", "pytest_llmbench.*"]),
        *(
            f"pytest_llmbench.{name}"
            for name in find_packages(include=[p for m in MAPPED for p in (m, f"{m}.*")])
        ),
    ]
)
