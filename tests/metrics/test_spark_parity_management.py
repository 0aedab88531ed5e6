"""The management metrics, comparisons with an earlier period and the resilience comparison give the same
numbers on DuckDB and on Spark local mode.

The hand-worked management helpdesk and the ticket fixture share one warehouse, copied into Spark by the
helpers of test_spark_parity; facts are derived there by the same Ibis expressions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from management_fixture import load_management
from test_spark_parity import _same, _spark_tables
from ticket_fixture import load_fixture

from kpidesk import kpis, resilience
from kpidesk.facts import build_manager_reach
from kpidesk.metrics import KpiQuery, KpiTables, compute_kpis
from kpidesk.metrics import resilience as compare_days
from kpidesk.workspace import Workspace, init_workspace

pytestmark = pytest.mark.spark

METRICS = ["manager_escalations", "manager_resolution_rate"]


@pytest.fixture(scope="module")
def parity_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder: Path = tmp_path_factory.mktemp("management-parity")
    ws = init_workspace(folder / "ws", country="IL")
    with ws.connect() as con:
        load_management(con)
        load_fixture(con)
    return ws


@pytest.fixture(scope="module")
def spark_tables(spark: Any, parity_workspace: Workspace) -> KpiTables:
    return _spark_tables(spark, parity_workspace)


def _at_level(tables: KpiTables, ws: Workspace, manager_level: int) -> KpiTables:
    """The Spark tables with manager_reach derived again at `manager_level` (it is derived with the facts,
    as refresh_facts does on DuckDB when the level changes)."""
    ws.settings.metrics.manager_level = manager_level
    icon = tables.facts._find_backend()

    def materialize(name: str, expr: Any, temporary: bool) -> Any:
        return icon.create_table(name, expr, overwrite=True)

    build_manager_reach(icon, ws.settings, materialize)
    return tables


@pytest.mark.parametrize(
    "query,manager_level",
    [
        (KpiQuery(metrics=METRICS, by=["team"], period="week"), 3),
        (KpiQuery(metrics=METRICS, by=["agent"], period="all"), 2),
    ],
    ids=["team-week", "agent-all-level-2"],
)
def test_management_metrics_agree(
    spark_tables: KpiTables, parity_workspace: Workspace, query: KpiQuery, manager_level: int
) -> None:
    spark_tables = _at_level(spark_tables, parity_workspace, manager_level)
    duck = kpis(parity_workspace, metrics=query.metrics, by=query.by, period=query.period)
    on_spark = compute_kpis(spark_tables, parity_workspace.settings, query)
    _same(duck, on_spark, ["metric", "stat", "period_start", *query.by])
    assert set(duck.metric) == set(METRICS)


def test_comparisons_agree(spark_tables: KpiTables, parity_workspace: Workspace) -> None:
    spark_tables = _at_level(spark_tables, parity_workspace, 3)
    query = KpiQuery(
        metrics=[*METRICS, "full_resolution_time"], period="week", stat=["median", "mean"], compare="previous"
    )
    duck = kpis(
        parity_workspace, metrics=query.metrics, period=query.period, stat=query.stat, compare=query.compare
    )
    on_spark = compute_kpis(spark_tables, parity_workspace.settings, query)
    _same(duck, on_spark, ["metric", "stat", "period_start"])
    assert duck.change.notna().any()


@pytest.mark.parametrize("metric", ["manager_escalations", "manager_resolution_rate", "full_resolution_time"])
def test_resilience_agrees(spark_tables: KpiTables, parity_workspace: Workspace, metric: str) -> None:
    spark_tables = _at_level(spark_tables, parity_workspace, 3)
    duck = resilience(parity_workspace, metric=metric, person="m1", stat=["median", "mean"])
    on_spark = compare_days(spark_tables, parity_workspace.settings, metric, "m1", stat=["median", "mean"])
    _same(duck, on_spark, ["metric", "stat"])
