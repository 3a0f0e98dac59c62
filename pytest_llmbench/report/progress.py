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


def _want_bar(run: BenchRun) -> bool:
    mode = run.settings.progress
    if mode == "off" or run.is_worker:
        return False
    if mode == "on":
        return True
    tr = run.config.pluginmanager.get_plugin("terminalreporter")
    isatty = bool(getattr(getattr(tr, "_tw", None), "isatty", False)) if tr is not None else False
    return isatty and sys.__stderr__ is not None and sys.__stderr__.isatty()


def wait_with_progress(run: BenchRun, future: concurrent.futures.Future[T]) -> T:
    try:
        return future.result(timeout=_SHOW_AFTER)
    except concurrent.futures.TimeoutError:
        pass
    if not _want_bar(run):
        return future.result()
    capman = run.config.pluginmanager.get_plugin("capturemanager")
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with capman.global_and_fixture_disabled() if capman is not None else contextlib.nullcontext():
        console = Console(file=sys.__stderr__, stderr=True)
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
