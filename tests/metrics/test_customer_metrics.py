"""Customer churn and retention on the hand-worked customers of tests/people_fixture.py.

Weeks of the Israeli default calendar: week 1 runs from S1 (Sat 28 Feb 22:00 UTC) to E1 (Sat 7 Mar 22:00),
week 2 to E2, week 3 to E3. Wilson intervals with z = 1.959964 (z² = 3.841459).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from kpi_rows import one_result as _one
from people_fixture import load_people

from kpidesk import kpis
from kpidesk.cli import main
from kpidesk.workspace import Workspace, init_workspace

CUSTOMER = ["churn_rate", "customer_retention_rate"]
W1, W2, W3 = date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 15)
MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 21)}


@pytest.fixture
def customer_workspace(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "customers", country="IL")
    with ws.connect() as con:
        load_people(con)
    return ws


@pytest.fixture
def weekly(customer_workspace: Workspace) -> pd.DataFrame:
    return kpis(customer_workspace, metrics=CUSTOMER, period="week", **MARCH)


def test_churn_rate_per_week(weekly: pd.DataFrame) -> None:
    # Base of week 1 (created ≤ S1, not churned before S1): k1, k2 (churns exactly at S1), k3, k4, k5
    # (created exactly at S1) → 5; k6 was created inside the week, k8 has no creation date, k9 left in
    # February. Churned in week 1: k2 and k4; k3 churns exactly at E1 and belongs to week 2 → 2/5.
    row = _one(weekly, "churn_rate", period_start=W1)
    assert (row["value"], row["n"], row["stat"], row["unit"]) == (0.4, 5, "rate", "ratio")
    # Wilson 2 of 5: 1 + z²/5 = 1.768292; centre (0.4 + 0.384146) / 1.768292 = 0.443448;
    # half = 1.108394 · sqrt(0.048 + 0.038415) = 0.325825.
    assert row["ci_low"] == pytest.approx(0.443448 - 0.325825, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.443448 + 0.325825, abs=1e-5)
    assert bool(row["small_sample"]) is True
    # Week 2: base k1, k3 (churns exactly at E1, the week's start), k5 → k3 churns → 1/3.
    assert _one(weekly, "churn_rate", period_start=W2)["value"] == pytest.approx(1 / 3)
    # Week 3: base k1, k5, k7; nobody churns → 0 of 3, Wilson upper z²/3 / (1 + z²/3) = 0.561497.
    row = _one(weekly, "churn_rate", period_start=W3)
    assert (row["value"], row["n"], row["ci_low"]) == (0.0, 3, 0.0)
    assert row["ci_high"] == pytest.approx(1.280486 / 2.280486, abs=1e-6)


def test_customer_retention_rate_mirrors_churn(weekly: pd.DataFrame) -> None:
    row = _one(weekly, "customer_retention_rate", period_start=W1)
    assert (row["value"], row["n"]) == (0.6, 5)
    assert row["ci_low"] == pytest.approx(1 - (0.443448 + 0.325825), abs=1e-5)
    assert row["ci_high"] == pytest.approx(1 - (0.443448 - 0.325825), abs=1e-5)
    assert _one(weekly, "customer_retention_rate", period_start=W3)["value"] == 1.0


def test_whole_span(customer_workspace: Workspace) -> None:
    frame = kpis(customer_workspace, metrics=CUSTOMER, period="all", **MARCH)
    # Base at S1 as in week 1; churned before E3: k2, k3, k4 → 3/5.
    assert (_one(frame, "churn_rate")["value"], _one(frame, "churn_rate")["n"]) == (0.6, 5)
    assert _one(frame, "customer_retention_rate")["value"] == pytest.approx(0.4)


def test_by_segment_and_country(customer_workspace: Workspace) -> None:
    frame = kpis(customer_workspace, metrics=CUSTOMER, by=["segment", "country"], period="week", **MARCH)
    # Week 1: enterprise/IL k1 k2 → 1/2; smb/IL k3 → 0/1; smb/AE k4 k5 → 1/2.
    assert _one(frame, "churn_rate", segment="enterprise", country="IL", period_start=W1)["value"] == 0.5
    assert _one(frame, "churn_rate", segment="smb", country="IL", period_start=W1)["value"] == 0.0
    assert _one(frame, "churn_rate", segment="smb", country="AE", period_start=W1)["value"] == 0.5
    # Week 3: k7 has no segment and is grouped under an empty one.
    assert _one(frame, "churn_rate", segment=None, country="IL", period_start=W3)["n"] == 1
    # A group without customers at a week's start has no row: smb/IL has none left in week 3.
    assert frame[(frame.segment == "smb") & (frame.country == "IL") & (frame.period_start == W3)].empty


def test_default_metrics_by_segment(customer_workspace: Workspace, workspace: Workspace) -> None:
    # Only customers have a segment.
    assert set(kpis(customer_workspace, by=["segment"], period="week", **MARCH).metric) == set(CUSTOMER)
    assert kpis(workspace, metrics=CUSTOMER).empty


def test_cli_by_country(customer_workspace: Workspace) -> None:
    result = CliRunner().invoke(
        main,
        [
            "kpis",
            "--workspace",
            str(customer_workspace.path),
            "--metric",
            "churn_rate",
            "--by",
            "country",
            "--period",
            "all",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-21",
            "--as",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    # Base k1 k2 k3 (IL), k4 k5 (AE); churned before E3: IL k2 k3, AE k4.
    rows = {r["country"]: r for r in json.loads(result.output)}
    assert (rows["IL"]["value"], rows["IL"]["n"]) == (pytest.approx(2 / 3), 3)
    assert (rows["AE"]["value"], rows["AE"]["n"]) == (0.5, 2)
