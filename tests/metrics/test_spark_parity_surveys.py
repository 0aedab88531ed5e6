"""Survey metrics and survey comments give the same numbers on DuckDB and on Spark local mode.

The hand-worked helpdesk and surveys plus generated tickets with CSAT and CES surveys and ticketless NPS,
eNPS and pulse surveys; the tables are copied into Spark by the helpers of test_spark_parity.py.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest
from test_spark_parity import _same, _spark_tables

from kpidesk import kpis, survey_comments
from kpidesk.metrics import KpiQuery, KpiTables, compute_kpis
from kpidesk.metrics import survey_comments as comments_on
from kpidesk.workspace import Workspace

pytestmark = pytest.mark.spark

SURVEY_METRICS = ["csat", "csat_mean", "nps", "enps", "ces", "survey_response_rate"]


@pytest.fixture(scope="module")
def survey_parity_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    from survey_fixture import SURVEY_COLUMNS, generate_surveys, load_surveys
    from ticket_fixture import insert_rows, load_fixture, with_sla

    from kpidesk import init_workspace
    from kpidesk.demo import demo_settings, generate_tickets, write_demo_files

    folder = tmp_path_factory.mktemp("survey-parity")
    ws = init_workspace(folder / "ws", settings=with_sla(demo_settings()))
    data = generate_tickets(600, seed=5, weeks=6)
    files = write_demo_files(data, folder / "data", "parquet")
    with ws.connect() as con:
        for kind, table in (("tickets", "tickets"), ("events", "ticket_events"), ("agents", "agents")):
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT *, 'demo' AS source FROM read_parquet('{files[kind]}')"
            )
        con.execute("INSERT INTO pending_ticket_facts SELECT source, ticket_id FROM tickets")
        load_fixture(con)
        load_surveys(con)
        tickets = [str(t) for t in data.tickets.column("ticket_id").to_pylist()]
        agents = [str(a) for a in data.agents.column("agent_id").to_pylist()]
        surveys = generate_surveys(tickets, agents, seed=5, start=datetime(2026, 1, 4), days=42)
        insert_rows(con, "surveys", SURVEY_COLUMNS, surveys)
    return ws


@pytest.fixture(scope="module")
def survey_spark_tables(spark: Any, survey_parity_workspace: Workspace) -> KpiTables:
    return _spark_tables(spark, survey_parity_workspace)


@pytest.mark.parametrize(
    "query",
    [
        KpiQuery(metrics=SURVEY_METRICS, by=["team"], period="week"),
        KpiQuery(metrics=SURVEY_METRICS, by=["channel", "agent"], period="all"),
        KpiQuery(metrics=SURVEY_METRICS, by=["source"], period="month", start=date(2026, 1, 1)),
    ],
    ids=["team-week", "channel-agent-all", "source-month"],
)
def test_duckdb_and_spark_agree(
    survey_spark_tables: KpiTables, survey_parity_workspace: Workspace, query: KpiQuery
) -> None:
    ws = survey_parity_workspace
    duck = kpis(ws, metrics=query.metrics, by=query.by, period=query.period, start=query.start)
    on_spark = compute_kpis(survey_spark_tables, ws.settings, query)
    _same(duck, on_spark, ["metric", "stat", "period_start", *query.by])
    assert set(duck.metric) == set(SURVEY_METRICS)


def test_survey_comments_agree(survey_spark_tables: KpiTables, survey_parity_workspace: Workspace) -> None:
    ws = survey_parity_workspace
    duck = survey_comments(ws, metric="csat", filters={"channel": ["email", "chat"]}, start=date(2026, 1, 1))
    on_spark = comments_on(
        survey_spark_tables,
        ws.settings,
        metric="csat",
        filters={"channel": ["email", "chat"]},
        start=date(2026, 1, 1),
    )
    assert len(duck) > 10
    for frame in (duck, on_spark):
        frame["responded_at"] = pd.to_datetime(frame["responded_at"])
    _same(duck, on_spark, ["source", "response_id"])
