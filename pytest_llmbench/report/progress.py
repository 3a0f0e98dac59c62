"""Waiting for an item's result, with a transient rich progress bar on a TTY.

Items finish in pytest's order, but the engine completes calls in any order; while the current
item waits, the bar shows how far the whole dispatch has got. It is drawn only while waiting,
with pytest's output capture suspended, and erased before pytest prints the item's outcome.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import sys
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from pytest_llmbench.run import BenchRun

T = TypeVar("T")
_SHOW_AFTER = 0.5  # a bar for a sub-second wait is flicker


def _current_column(run: BenchRun) -> int | None:
    """Where pytest's progress line ends, or None when we cannot tell (then no bar)."""
    tr = run.config.pluginmanager.get_plugin("terminalreporter")
    mode = run.settings.progress
    if tr is None or mode == "off" or run.is_worker:
        return None
    if mode == "auto" and not tr.isatty():  # fd 2 is pytest's capture file during a test
        return None
    width = getattr(tr, "_width_of_current_line", None)
    return width if isinstance(width, int) else None


def wait_with_progress(run: BenchRun, future: concurrent.futures.Future[T]) -> T:
    try:
        return future.result(timeout=_SHOW_AFTER)
    except concurrent.futures.TimeoutError:
        pass
    column = _current_column(run)
    if column is None:
        return future.result()
    capman = run.config.pluginmanager.get_plugin("capturemanager")
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with capman.global_and_fixture_disabled() if capman is not None else contextlib.nullcontext():
        out = sys.__stdout__
        assert out is not None
        # The bar goes on a line of its own below pytest's dots; once erased, the cursor goes
        # back up to where pytest left its line, so the dots continue undisturbed.
        out.write("\n")
        out.flush()
        # "on" means on, even where rich would not see a terminal (e.g. a CI log viewer).
        console = Console(file=out, force_terminal=run.settings.progress == "on" or None)
        try:
            with Progress(
                TextColumn("[bold]llmbench[/] scenarios"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                done, total = run.progress_counts()
                task = bar.add_task("dispatch", total=total, completed=done)
                while True:
                    try:
                        return future.result(timeout=0.2)
                    except concurrent.futures.TimeoutError:
                        done, total = run.progress_counts()
                        bar.update(task, completed=done, total=total)
        finally:
            out.write(f"\x1b[1A\x1b[{column + 1}G")
            out.flush()
