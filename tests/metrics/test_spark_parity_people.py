"""People, QA, per-staffed-hour and customer metrics give the same numbers on DuckDB and on Spark local mode.

The hand-worked team of tests/people_fixture.py plus generated agents, reviews, states and customers, so
that every group holds several units; the tables are copied into Spark by the helpers of
test_spark_parity.py and each metric is compared value by value.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from test_spark_parity import _same, _spark_tables

from kpidesk import kpis
from kpidesk.metrics import KpiQuery, KpiTables, compute_kpis
from kpidesk.workspace import Workspace

pytestmark = pytest.mark.spark

PEOPLE = [
    "headcount",
    "tenure",
    "attrition_rate",
    "retention_rate",
    "qa_score",
    "qa_auto_fail_rate",
    "tickets_solved_per_hour",
    "replies_per_hour",
]
CUSTOMER = ["churn_rate", "customer_retention_rate"]
_START = datetime(2026, 2, 1)


def _generated(rng: np.random.Generator) -> dict[str, list[tuple[Any, ...]]]:
    """40 agents hired over two years (a quarter of them leaving within the window), 300 reviews, four
    weeks of shifts split into states, and 200 customers, a third of them churning."""
    teams = ("billing", "technical", "sales")
    agents, reviews, states, customers = [], [], [], []
    for i in range(40):
        hired = _START - timedelta(days=int(rng.integers(-40, 700)), seconds=int(rng.integers(0, 86_400)))
        left = hired + timedelta(days=int(rng.integers(1, 200))) if rng.random() < 0.25 else None
        agents.append((f"g{i}", f"G{i}", teams[i % 3], "agent", hired, left))
        for day in range(28):
            start = _START + timedelta(days=day, hours=int(rng.integers(5, 9)))
            for state in ("available", "busy", "away", "wrap"):
                end = start + timedelta(minutes=int(rng.integers(10, 120)))
                states.append((f"g{i}", start, end, state))
                start = end
    for r in range(300):
        at = _START + timedelta(seconds=int(rng.integers(0, 35 * 86_400)))
        score = None if rng.random() < 0.05 else float(rng.integers(0, 101))
        fail = None if rng.random() < 0.05 else bool(rng.random() < 0.1)
        reviews.append((f"GR{r}", f"g{int(rng.integers(0, 42))}", at, score, fail))
    for c in range(200):
        made = _START - timedelta(days=int(rng.integers(-20, 400)))
        gone = _START + timedelta(days=int(rng.integers(-10, 40))) if rng.random() < 0.35 else None
        if gone is not None and gone < made:
            gone = made
        customers.append((f"gk{c}", made, gone, ("smb", "enterprise")[c % 2], ("IL", "AE", "SA")[c % 3]))
    return {"agents": agents, "qa_reviews": reviews, "agent_states": states, "customers": customers}


@pytest.fixture(scope="module")
def people_parity_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    from people_fixture import (
        AGENT_COLUMNS,
        CUSTOMER_COLUMNS,
        STATE_COLUMNS,
        load_people,
    )

    from kpidesk import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("people-parity") / "ws", country="IL")
    rows = _generated(np.random.default_rng(7))
    qa_columns = ("review_id", "agent_id", "reviewed_at", "score", "auto_fail")
    with ws.connect() as con:
        load_people(con)
        for table, columns in (
            ("agents", AGENT_COLUMNS),
            ("qa_reviews", qa_columns),
            ("agent_states", STATE_COLUMNS),
            ("customers", CUSTOMER_COLUMNS),
        ):
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            con.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[table])
    return ws


@pytest.fixture(scope="module")
def people_spark_tables(spark: Any, people_parity_workspace: Workspace) -> KpiTables:
    return _spark_tables(spark, people_parity_workspace)


@pytest.mark.parametrize(
    "query",
    [
        KpiQuery(
            metrics=PEOPLE,
            by=["team"],
            period="week",
            start=date(2026, 2, 1),
            end=date(2026, 3, 21),
            stat=["median", "mean"],
        ),
        KpiQuery(metrics=PEOPLE, by=["agent"], period="all", start=date(2026, 2, 1), end=date(2026, 3, 21)),
        KpiQuery(
            metrics=CUSTOMER,
            by=["segment", "country"],
            period="month",
            start=date(2026, 1, 1),
            end=date(2026, 3, 31),
        ),
    ],
    ids=["people-team-week", "people-agent-all", "customers-segment-country-month"],
)
def test_duckdb_and_spark_agree(
    people_spark_tables: KpiTables, people_parity_workspace: Workspace, query: KpiQuery
) -> None:
    ws = people_parity_workspace
    ws.settings.metrics.attrition_annualised = query.period == "all"
    try:
        duck = kpis(
            ws,
            metrics=query.metrics,
            by=query.by,
            period=query.period,
            start=query.start,
            end=query.end,
            stat=query.stat,
        )
        on_spark = compute_kpis(people_spark_tables, ws.settings, query)
    finally:
        ws.settings.metrics.attrition_annualised = False
    _same(duck, on_spark, ["metric", "stat", "period_start", *query.by])
    assert set(duck.metric) == set(query.metrics or ())
