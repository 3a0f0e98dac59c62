"""Stand-ins for modules an official harness imports but its prompt path never uses.

The official files import heavy libraries at their top (scipy, scikit-learn, transformers,
datasets) for functions the request-identity tests never call. A stand-in lets the import
succeed and makes any use of it fail loudly, so a test can never pass on a stand-in's value.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


def unused_module(name: str) -> types.ModuleType:
    module = types.ModuleType(name)

    def missing(attr: str) -> Callable[..., Any]:
        def fail(*args: object, **kwargs: object) -> Any:
            raise RuntimeError(f"{name}.{attr} is a stand-in: the prompt path must not call it")

        return fail

    module.__getattr__ = missing  # type: ignore[method-assign]
    return module


def install(*names: str) -> None:
    for name in names:
        sys.modules[name] = unused_module(name)
