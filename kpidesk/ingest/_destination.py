"""Where an import does its work and when it may write the warehouse.

Reading, parsing and checking files is most of an import's time. With a `WarehouseFile` that work is
done in a scratch DuckDB file of the import's own, so the warehouse stays free for readers; it is
attached only for the short merge (one transaction). An `OpenWarehouse` is a connection to the
warehouse itself, used as it is (a caller that already holds the warehouse).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from kpidesk.ingest._sql import ident, literal

__all__ = [
    "SCRATCH_PREFIX",
    "Destination",
    "OpenWarehouse",
    "Retry",
    "WarehouseFile",
    "warehouse_destination",
]

#: Runs an action that opens the warehouse, again and again while another process holds it.
Retry = Callable[[Callable[[], None]], None]
_ATTACHED = "kpidesk_warehouse"
#: Name of an import's scratch folder beside the warehouse.
SCRATCH_PREFIX = ".kpidesk-import-"


class Destination:
    """`con` reads and checks the files; within `writing()`, the same connection writes the warehouse."""

    con: duckdb.DuckDBPyConnection

    def writing(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def close(self) -> None:
        """Free what the destination made for the import (nothing for an open warehouse)."""


class OpenWarehouse(Destination):
    def __init__(self, con: duckdb.DuckDBPyConnection, *, owned: bool = False) -> None:
        self.con = con
        self.owned = owned

    def close(self) -> None:
        if self.owned:
            self.con.close()


class WarehouseFile(Destination):
    """The warehouse at `path`, attached to a scratch database only while the import writes."""

    def __init__(self, path: Path, *, memory_limit: str | None = None, retry: Retry | None = None) -> None:
        self.path = path
        self.retry = retry
        # Beside the warehouse: what spills to disk lands on the disk the warehouse was sized for.
        self.folder = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=path.parent))
        self.con = duckdb.connect(str(self.folder / "scratch.duckdb"))
        if memory_limit:
            self.con.execute(f"SET memory_limit = {literal(memory_limit)}")
        self.scratch = str(self.con.execute("SELECT current_database()").fetchall()[0][0])

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        attach = f"ATTACH {literal(str(self.path))} AS {_ATTACHED}"
        if self.retry is None:
            self.con.execute(attach)
        else:
            self.retry(lambda: self._run(attach))
        try:
            self.con.execute(f"USE {_ATTACHED}")
            yield
        finally:
            self.con.execute(f"USE {ident(self.scratch)}")
            self.con.execute(f"DETACH {_ATTACHED}")

    def _run(self, sql: str) -> None:
        self.con.execute(sql)

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def warehouse_destination(
    path: Path, *, memory_limit: str | None = None, retry: Retry | None = None
) -> Destination:
    """A `WarehouseFile`, unless this process already has the warehouse open (DuckDB attaches a file
    once per process): then that open warehouse, as before."""
    scratch = WarehouseFile(path, memory_limit=memory_limit, retry=retry)
    try:
        scratch.con.execute(f"ATTACH {literal(str(path))} AS {_ATTACHED} (READ_ONLY)")
    except duckdb.Error as exc:
        if "already attached" not in str(exc):
            return scratch  # held by another process: the merge waits for it
        scratch.close()
        con = duckdb.connect(str(path))
        if memory_limit:
            con.execute(f"SET memory_limit = {literal(memory_limit)}")
        return OpenWarehouse(con, owned=True)
    scratch.con.execute(f"DETACH {_ATTACHED}")
    return scratch
