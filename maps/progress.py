"""Progress bars for management commands (rich), matching the services' `progress` hook."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

T = TypeVar("T")


@contextmanager
def progress_bar(stream, *, enabled: bool = True) -> Iterator:
    """Yield a `progress(items, description)` callable that draws a bar on `stream`."""
    console = Console(file=stream, force_terminal=None)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
        transient=False,
    ) as bar:

        def track(items: Iterable[T], description: str) -> Iterable[T]:
            items = list(items)
            return bar.track(items, total=len(items), description=description)

        yield track
