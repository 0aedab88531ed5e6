"""A progress bar for large imports, fed by DuckDB's own query progress or by bytes read in Python.

Small files finish before a bar would be readable, so only inputs above `LARGE_INPUT_BYTES` get one.
When progress is off every method is a no-op, so the readers never branch on it.
"""

from __future__ import annotations

import contextlib
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
        #: The connection whose progress settings were changed, with their previous values.
        self._changed: tuple[duckdb.DuckDBPyConnection, list[tuple[str, object]]] | None = None

    def __enter__(self) -> ImportProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop the bars and give the connection its settings back, after the import's COMMIT or ROLLBACK
        (an aborted transaction accepts no SET)."""
        if self._bar is not None:
            self._bar.stop()
        if self._changed is not None:
            con, previous = self._changed
            with contextlib.suppress(duckdb.Error):
                for name, value in previous:
                    con.execute(f"SET {name} = {'true' if value else 'false'}")

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
            shown = 0.0
            while not done.wait(_POLL_SECONDS):
                # A step may run several statements; the bar only moves forward.
                shown = max(shown, con.query_progress())
                bar.update(task, completed=shown)

        if self._changed is None:
            self._changed = (con, _progress_settings(con))
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

    @contextmanager
    def task(self, description: str, total: int | None, show: bool) -> Iterator[Callable[[int], None]]:
        """A bar advanced by the caller (bytes transcoded, spreadsheet rows converted), when `show`."""
        bar = self._bar
        if bar is None or not show:
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
