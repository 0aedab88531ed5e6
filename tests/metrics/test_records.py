"""The records behind a result row (kpidesk.metrics._records): the hand-worked helpdesk of
tests/ticket_fixture.py, and every weekly team row of a small demo workspace.

Times of the fixture are UTC; its calendar is Israel's (UTC+2 in March before the 27th).
"""

from __future__ import annotations

from datetime import date

import ibis
import pandas as pd
import pytest
from kpi_rows import one_result

import kpidesk
from kpidesk._api import warehouse_tables
from kpidesk.metrics import CATALOGUE, KpiQuery
from kpidesk.metrics._records import RecordsContext
from kpidesk.workspace import Workspace


def _by_ticket(frame: pd.DataFrame) -> dict[str, tuple[float | None, bool, str | None]]:
    return {r.ticket_id: (r.value, r.counted, r.reason) for r in frame.itertuples()}


def test_first_reply_time_of_the_whole_fixture(ticket_workspace: Workspace) -> None:
    frame = kpidesk.records(ticket_workspace, metric="first_reply_time", period="all")
    # created (or the customer's first message, for T3) → first public agent message, in seconds:
    # T1 07:00 → 08:00; T2 03-05 14:00 → 03-08 08:00 (66 h); T3 03-02 12:00 → 03-03 07:30 (19.5 h);
    # T4 08:00 → 10:00; T5 04-21 13:00 → 04-23 07:00 (42 h); T6 03-26 14:00 → 03-29 07:00 (65 h);
    # T8 07:00 → 09:00 from its summary fields. T7 had only a bot and a system message.
    assert _by_ticket(frame) == {
        "T1": (3_600, True, None),
        "T2": (237_600, True, None),
        "T3": (70_200, True, None),
        "T4": (7_200, True, None),
        "T5": (151_200, True, None),
        "T6": (234_000, True, None),
        "T8": (7_200, True, None),
        "T7": (None, False, "unanswered: only a bot or the system replied"),
    }
    assert set(frame["unit"]) == {"ticket"}
    assert list(frame.loc[frame.ticket_id == "T8", "source"]) == ["legacy"]
    row = one_result(
        kpidesk.kpis(ticket_workspace, metrics=["first_reply_time"], period="all"), "first_reply_time"
    )
    assert frame["counted"].sum() == row["n"] == 7


def test_one_week_of_full_resolution_time_with_the_tickets_left_out(ticket_workspace: Workspace) -> None:
    week = {"period": "week", "start": date(2026, 3, 1), "end": date(2026, 3, 7)}
    frame = kpidesk.records(ticket_workspace, metric="full_resolution_time", **week)
    # The week runs from Sunday 1 March 00:00 local (28 Feb 22:00 UTC) to 8 March 00:00 local.
    # Solved in it: T1 07:00 → 09:00 (7,200 s), T8 07:00 → 10:00 (10,800), T4 08:00 → 12:00 (14,400).
    # Created in it but not counted: T2 last solved on 9 March 08:30 UTC (10:30 local), T3 and T7 open.
    # T5 and T6 have no instant in the week and are not listed.
    assert _by_ticket(frame) == {
        "T1": (7_200, True, None),
        "T4": (14_400, True, None),
        "T8": (10_800, True, None),
        "T2": (None, False, "outside the period: placed on 2026-03-09"),
        "T3": (None, False, "not solved"),
        "T7": (None, False, "not solved"),
    }
    assert set(frame["period_start"]) == {date(2026, 3, 1)}
    row = one_result(
        kpidesk.kpis(ticket_workspace, metrics=["full_resolution_time"], **week), "full_resolution_time"
    )
    assert (row["value"], row["n"]) == (10_800, 3)


def test_counted_records_explain_a_rate(ticket_workspace: Workspace) -> None:
    frame = kpidesk.records(ticket_workspace, metric="one_touch_rate", period="all")
    # Solved: T1 T4 T5 T6 one touch; T2 reopened (and 3 replies); T8 two agent replies. T3, T7 open.
    assert _by_ticket(frame) == {
        "T1": (1.0, True, None),
        "T2": (0.0, True, "reopened"),
        "T4": (1.0, True, None),
        "T5": (1.0, True, None),
        "T6": (1.0, True, None),
        "T8": (0.0, True, "more than one agent reply"),
        "T3": (None, False, "not solved"),
        "T7": (None, False, "not solved"),
    }


def test_reply_stretches_and_sla_clocks(ticket_workspace: Workspace) -> None:
    stretches = kpidesk.records(ticket_workspace, metric="reply_time", period="all")
    # Eight answered stretches (T2 has three) and T7's unanswered one.
    assert list(zip(stretches.ticket_id, stretches.stretch, stretches.counted, strict=True)) == [
        ("T1", "1", True),
        ("T2", "1", True),
        ("T2", "2", True),
        ("T2", "3", True),
        ("T3", "1", True),
        ("T4", "1", True),
        ("T5", "1", True),
        ("T6", "1", True),
        ("T7", "1", False),
    ]
    sla = kpidesk.records(
        ticket_workspace, metric="sla_attainment", period="all", filters={"sla_metric": "reply"}
    )
    # Reply ≤ 1 business hour per stretch of the `standard` tickets: T1 ✓ | T2 ✗ ✓ ✓ | T4 ✗ | T7 ✗;
    # T3, T5, T6 and T8 have no SLA policy.
    counted = sla[sla.counted]
    assert list(zip(counted.ticket_id, counted.stretch, counted.reason, strict=True)) == [
        ("T1", "1", "target met"),
        ("T2", "1", "target missed"),
        ("T2", "2", "target met"),
        ("T2", "3", "target met"),
        ("T4", "1", "target missed"),
        ("T7", "1", "target missed"),
    ]
    assert dict(zip(sla[~sla.counted].ticket_id, sla[~sla.counted].reason, strict=True)) == {
        t: "no SLA policy" for t in ("T3", "T5", "T6", "T8")
    }


def test_the_row_must_be_one(ticket_workspace: Workspace) -> None:
    # Records in the weeks of 1, 8 (T2's solve), 22 and 29 March (T6) and 19 April (T5).
    with pytest.raises(ValueError, match="fall in 5 weeks"):
        kpidesk.records(ticket_workspace, metric="volume", period="week")
    with pytest.raises(ValueError, match="one result row per sla_metric"):
        kpidesk.records(ticket_workspace, metric="sla_attainment", period="all")
    with pytest.raises(ValueError, match="cannot choose records by 'shoe_size'"):
        kpidesk.records(ticket_workspace, metric="volume", period="all", filters={"shoe_size": "42"})
    assert kpidesk.records(ticket_workspace, metric="volume", period="all", filters={"team": "sales"}).empty


def test_every_metric_describes_its_records() -> None:
    from kpidesk.metrics._records import RULES, UNITS

    assert set(RULES) == {m.id for m in CATALOGUE}
    assert {r.unit for r in RULES.values()} <= set(UNITS)


def _group_sizes(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    return frame.fillna({k: "" for k in keys}).groupby(keys).size()


def test_counted_records_are_n_for_every_weekly_team_row_of_the_demo(small_demo: Workspace) -> None:
    results = kpidesk.kpis(small_demo, metrics=[m.id for m in CATALOGUE], by=["team"], period="week")
    assert set(results["metric"]) == {m.id for m in CATALOGUE}
    keys = ["period_start", "team"]
    with small_demo.connect(read_only=False) as con:
        context = RecordsContext(
            warehouse_tables(ibis.duckdb.from_connection(con)), small_demo.settings, KpiQuery(period="week")
        )
        for metric in CATALOGUE:
            rows = results[results.metric == metric.id].drop_duplicates([*keys, "sla_metric"])
            for sla_metric in rows["sla_metric"].unique():
                part = rows if pd.isna(sla_metric) else rows[rows.sla_metric == sla_metric]
                chosen = {} if pd.isna(sla_metric) else {"sla_metric": sla_metric}
                records = context.records(metric.id, chosen)
                counted = _group_sizes(records[records.counted], keys)
                expected = part.fillna({"team": ""}).set_index(keys)["n"]
                got = counted.reindex(expected.index, fill_value=0)
                assert got.to_dict() == expected.to_dict(), (metric.id, sla_metric)
                assert set(counted.index) <= set(expected.index), (metric.id, sla_metric)


def test_one_demo_row_through_the_public_function(small_demo: Workspace) -> None:
    week = {"period": "week", "start": date(2026, 1, 11), "end": date(2026, 1, 17)}
    row = one_result(kpidesk.kpis(small_demo, metrics=["asa"], by=["team"], **week), "asa", team="billing")
    frame = kpidesk.records(small_demo, metric="asa", filters={"team": "billing"}, **week)
    assert frame["counted"].sum() == row["n"] > 0
    assert frame.loc[frame.counted, "value"].mean() == pytest.approx(
        kpidesk.kpis(small_demo, metrics=["asa"], by=["team"], stat="mean", **week)
        .query("team == 'billing'")["value"]
        .iloc[0]
    )
    left_out = set(frame.loc[~frame.counted, "reason"])
    assert left_out <= {"not answered (abandoned)", "never entered the agent queue"}


def test_service_level_calls_of_one_queue_and_week(call_workspace: Workspace) -> None:
    call_workspace.settings.metrics.short_abandon_seconds = 10
    week = {"period": "week", "start": date(2026, 3, 1), "end": date(2026, 3, 7)}
    frame = kpidesk.records(call_workspace, metric="service_level", filters={"queue": "billing"}, **week)
    # Billing calls of the week (tests/call_fixture.py), T = 20 s: C01 waited 10 s and C02 15 s (in time);
    # C03 45 s, C04 120 s and C11 120 s (late); C06 left after 60 s; C05 left after 5 s, under the 10 s
    # that count as offered. C12 arrived the week after; C07–C10 are tech calls.
    got = {r.call_id: (r.value, r.counted, r.reason) for r in frame.itertuples()}
    assert got == {
        "C01": (1.0, True, "answered within 20 s"),
        "C02": (1.0, True, "answered within 20 s"),
        "C03": (0.0, True, "answered after 20 s"),
        "C04": (0.0, True, "answered after 20 s"),
        "C06": (0.0, True, "abandoned"),
        "C11": (0.0, True, "answered after 20 s"),
        "C05": (None, False, "abandoned within 10 s: not offered long enough to count"),
    }
    row = one_result(
        kpidesk.kpis(call_workspace, metrics=["service_level"], by=["queue"], **week),
        "service_level",
        queue="billing",
    )
    assert (row["n"], row["value"]) == (6, pytest.approx(2 / 6))
