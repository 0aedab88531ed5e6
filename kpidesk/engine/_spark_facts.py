"""Facts derived on Spark by the same Ibis expressions as on DuckDB, each written to the lake as Parquet
and read back from it, so that every later question reads them where the cluster can.

Timestamps are written as Spark's TIMESTAMP_NTZ: Parquet then marks them not adjusted to UTC, and DuckDB
reads them as the naive UTC TIMESTAMP of the canonical schema (a plain Spark TIMESTAMP would come back to
DuckDB as TIMESTAMP WITH TIME ZONE). The session's time zone is UTC, so the cast keeps every instant.

The intermediate steps (annotated messages, status changes) are persisted on the executors rather than
written to the lake: each is read by two later steps, a lost executor's blocks are recomputed from the
lineage, and nothing is left in the lake to clean up if the derivation fails half-way.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date, datetime
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pandas as pd

from kpidesk.calendars import SLOTS_TABLE, build_slots, slot_range_for
from kpidesk.engine._progress import SparkProgress
from kpidesk.facts import build_call_facts, build_ticket_facts
from kpidesk.workspace import Settings

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["derive_lake_facts", "facts_key"]

#: The layout of the facts written to the lake; facts written with another are derived again.
FACTS_LAYOUT = 1
#: Each fact table's rows are sorted by this instant within each file, so that a reader filtering on it
#: skips the row groups outside its dates (as the warehouse stores them).
STORED_ORDER = {
    "ticket_facts": "created_at",
    "reply_stretches": "stretch_start_at",
    "ticket_open_spans": "open_from",
    "call_facts": "arrived_at",
}


def facts_key(generation: int, settings: Settings) -> str:
    """What facts are for: the lake's generation and a digest of every setting the derivation reads (the
    calendars and which team keeps which, the default calendar, the manager level), plus the time zone."""
    depends_on = {
        "timezone": settings.timezone,
        "calendars": {name: asdict(c) for name, c in sorted(settings.calendars.items())},
        "teams": dict(sorted(settings.teams.items())),
        "default_calendar": settings.default_calendar,
        "manager_level": settings.metrics.manager_level,
        "layout": FACTS_LAYOUT,
    }
    digest = hashlib.sha256(json.dumps(depends_on, sort_keys=True, default=str).encode()).hexdigest()
    return f"g{generation}-{digest[:16]}"


def derive_lake_facts(
    session: SparkSession,
    icon: ibis.BaseBackend,
    settings: Settings,
    directory: str,
    relative: str,
    progress: SparkProgress,
) -> dict[str, str]:
    """Derive every fact table and the calendar slots on `icon` (a PySpark backend of `session` on which
    the canonical tables are registered under their own names), writing each under `directory` (whose
    path from the lake's root is `relative`). Returns each table's folder relative to the lake's root."""
    writer = _FactWriter(session, icon, directory, relative, progress)
    try:
        with progress.stage("find the data's dates"):
            start, end = slot_range_for(*_instant_range(icon))
        with progress.stage("build calendar slots"):
            writer.write_frame(
                SLOTS_TABLE, session.createDataFrame(build_slots(settings.calendars, start, end))
            )
        build_ticket_facts(icon, settings, writer)
        build_call_facts(icon, settings, writer)
    finally:
        writer.release_steps()
    return writer.written


class _FactWriter:
    """The `Materialize` of a derivation on Spark: fact tables to the lake, intermediate steps persisted."""

    def __init__(
        self,
        session: SparkSession,
        icon: ibis.BaseBackend,
        directory: str,
        relative: str,
        progress: SparkProgress,
    ) -> None:
        self._session = session
        self._icon = icon
        self._directory = directory.rstrip("/")
        self._relative = relative.strip("/")
        self._progress = progress
        self._steps: dict[str, DataFrame] = {}
        self.written: dict[str, str] = {}

    def __call__(self, name: str, expr: ir.Table, temporary: bool) -> ir.Table:
        frame = self._session.sql(self._icon.compile(expr))
        if temporary:
            step = frame.persist()
            step.createOrReplaceTempView(name)
            self._steps[name] = step
            return self._icon.table(name)
        with self._progress.stage(f"derive {name.replace('_', ' ')}"):
            return self.write_frame(name, frame)

    def write_frame(self, name: str, frame: DataFrame) -> ir.Table:
        """Write `frame` as the Parquet folder of fact table `name`, and read it back from there."""
        from pyspark.sql import functions
        from pyspark.sql.types import TimestampType

        naive = {
            f.name: functions.col(f.name).cast("timestamp_ntz")
            for f in frame.schema.fields
            if isinstance(f.dataType, TimestampType)
        }
        if naive:
            frame = frame.withColumns(naive)
        if name in STORED_ORDER:
            frame = frame.sortWithinPartitions(STORED_ORDER[name])
        folder = f"{self._directory}/{name}"
        frame.write.mode("overwrite").parquet(folder)
        self.written[name] = f"{self._relative}/{name}"
        return self._icon.read_parquet(folder, table_name=name)

    def release_steps(self) -> None:
        for name, step in self._steps.items():
            self._session.catalog.dropTempView(name)
            step.unpersist()
        self._steps.clear()


def _instant_range(icon: ibis.BaseBackend) -> tuple[datetime | None, datetime | None]:
    """The first and last instant of every activity table: the range `refresh_facts` builds the
    warehouse's slots for, so that both engines measure on slots of the same days."""
    t, e, c = icon.table("tickets"), icon.table("ticket_events"), icon.table("calls")
    st, s, q = icon.table("agent_states"), icon.table("surveys"), icon.table("qa_reviews")
    sent = ibis.coalesce(s.sent_at, s.responded_at)
    bounds = [
        t.aggregate(
            lo=t.created_at.min(),
            hi=ibis.greatest(
                t.created_at,
                *(ibis.coalesce(t[col], t.created_at) for col in _TICKET_INSTANTS),
            ).max(),
        ),
        e.aggregate(lo=e["at"].min(), hi=e["at"].max()),
        c.aggregate(
            lo=c.arrived_at.min(),
            hi=ibis.greatest(
                c.arrived_at, *(ibis.coalesce(c[col], c.arrived_at) for col in _CALL_INSTANTS)
            ).max(),
        ),
        st.aggregate(lo=st["start"].min(), hi=st["end"].max()),
        s.aggregate(lo=sent.min(), hi=ibis.greatest(sent, ibis.coalesce(s.responded_at, s.sent_at)).max()),
        q.aggregate(lo=q.reviewed_at.min(), hi=q.reviewed_at.max()),
    ]
    naive = [b.select(lo=b.lo.cast("timestamp"), hi=b.hi.cast("timestamp")) for b in bounds]
    union = ibis.union(*naive)
    row = icon.execute(union.aggregate(lo=union.lo.min(), hi=union.hi.max())).iloc[0]
    return _instant(row["lo"]), _instant(row["hi"])


_TICKET_INSTANTS = ("first_reply_at", "last_solved_at", "first_solved_at", "closed_at")
_CALL_INSTANTS = ("answered_at", "abandoned_at", "ended_at")


def _instant(value: object) -> datetime | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise TypeError(f"not an instant: {value!r}")
