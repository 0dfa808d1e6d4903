"""Progress bars for long work: Rich in a terminal, silent when output is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

__all__ = ["Advance", "progress_bar", "report_console", "stages"]

Advance = Callable[[str, int], None]
"""Called by long work as `advance(label, n)`: n more items done under `label`."""


def report_console() -> Console:
    """A console for tables: the terminal's width, or 160 columns when output is piped or
    logged, so that wide tables (file paths, mappings) are not squeezed to 80."""
    return Console(width=None if sys.stdout.isatty() else 160)


@contextmanager
def progress_bar(console: Console, title: str, total: int | None = None) -> Iterator[Advance]:
    """Show one task per label with a running count; yield the `advance` callback."""
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(
        *columns, console=console, transient=False, disable=not console.is_terminal
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def advance(label: str, n: int = 1) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(f"{title}: {label}", total=total)
            bar.advance(tasks[label], n)

        yield advance


def stages(console: Console) -> Callable[[str], AbstractContextManager[Any]]:
    """A spinner per stage of work whose length is not known (resolution, analysis): called
    with the stage's label, it returns the status to hold while the stage runs."""

    def stage(label: str) -> AbstractContextManager[Any]:
        return console.status(f"{label}...", spinner="dots")

    return stage
