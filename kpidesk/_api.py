"""The operations of kpidesk as plain functions; the CLI and the web app are thin layers over these."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import ibis
import pandas as pd

from kpidesk.calendars import SLOTS_TABLE
from kpidesk.facts import FactRefresh, refresh_ticket_facts
from kpidesk.metrics import KpiQuery, KpiTables, compute_kpis
from kpidesk.workspace import Workspace, open_workspace

__all__ = ["kpis", "refresh_facts", "warehouse_tables"]


def _workspace(workspace: Workspace | str | Path | None) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else open_workspace(workspace)


def refresh_facts(workspace: Workspace | str | Path | None = None, *, full: bool = False) -> FactRefresh:
    """Re-derive the facts of every ticket touched since the last refresh (or all, with `full`)."""
    ws = _workspace(workspace)
    with ws.connect() as con:
        return refresh_ticket_facts(con, ws.settings, full=full)


def warehouse_tables(icon: ibis.BaseBackend) -> KpiTables:
    return KpiTables(
        facts=icon.table("ticket_facts"),
        stretches=icon.table("reply_stretches"),
        spans=icon.table("ticket_open_spans"),
        slots=icon.table(SLOTS_TABLE),
    )


def kpis(
    workspace: Workspace | str | Path | None = None,
    *,
    metrics: Sequence[str] | None = None,
    by: Sequence[str] = (),
    period: str = "week",
    start: date | None = None,
    end: date | None = None,
    stat: str = "median",
    business_hours: bool = False,
) -> pd.DataFrame:
    """KPI results as a DataFrame: metric, stat, value, unit, n, ci_low, ci_high, period_start, period_end,
    one column per `by` dimension, and the `small_sample` flag."""
    ws = _workspace(workspace)
    refresh_facts(ws)
    query = KpiQuery(metrics=metrics, by=by, period=period, start=start, end=end, stat=stat,
                     business_hours=business_hours)
    with ws.connect(read_only=False) as con:
        icon = ibis.duckdb.from_connection(con)
        return compute_kpis(warehouse_tables(icon), ws.settings, query)
