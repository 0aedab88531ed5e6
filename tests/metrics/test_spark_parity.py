"""The whole KPI suite, tickets and calls, on DuckDB and on Spark local mode gives the same numbers.

The canonical tables and calendar slots of a DuckDB warehouse are copied into Spark once; facts are
derived there by the same Ibis expressions, and every KPI is compared value by value.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import ibis
import pandas as pd
import pytest

from kpidesk import kpis, refresh_facts
from kpidesk.calendars import SLOTS_TABLE
from kpidesk.facts import MANAGER_REACH_TABLE, build_call_facts, build_ticket_facts
from kpidesk.metrics import CATALOGUE, KpiQuery, KpiTables, compute_kpis
from kpidesk.workspace import Workspace

#: KpiTables field → the canonical table the metrics read as it is.
PLAIN_TABLES = {
    "surveys": "surveys",
    "agents": "agents",
    "agent_states": "agent_states",
    "customers": "customers",
    "qa": "qa_reviews",
}

pytestmark = pytest.mark.spark


def _spark_tables(spark: Any, ws: Workspace) -> KpiTables:
    refresh_facts(ws)
    icon = ibis.pyspark.connect(spark)
    export = ws.path / "spark-export"
    export.mkdir(exist_ok=True)
    with ws.connect() as con:
        for name in ("tickets", "ticket_events", "calls", *PLAIN_TABLES.values(), SLOTS_TABLE):
            target = export / f"{name}.parquet"
            con.execute(f"COPY {name} TO '{target}' (FORMAT parquet)")
            icon.read_parquet(str(target), table_name=name)

    def materialize(name: str, expr: Any, temporary: bool) -> Any:
        return icon.create_table(name, expr, overwrite=True)

    build_ticket_facts(icon, ws.settings, materialize)
    return KpiTables(
        facts=icon.table("ticket_facts"),
        stretches=icon.table("reply_stretches"),
        spans=icon.table("ticket_open_spans"),
        calls=build_call_facts(icon, ws.settings, materialize),
        slots=icon.table(SLOTS_TABLE),
        events=icon.table("ticket_events"),
        manager_reach=icon.table(MANAGER_REACH_TABLE),
        **{field: icon.table(name) for field, name in PLAIN_TABLES.items()},
    )


def _same(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]) -> None:
    """The same rows and values; `left` may come from `kpidesk.kpis`, which adds the agents' names (read
    from the warehouse after the computation, so not part of what the engines must agree on)."""
    assert len(left) == len(right) > 0
    left = left.drop(columns=[c for c in ("agent_name",) if c in left.columns and c not in right.columns])
    left = left.sort_values(keys, na_position="last").reset_index(drop=True)
    right = right.sort_values(keys, na_position="last").reset_index(drop=True)
    for column in left.columns:
        for i, (a, b) in enumerate(zip(left[column], right[column], strict=True)):
            a_missing = a is None or (isinstance(a, float) and math.isnan(a))
            b_missing = b is None or (isinstance(b, float) and math.isnan(b))
            if a_missing or b_missing:
                assert a_missing and b_missing, (column, i, a, b, left.iloc[i].to_dict())
            elif isinstance(a, float):
                assert a == pytest.approx(b, rel=1e-9, abs=1e-9), (column, i, a, b, left.iloc[i].to_dict())
            else:
                assert a == b, (column, i, a, b, left.iloc[i].to_dict())


@pytest.fixture(scope="module")
def parity_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The hand-worked helpdesk and call center plus 1,500 generated tickets over three teams and two
    calendars, and 1,200 generated calls answered by the same agents; short abandons (under 5 s) are left
    out of the service level so that both of its branches run."""
    from call_fixture import CALL_COLUMNS, generate_calls, load_calls
    from ticket_fixture import insert_rows, load_fixture, with_sla

    from kpidesk import init_workspace
    from kpidesk.demo import demo_settings, generate_tickets, write_demo_files

    folder = tmp_path_factory.mktemp("parity")
    settings = with_sla(demo_settings())
    settings.metrics.short_abandon_seconds = 5
    ws = init_workspace(folder / "ws", settings=settings)
    data = generate_tickets(1500, seed=11, weeks=8)
    files = write_demo_files(data, folder / "data", "parquet")
    with ws.connect() as con:
        for kind, table in (("tickets", "tickets"), ("events", "ticket_events"), ("agents", "agents")):
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT *, 'demo' AS source FROM read_parquet('{files[kind]}')"
            )
        con.execute("INSERT INTO pending_ticket_facts SELECT source, ticket_id FROM tickets")
        load_fixture(con)
        agents = [str(a) for a in data.agents.column("agent_id").to_pylist()]
        calls = generate_calls(1200, agents, seed=11, start=datetime(2026, 1, 4), days=56)
        insert_rows(con, "calls", CALL_COLUMNS, calls)
        load_calls(con)
    return ws


@pytest.fixture(scope="module")
def spark_tables(spark: Any, parity_workspace: Workspace) -> KpiTables:
    return _spark_tables(spark, parity_workspace)


@pytest.mark.parametrize(
    "query,areas",
    [
        (KpiQuery(by=["team"], period="week"), {"tickets", "calls", "people"}),
        (
            KpiQuery(by=["channel", "priority"], period="month", business_hours=True, stat="p90"),
            {"tickets"},
        ),
        (KpiQuery(by=["sla_policy"], period="all", business_hours=True, stat="mean"), {"tickets"}),
        (
            KpiQuery(by=["queue", "agent"], period="week", business_hours=True, stat=["mean", "p90"]),
            {"calls"},
        ),
    ],
    ids=[
        "team-week-calendar",
        "channel-priority-month-business-p90",
        "all-business-mean",
        "queue-agent-week-business-mean-p90",
    ],
)
def test_duckdb_and_spark_agree(
    spark_tables: KpiTables, parity_workspace: Workspace, query: KpiQuery, areas: set[str]
) -> None:
    duck = kpis(
        parity_workspace,
        metrics=query.metrics,
        by=query.by,
        period=query.period,
        business_hours=query.business_hours,
        stat=query.stat,
    )
    on_spark = compute_kpis(spark_tables, parity_workspace.settings, query)
    keys = ["metric", "stat", "period_start", *query.by, *(["sla_metric"] if "sla_metric" in duck else [])]
    _same(duck, on_spark, keys)
    # Every metric of the areas whose units have these dimensions was compared.
    assert set(duck.metric) == {m.id for m in CATALOGUE if m.area in areas}
