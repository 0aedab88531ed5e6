"""Occupancy, calls per staffed hour and per shift, call FCR, the repeat rate across channels and the call
intervals give the same numbers on DuckDB and on Spark local mode.

The hand-worked staffed call center of tests/call_staffing_fixture.py plus 600 generated calls and two
weeks of generated agent states (with breaks shorter and longer than the shift gap, and night states
across local midnight); the tables are copied into Spark by the helpers of test_spark_parity.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_spark_parity import _same, _spark_tables

from kpidesk import call_intervals, kpis
from kpidesk.metrics import KpiQuery, KpiTables, compute_kpis
from kpidesk.metrics._call_intervals import call_intervals as intervals_on
from kpidesk.workspace import Workspace

pytestmark = pytest.mark.spark

METRICS = ["occupancy", "calls_per_hour", "calls_per_shift", "call_fcr_rate", "cross_channel_repeat_rate"]
_START = datetime(2026, 3, 1)
_AGENTS = ("a1", "a2", "a3")


def _states(rng: np.random.Generator) -> list[dict[str, Any]]:
    """Per agent and day from 2 March, eight states of random kind and length from 14:00–19:00 UTC on
    (local evening, so many runs cross local midnight), some separated by unrecorded gaps; one day's states
    end before the next day's begin."""
    rows = []
    for agent in _AGENTS:
        for day in range(1, 15):
            hour, minute = int(rng.integers(14, 19)), int(rng.integers(0, 60))
            at = _START + timedelta(days=day, hours=hour, minutes=minute)
            for _ in range(8):
                end = at + timedelta(minutes=int(rng.integers(5, 61)))
                state = ("available", "busy", "wrap", "away")[int(rng.integers(0, 4))]
                rows.append({"agent_id": agent, "start": at, "end": end, "state": state})
                at = end + timedelta(minutes=int(rng.integers(0, 2)) * int(rng.integers(0, 46)))
    return rows


@pytest.fixture(scope="module")
def calls_parity_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    from call_fixture import CALL_COLUMNS, generate_calls
    from call_staffing_fixture import STATE_COLUMNS, load_staffed_calls
    from ticket_fixture import insert_rows

    from kpidesk import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("calls-parity") / "ws", country="IL")
    rng = np.random.default_rng(5)
    with ws.connect() as con:
        load_staffed_calls(con)
        calls = generate_calls(600, list(_AGENTS), seed=5, start=_START + timedelta(days=1), days=14)
        for row in calls:
            row["customer_id"] = f"cust{int(row['customer_id'][1:]) % 40}"
        insert_rows(con, "calls", CALL_COLUMNS, calls)
        insert_rows(con, "agent_states", STATE_COLUMNS, _states(rng))
    return ws


@pytest.fixture(scope="module")
def calls_spark_tables(spark: Any, calls_parity_workspace: Workspace) -> KpiTables:
    return _spark_tables(spark, calls_parity_workspace)


@pytest.mark.parametrize(
    "query",
    [
        KpiQuery(metrics=METRICS, by=["agent"], period="day"),
        KpiQuery(metrics=METRICS, by=["team"], period="week"),
        KpiQuery(metrics=METRICS, by=["queue"], period="all"),
    ],
    ids=["agent-day", "team-week", "queue-all"],
)
def test_call_staffing_and_repeat_metrics_agree(
    calls_spark_tables: KpiTables, calls_parity_workspace: Workspace, query: KpiQuery
) -> None:
    duck = kpis(calls_parity_workspace, metrics=query.metrics, by=query.by, period=query.period)
    on_spark = compute_kpis(calls_spark_tables, calls_parity_workspace.settings, query)
    _same(duck, on_spark, ["metric", "stat", "period_start", *query.by])
    assert set(duck.metric) == set(METRICS)


def test_call_intervals_agree(calls_spark_tables: KpiTables, calls_parity_workspace: Workspace) -> None:
    days = {"from_": date(2026, 3, 1), "to": date(2026, 3, 8)}
    duck = call_intervals(calls_parity_workspace, minutes=30, by="queue", **days)
    on_spark = intervals_on(
        calls_spark_tables.calls,
        calls_parity_workspace.settings,
        minutes=30,
        start=days["from_"],
        end=days["to"],
        by=["queue"],
    )
    assert duck.offered.sum() > 100
    _same(
        duck.assign(interval_start=duck.interval_start.astype(str)),
        on_spark.assign(interval_start=on_spark.interval_start.astype(str)),
        ["interval_start_utc", "queue"],
    )
    pd.testing.assert_series_equal(duck.offered, on_spark.offered)
