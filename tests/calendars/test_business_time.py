"""Business seconds and local periods in the engine: on a DuckDB file, and the same values on Spark.

All instants are naive UTC. Israel is UTC+2 in winter and UTC+3 from 2026-03-27 to 2026-10-25; New York
is UTC−5 until 2026-03-08 and UTC−4 after.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from kpidesk.calendars import (
    BusinessCalendar,
    build_slots,
    slot_range_for,
    with_business_seconds,
    with_local_periods,
    write_calendar_slots,
)
from kpidesk.warehouse import connect
from kpidesk.workspace import CalendarSettings

PERIOD_COLUMNS = ["a_date", "a_week", "a_month", "a_quarter", "a_year"]

#: (id, calendar, a, b, business seconds from a to b worked by hand; None when either end has none).
HAND_WORKED: list[tuple[int, str | None, datetime | None, datetime | None, int | None]] = [
    # Thu 16:00 IST → Sun 10:00 IST: Thu 1 h + Sun 1 h (Fri, Sat closed).
    (1, "israel", datetime(2026, 1, 8, 14), datetime(2026, 1, 11, 8), 7200),
    # Tue 16:00 IDT → Thu 10:00 IDT around Independence Day, Wed 2026-04-22: 1 h + 1 h.
    (2, "israel", datetime(2026, 4, 21, 13), datetime(2026, 4, 23, 7), 7200),
    # Wed 16:00 IST → Sun 10:00 IST around the extra holiday Thu 2026-12-24: 1 h + 1 h.
    (3, "israel", datetime(2026, 12, 23, 14), datetime(2026, 12, 27, 8), 7200),
    # Fri 16:00 EST → Tue 10:00 EST around Martin Luther King Jr. Day, Mon 2026-01-19: 1 h + 1 h.
    (4, "new_york", datetime(2026, 1, 16, 21), datetime(2026, 1, 20, 15), 7200),
    # Fri 16:00 EST → Mon 10:00 EDT across the US spring-forward: 1 h + 1 h.
    (5, "new_york", datetime(2026, 3, 6, 21), datetime(2026, 3, 9, 14), 7200),
    # Always open, Thu 12:00 IST → Sat 12:00 IDT: 48 h on the wall clock, 47 h real.
    (6, "israel_always_open", datetime(2026, 3, 26, 10), datetime(2026, 3, 28, 9), 169200),
    # Always open, Sat 12:00 IDT → Mon 12:00 IST: 48 h on the wall clock, 49 h real.
    (7, "israel_always_open", datetime(2026, 10, 24, 9), datetime(2026, 10, 26, 10), 176400),
    # Open 01:00–05:00; Fri 2026-03-27 loses its 02:00–03:00: 3 h for the whole local day.
    (8, "israel_night", datetime(2026, 3, 26, 22), datetime(2026, 3, 27, 21), 10800),
    # Split shift, Mon 11:00 → 14:00 UTC: 1 h before lunch + 1 h after.
    (9, "split_shift", datetime(2026, 1, 5, 11), datetime(2026, 1, 5, 14), 7200),
    # Fri 10:00 → 15:00 IST: one closed slot.
    (10, "israel", datetime(2026, 1, 9, 8), datetime(2026, 1, 9, 13), 0),
    # Floored to whole seconds: Thu 16:00:00.9 → 16:00:01.5 IST is 16:00:00 → 16:00:01.
    (11, "israel", datetime(2026, 1, 8, 14, 0, 0, 900000), datetime(2026, 1, 8, 14, 0, 1, 500000), 1),
    (12, "israel", None, datetime(2026, 1, 8, 14), None),
    (13, None, datetime(2026, 1, 8), datetime(2026, 1, 9), None),
    (14, "mars", datetime(2026, 1, 8), datetime(2026, 1, 9), None),
    # Outside the slots (2025–2027).
    (15, "israel", datetime(2035, 1, 1), datetime(2035, 1, 2), None),
]

#: (id, instant, (local date, week from Sunday, month, quarter, year) in the Israeli calendar).
MOMENTS: list[tuple[int, datetime | None, tuple[date, ...] | None]] = [
    # 00:30 IST Sun 2026-01-04: a new week starts.
    (
        1,
        datetime(2026, 1, 3, 22, 30),
        (date(2026, 1, 4), date(2026, 1, 4), date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 1)),
    ),
    # 23:30 IST Sat 2026-01-03: still the week of Sun 2025-12-28.
    (
        2,
        datetime(2026, 1, 3, 21, 30),
        (date(2026, 1, 3), date(2025, 12, 28), date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 1)),
    ),
    # 00:30 IDT Wed 2026-04-01: April and the second quarter although it is still March in UTC.
    (
        3,
        datetime(2026, 3, 31, 21, 30),
        (date(2026, 4, 1), date(2026, 3, 29), date(2026, 4, 1), date(2026, 4, 1), date(2026, 1, 1)),
    ),
    # 00:30 IST Thu 2026-01-01: the new year although it is still 2025 in UTC.
    (
        4,
        datetime(2025, 12, 31, 22, 30),
        (date(2026, 1, 1), date(2025, 12, 28), date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 1)),
    ),
    # The first 01:30 (IDT) of Sun 2026-10-25, the fall-back day.
    (
        5,
        datetime(2026, 10, 24, 22, 30),
        (date(2026, 10, 25), date(2026, 10, 25), date(2026, 10, 1), date(2026, 10, 1), date(2026, 1, 1)),
    ),
    (6, None, None),
]


def _random_rows(calendars: dict[str, CalendarSettings], count: int) -> list[tuple[Any, ...]]:
    rng = random.Random(2026)
    start = datetime(2026, 1, 1)
    rows = []
    for i in range(count):
        calendar_id = rng.choice(sorted(calendars))
        a, b = (
            start + timedelta(seconds=rng.randrange(365 * 86400), microseconds=rng.randrange(10**6))
            for _ in range(2)
        )
        expected = BusinessCalendar(calendars[calendar_id]).business_seconds_between(a, b)
        rows.append((1000 + i, calendar_id, a, b, expected))
    return rows


def _tickets(rows: list[tuple[Any, ...]]) -> pa.Table:
    return pa.table(
        {
            "id": pa.array([r[0] for r in rows], pa.int64()),
            "calendar": pa.array([r[1] for r in rows], pa.string()),
            "a": pa.array([r[2] for r in rows], pa.timestamp("us")),
            "b": pa.array([r[3] for r in rows], pa.timestamp("us")),
            "note": pa.array([f"row {r[0]}" for r in rows], pa.string()),
        }
    )


def _moments() -> pa.Table:
    return pa.table(
        {
            "id": pa.array([m[0] for m in MOMENTS], pa.int64()),
            "a": pa.array([m[1] for m in MOMENTS], pa.timestamp("us")),
        }
    )


def _query(tickets: ibis.Table, moments: ibis.Table, slots: ibis.Table) -> tuple[ibis.Table, ibis.Table]:
    with_bs = with_business_seconds(tickets, ["a", "b"], "calendar", slots)
    periods = with_local_periods(moments, "a", "israel", slots)
    return with_bs.mutate(duration=with_bs.b_bs - with_bs.a_bs), periods


def _by_id(table: ibis.Table, columns: list[str]) -> list[dict[str, Any]]:
    return sorted(table.select("id", *columns).to_pyarrow().to_pylist(), key=lambda r: r["id"])


SLOT_RANGE = slot_range_for(datetime(2026, 1, 1), datetime(2026, 12, 31))


@pytest.fixture(scope="module")
def cases(all_calendars: dict[str, CalendarSettings]) -> list[tuple[Any, ...]]:
    return HAND_WORKED + _random_rows(all_calendars, 400)


@pytest.fixture(scope="module")
def slots(all_calendars: dict[str, CalendarSettings]) -> pa.Table:
    return build_slots(all_calendars, *SLOT_RANGE)


@pytest.fixture(scope="module")
def duckdb_file(
    tmp_path_factory: pytest.TempPathFactory,
    all_calendars: dict[str, CalendarSettings],
    cases: list[tuple[Any, ...]],
) -> Path:
    """A warehouse file holding the slots (written the way the workspace writes them), tickets and moments."""
    path = tmp_path_factory.mktemp("warehouse") / "kpidesk.duckdb"
    con = connect(path)
    try:
        write_calendar_slots(con, all_calendars, *SLOT_RANGE)
        for name, table in (("tickets", _tickets(cases)), ("moments", _moments())):
            con.register("incoming", table)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
            con.unregister("incoming")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def duckdb_results(duckdb_file: Path) -> tuple[ibis.Table, ibis.Table]:
    con = ibis.duckdb.connect(duckdb_file)
    return _query(con.table("tickets"), con.table("moments"), con.table("calendar_slots"))


def test_durations_on_duckdb_match_hand_worked_values_and_the_reference(
    duckdb_results: tuple[ibis.Table, ibis.Table], cases: list[tuple[Any, ...]]
) -> None:
    durations, _ = duckdb_results
    got = {r["id"]: r["duration"] for r in _by_id(durations, ["duration"])}
    assert got == {case[0]: case[4] for case in cases}


def test_business_seconds_are_null_only_where_there_is_no_slot(
    duckdb_results: tuple[ibis.Table, ibis.Table],
) -> None:
    durations, _ = duckdb_results
    rows = {r["id"]: r for r in _by_id(durations, ["a_bs", "b_bs"])}
    assert rows[12]["a_bs"] is None and rows[12]["b_bs"] is not None  # a is null
    assert all(rows[i][c] is None for i in (13, 14, 15) for c in ("a_bs", "b_bs"))
    others = [r for i, r in rows.items() if i not in (12, 13, 14, 15)]
    assert all(r["a_bs"] is not None and r["b_bs"] is not None for r in others)


def test_rows_and_columns_are_kept(duckdb_file: Path, cases: list[tuple[Any, ...]]) -> None:
    con = ibis.duckdb.connect(duckdb_file)
    tickets, slots = con.table("tickets"), con.table("calendar_slots")
    result = with_business_seconds(tickets, ["a", "b", "a"], "calendar", slots)
    assert result.columns == ("id", "calendar", "a", "b", "note", "a_bs", "b_bs")
    assert result.count().to_pyarrow().as_py() == len(cases)
    assert result.id.nunique().to_pyarrow().as_py() == len(cases)
    assert result.schema()["a_bs"] == ibis.dtype("int64")


def test_local_periods_on_duckdb(duckdb_results: tuple[ibis.Table, ibis.Table]) -> None:
    _, periods = duckdb_results
    assert periods.columns == ("id", "a", *PERIOD_COLUMNS)
    got = {r["id"]: tuple(r[c] for c in PERIOD_COLUMNS) for r in _by_id(periods, PERIOD_COLUMNS)}
    assert got == {m[0]: m[2] or (None,) * 5 for m in MOMENTS}


def test_the_slot_table_written_to_duckdb_is_the_built_one(duckdb_file: Path, slots: pa.Table) -> None:
    stored = ibis.duckdb.connect(duckdb_file).table("calendar_slots").to_pyarrow()
    key = [("calendar_id", "ascending"), ("utc_day", "ascending"), ("slot_start", "ascending")]
    assert stored.sort_by(key).equals(slots.sort_by(key))


@pytest.mark.spark
def test_spark_gives_the_same_values_as_duckdb(
    spark: Any, slots: pa.Table, cases: list[tuple[Any, ...]], duckdb_results: tuple[ibis.Table, ibis.Table]
) -> None:
    con = ibis.pyspark.connect(spark)
    tickets = con.create_table("tickets", _tickets(cases), overwrite=True)
    moments = con.create_table("moments", _moments(), overwrite=True)
    spark_slots = con.create_table("calendar_slots", slots, overwrite=True)
    durations, periods = _query(tickets, moments, spark_slots)
    duck_durations, duck_periods = duckdb_results
    business = ["a_bs", "b_bs", "duration"]
    assert _by_id(durations, business) == _by_id(duck_durations, business)
    assert _by_id(periods, PERIOD_COLUMNS) == _by_id(duck_periods, PERIOD_COLUMNS)
    assert durations.count().to_pyarrow().as_py() == len(cases)


def test_instants_before_1970_are_floored_too() -> None:
    # 1969-12-31 23:59:59.5 UTC is epoch second −0.5, floored to −1 (23:59:59), on UTC day −1.
    con = ibis.duckdb.connect()
    table = ibis.memtable({"id": [1], "calendar": ["utc"], "a": [datetime(1969, 12, 31, 23, 59, 59, 500000)]})
    utc = CalendarSettings(name="utc", timezone="UTC", hours={"wed": "00:00-24:00"})
    built = build_slots({"utc": utc}, date(1969, 12, 31), date(1970, 1, 1))
    slots = con.create_table("calendar_slots", built)
    # Wed 1969-12-31 is open all day: 86399 business seconds have passed at 23:59:59.
    value = con.execute(with_business_seconds(table, ["a"], "calendar", slots).a_bs)
    assert value.tolist() == [86399]
