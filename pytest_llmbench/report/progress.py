"""Waiting for an item's result, with a transient rich progress bar on a TTY.

Items finish in pytest's order, but the engine completes calls in any order; while the current
item waits, the bar shows how far the whole dispatch has got. It is drawn only while waiting,
with pytest's output capture suspended, and erased before pytest prints the item's outcome.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_SHOW_AFTER = 0.5  # a bar for a sub-second wait is flicker


def _current_column(terminal: Any, mode: str) -> int | None:
    """Where pytest's progress line ends, or None when we cannot tell (then no bar)."""
    if terminal is None or mode == "off":
        return None
    if mode == "auto" and not terminal.isatty():  # fd 2 is pytest's capture file during a test
        return None
    width = getattr(terminal, "_width_of_current_line", None)
    return width if isinstance(width, int) else None


def wait_with_progress(
    future: concurrent.futures.Future[T],
    counts: Callable[[], tuple[int, int]],
    *,
    mode: str,
    terminal: Any,
    capture: Any,
) -> T:
    """``future``'s result; past half a second, a bar of ``counts()`` (done, submitted).
    ``terminal`` is pytest's terminal reporter (``None``: no bar, as on an xdist worker),
    ``capture`` its capture manager, ``mode`` ``--llm-progress``."""
    try:
        return future.result(timeout=_SHOW_AFTER)
    except concurrent.futures.TimeoutError:
        pass
    column = _current_column(terminal, mode)
    if column is None:
        return future.result()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        out = sys.__stdout__
        assert out is not None
        # The bar goes on a line of its own below pytest's dots; once erased, the cursor goes
        # back up to where pytest left its line, so the dots continue undisturbed.
        out.write("\n")
        out.flush()
        # "on" means on, even where rich would not see a terminal (e.g. a CI log viewer).
        console = Console(file=out, force_terminal=mode == "on" or None)
        try:
            with Progress(
                TextColumn("[bold]llmbench[/] scenarios"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                done, total = counts()
                task = bar.add_task("dispatch", total=total, completed=done)
                while True:
                    try:
                        return future.result(timeout=0.2)
                    except concurrent.futures.TimeoutError:
                        done, total = counts()
                        bar.update(task, completed=done, total=total)
        finally:
            out.write(f"\x1b[1A\x1b[{column + 1}G")
            out.flush()
