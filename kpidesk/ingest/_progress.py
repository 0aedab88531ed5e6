"""A progress bar for large imports, fed by DuckDB's own query progress or by bytes read in Python.

Small files finish before a bar would be readable, so only inputs above `LARGE_INPUT_BYTES` get one.
When progress is off every method is a no-op, so the readers never branch on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType

import duckdb
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from kpidesk.ingest._sql import first_row

__all__ = ["LARGE_INPUT_BYTES", "ImportProgress"]

LARGE_INPUT_BYTES = 50 * 1024 * 1024
_POLL_SECONDS = 0.1


class ImportProgress:
    """Bars on stderr (stdout stays free for the summary), one per large step of an import."""

    def __init__(self, enabled: bool) -> None:
        self._bar: Progress | None = None
        if enabled:
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            )

    def __enter__(self) -> ImportProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()

    def wants(self, size_bytes: int) -> bool:
        """Whether an input of this size gets a bar."""
        return self._bar is not None and size_bytes > LARGE_INPUT_BYTES

    @contextmanager
    def query(self, con: duckdb.DuckDBPyConnection, description: str) -> Iterator[None]:
        """Show the progress of the DuckDB statement run inside the block, polled from a thread."""
        bar = self._bar
        if bar is None:
            yield
            return
        task = bar.add_task(description, total=100)
        done = threading.Event()

        def poll() -> None:
            while not done.wait(_POLL_SECONDS):
                percent = con.query_progress()
                if percent >= 0:
                    bar.update(task, completed=percent)

        previous = _progress_settings(con)
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
        poller = threading.Thread(target=poll, name="kpidesk-import-progress", daemon=True)
        poller.start()
        try:
            yield
            bar.update(task, completed=100)
        finally:
            done.set()
            poller.join()
            for name, value in previous:
                con.execute(f"SET {name} = {'true' if value else 'false'}")

    @contextmanager
    def task(self, description: str, total: int | None) -> Iterator[Callable[[int], None]]:
        """A bar advanced by the caller (bytes transcoded, spreadsheet rows converted)."""
        bar = self._bar
        if bar is None:
            yield _ignore
            return
        task = bar.add_task(description, total=total)

        def advance(amount: int) -> None:
            bar.advance(task, amount)

        yield advance
        bar.update(task, completed=total)


def _progress_settings(con: duckdb.DuckDBPyConnection) -> list[tuple[str, object]]:
    names = ("enable_progress_bar", "enable_progress_bar_print")
    row = first_row(con, f"SELECT {', '.join(f'current_setting({n!r})' for n in names)}")
    return list(zip(names, row or (False, True), strict=True))


def _ignore(amount: int) -> None:
    """Progress sink for when there is no bar."""
