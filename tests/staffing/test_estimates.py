"""Handle time and patience estimated from the hand-worked staffed call center."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from call_staffing_fixture import load_staffed_calls

from kpidesk import call_intervals
from kpidesk.staffing import estimate_queue
from kpidesk.workspace import Workspace, init_workspace


@pytest.fixture
def history(tmp_path: Path) -> pd.DataFrame:
    ws: Workspace = init_workspace(tmp_path / "staffed", country="IL")
    with ws.connect() as con:
        load_staffed_calls(con)
    return call_intervals(ws, minutes=30, from_=date(2026, 3, 1), to=date(2026, 3, 31))


def test_queue_handle_time_and_censored_patience(history: pd.DataFrame) -> None:
    estimates = estimate_queue(history)
    # Handle times of the 8 answered calls: 600 + 900 + 300 + 480 + 1200 + 600 + 300 + 200 = 4580 → 572.5 s.
    assert (estimates.aht_s, estimates.handled) == (572.5, 8)
    # Waits of all 11 calls: answered 20 + 10 + 5 + 10 + 30 + 60 + 15 + 40 = 190 (censored patience) and
    # abandoned D08 31, D10 60, D11 30 = 121: 311 s of queue time, 3 abandons → 311 / 3 = 103.67 s.
    assert (estimates.queue_time_s, estimates.timed_abandons) == (311, 3)
    assert estimates.patience_s == pytest.approx(311 / 3)
    # Garwood for 3 events: χ²(0.025; 6) / 2 = 0.618672, χ²(0.975; 8) / 2 = 8.767273; inverted over 311 s.
    assert estimates.patience_high_s == pytest.approx(311 / 0.618672, rel=1e-5)
    assert estimates.patience_low_s == pytest.approx(311 / 8.767273, rel=1e-5)
    assert "mean patience 104 s" in estimates.describe()


def test_pooled_per_interval_of_the_week(history: pd.DataFrame) -> None:
    rows = estimate_queue(history, prior_calls=30, prior_abandons=5).by_interval.set_index(
        ["weekday", "time_of_day"]
    )
    # Sunday (weekday 6) 08:00 local: D01 600 and D05 1200 → (1800 + 30 · 572.5) / 32 = 592.97 s; waits
    # 20 + 30 = 50 s, no abandon: (50 + 5 · 103.67) / (0 + 5) = 113.67 s.
    eight = rows.loc[(6, "08:00")]
    assert eight.aht_s == pytest.approx((1800 + 30 * 572.5) / 32)
    assert eight.patience_s == pytest.approx((50 + 5 * 311 / 3) / 5)
    # 09:00: D07 (wait 15, 300 s) and D08 (abandoned after 31 s): (46 + 518.33) / (1 + 5) = 94.06 s.
    nine = rows.loc[(6, "09:00")]
    assert nine.patience_s == pytest.approx((46 + 5 * 311 / 3) / 6)
    assert nine.aht_s == pytest.approx((300 + 30 * 572.5) / 31)
    # An interval of the week without calls takes the queue's values.
    assert rows.loc[(2, "10:00")].aht_s == pytest.approx(572.5)


def test_no_abandon_means_unbounded_patience(history: pd.DataFrame) -> None:
    answered_only = history.assign(timed_abandons=0)
    estimates = estimate_queue(answered_only)
    assert estimates.patience_s is None and estimates.by_interval.patience_s.isna().all()
    assert "unbounded" in estimates.describe()
    empty = estimate_queue(history.iloc[0:0])
    assert (empty.aht_s, empty.patience_s, empty.handled) == (None, None, 0)
