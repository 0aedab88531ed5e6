"""The slot table: its shape, hand-worked rows, and business time equal to the day-walking reference."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpidesk.calendars import SLOT_SCHEMA, BusinessCalendar, build_slots, slot_range_for, write_calendar_slots
from kpidesk.warehouse import connect
from kpidesk.workspace import CalendarSettings, SettingsError

DAY = 86400
HOUR = 3600


def epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def utc(seconds: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=seconds)


class SlotIndex:
    """The engine's lookup done in Python: equi-join on (calendar_id, utc_day), then the range filter."""

    def __init__(self, slots: pa.Table) -> None:
        self.rows: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
        for row in slots.to_pylist():
            self.rows[(row["calendar_id"], row["utc_day"])].append(row)

    def slot(self, calendar_id: str, t: int) -> dict[str, Any]:
        matches = [r for r in self.rows[(calendar_id, t // DAY)] if r["slot_start"] <= t < r["slot_end"]]
        assert len(matches) == 1, f"{len(matches)} slots hold {utc(t)} in {calendar_id}"
        return matches[0]

    def business_s(self, calendar_id: str, t: int) -> int:
        r = self.slot(calendar_id, t)
        clamped = max(r["open_from"], min(t - r["slot_start"], r["open_to"]))
        return int(r["cum_before"] + clamped - r["open_from"])


def distinct_slots(slots: pa.Table, calendar_id: str) -> list[dict[str, Any]]:
    unique = {r["slot_start"]: r for r in slots.to_pylist() if r["calendar_id"] == calendar_id}
    return [unique[start] for start in sorted(unique)]


@pytest.fixture(scope="module")
def year_2026(all_calendars: dict[str, CalendarSettings]) -> tuple[SlotIndex, dict[str, BusinessCalendar]]:
    slots = build_slots(all_calendars, date(2025, 12, 1), date(2027, 1, 31))
    return SlotIndex(slots), {name: BusinessCalendar(s) for name, s in all_calendars.items()}


def test_columns_names_and_types_are_the_contract(israel: CalendarSettings) -> None:
    slots = build_slots({"israel": israel}, date(2026, 1, 4), date(2026, 1, 4))
    assert slots.schema == SLOT_SCHEMA
    assert [(f.name, str(f.type)) for f in slots.schema] == [
        ("calendar_id", "string"),
        ("utc_day", "int64"),
        ("slot_start", "int64"),
        ("slot_end", "int64"),
        ("cum_before", "int64"),
        ("open_from", "int32"),
        ("open_to", "int32"),
        ("local_date", "date32[day]"),
        ("week", "date32[day]"),
        ("month", "date32[day]"),
        ("quarter", "date32[day]"),
        ("year", "date32[day]"),
    ]


def test_a_sunday_to_thursday_week_worked_by_hand(israel: CalendarSettings) -> None:
    # Sun 2026-01-04 to Sat 2026-01-10 in Israel (UTC+2): each local day runs 22:00Z to 22:00Z, so each of
    # the 7 slots touches 2 UTC days: 14 rows. Open 09:00–17:00 is 32400–61200 s after local midnight;
    # cum_before grows by 8 h = 28800 s per working day.
    slots = build_slots({"israel": israel}, date(2026, 1, 4), date(2026, 1, 10))
    assert slots.num_rows == 14
    rows = distinct_slots(slots, "israel")
    first = epoch(datetime(2026, 1, 3, 22))
    assert [r["slot_start"] for r in rows] == [first + i * DAY for i in range(7)]
    assert [r["slot_end"] - r["slot_start"] for r in rows] == [DAY] * 7
    assert [(r["open_from"], r["open_to"]) for r in rows] == [(32400, 61200)] * 5 + [(0, 0)] * 2
    assert [r["cum_before"] for r in rows] == [0, 28800, 57600, 86400, 115200, 144000, 144000]
    assert [r["local_date"] for r in rows] == [date(2026, 1, 4) + timedelta(days=i) for i in range(7)]
    assert {(r["week"], r["month"], r["quarter"], r["year"]) for r in rows} == {
        (date(2026, 1, 4), date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 1))
    }
    sunday = [r["utc_day"] for r in slots.to_pylist() if r["slot_start"] == first]
    assert sunday == [first // DAY, first // DAY + 1]


def test_before_and_after_open_hours_clamp(israel: CalendarSettings) -> None:
    # Thu 2026-01-08: slot 2026-01-07 22:00Z to 2026-01-08 22:00Z, open 07:00Z–15:00Z, cum_before 4 × 8 h.
    index = SlotIndex(build_slots({"israel": israel}, date(2026, 1, 4), date(2026, 1, 10)))
    cum = 4 * 8 * HOUR
    assert index.business_s("israel", epoch(datetime(2026, 1, 8, 4))) == cum  # 06:00 local
    assert index.business_s("israel", epoch(datetime(2026, 1, 8, 8))) == cum + HOUR  # 10:00 local
    assert index.business_s("israel", epoch(datetime(2026, 1, 8, 20))) == cum + 8 * HOUR  # 22:00 local
    # Fri 10:00 and 15:00 local sit in one closed slot: the same business second, so 0 between them.
    assert (
        index.business_s("israel", epoch(datetime(2026, 1, 9, 8)))
        == index.business_s("israel", epoch(datetime(2026, 1, 9, 13)))
        == cum + 8 * HOUR
    )


def test_a_split_shift_day_has_one_slot_per_interval(split_shift: CalendarSettings) -> None:
    # Mon 2026-01-05 in UTC, open 09:00–12:00 and 13:00–17:00: the first slot runs from midnight to the end
    # of the morning shift (open 32400–43200), the second from noon to midnight (open 1 h–5 h after noon).
    slots = build_slots({"split_shift": split_shift}, date(2026, 1, 5), date(2026, 1, 5))
    rows = slots.to_pylist()
    noon = epoch(datetime(2026, 1, 5, 12))
    shape = [(r["slot_start"], r["slot_end"], r["cum_before"], r["open_from"], r["open_to"]) for r in rows]
    assert shape == [
        (noon - 12 * HOUR, noon, 0, 32400, 43200),
        (noon, noon + 12 * HOUR, 3 * HOUR, HOUR, 5 * HOUR),
    ]
    assert {r["utc_day"] for r in rows} == {noon // DAY}


def test_dst_days_measure_real_seconds(israel_always_open: CalendarSettings) -> None:
    # 09:00–17:00 every day in Israel. Fri 2026-03-27 starts 2026-03-26 22:00Z (IST) and lasts 23 h;
    # 09:00 IDT = 06:00Z is 8 h after midnight and 17:00 IDT = 14:00Z is 16 h after.
    # Sun 2026-10-25 starts 2026-10-24 21:00Z (IDT) and lasts 25 h; 09:00 IST = 07:00Z is 10 h after
    # midnight and 17:00 IST = 15:00Z is 18 h after.
    nine_to_five = CalendarSettings(
        name="n",
        timezone="Asia/Jerusalem",
        hours=dict.fromkeys(("sun", "mon", "tue", "wed", "thu", "fri", "sat"), "09:00-17:00"),
    )
    spring = distinct_slots(build_slots({"n": nine_to_five}, date(2026, 3, 27), date(2026, 3, 27)), "n")
    assert [(r["slot_end"] - r["slot_start"], r["open_from"], r["open_to"]) for r in spring] == [
        (23 * HOUR, 8 * HOUR, 16 * HOUR)
    ]
    autumn = distinct_slots(build_slots({"n": nine_to_five}, date(2026, 10, 25), date(2026, 10, 25)), "n")
    assert [(r["slot_end"] - r["slot_start"], r["open_from"], r["open_to"]) for r in autumn] == [
        (25 * HOUR, 10 * HOUR, 18 * HOUR)
    ]
    # Around the clock, the whole 23 h day is open.
    always = distinct_slots(build_slots({"a": israel_always_open}, date(2026, 3, 27), date(2026, 3, 27)), "a")
    assert [(r["open_from"], r["open_to"]) for r in always] == [(0, 23 * HOUR)]


def test_a_year_stays_small(
    israel: CalendarSettings, new_york: CalendarSettings, split_shift: CalendarSettings
) -> None:
    # 365 one-slot days, each touching 2 UTC days. The split shift: 2026 has 261 weekdays (52 weeks and a
    # Thursday) of 2 slots plus 104 weekend days of 1, all inside one UTC day: 626 rows.
    year = (date(2026, 1, 1), date(2026, 12, 31))
    assert build_slots({"israel": israel}, *year).num_rows == 730
    assert build_slots({"new_york": new_york}, *year).num_rows == 730
    assert build_slots({"split_shift": split_shift}, *year).num_rows == 626


def test_slots_partition_the_timeline(all_calendars: dict[str, CalendarSettings]) -> None:
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    slots = build_slots(all_calendars, start, end)
    for calendar_id, calendar_settings in all_calendars.items():
        calendar = BusinessCalendar(calendar_settings)
        rows = distinct_slots(slots, calendar_id)
        assert rows[0]["slot_start"] == calendar.day_bounds(start)[0]
        assert rows[-1]["slot_end"] == calendar.day_bounds(end)[1]
        for before, after in pairwise(rows):
            assert before["slot_end"] == after["slot_start"]
            assert after["cum_before"] == before["cum_before"] + before["open_to"] - before["open_from"]
        for r in rows:
            assert 0 <= r["open_from"] <= r["open_to"] <= r["slot_end"] - r["slot_start"]
            assert r["local_date"] == calendar.local_date(r["slot_start"])
            assert r["local_date"] == calendar.local_date(r["slot_end"] - 1)
        days = [r["utc_day"] for r in slots.to_pylist() if r["calendar_id"] == calendar_id]
        assert len(days) == sum((r["slot_end"] - 1) // DAY - r["slot_start"] // DAY + 1 for r in rows)


def test_every_slot_edge_agrees_with_the_reference(
    year_2026: tuple[SlotIndex, dict[str, BusinessCalendar]],
) -> None:
    index, calendars = year_2026
    for calendar_id, calendar in calendars.items():
        starts = sorted(
            {r["slot_start"] for (cid, _), rows in index.rows.items() if cid == calendar_id for r in rows}
        )
        instants: list[int] = []
        for slot_start in starts:
            r = index.slot(calendar_id, slot_start)
            if date(2026, 1, 1) <= r["local_date"] <= date(2026, 12, 31):
                for at in (r["slot_start"], r["slot_start"] + r["open_from"], r["slot_start"] + r["open_to"]):
                    instants.extend((at - 1, at, at + 1))
        instants.sort()
        for a, b in pairwise(instants):
            expected = calendar.business_seconds_between(utc(a), utc(b))
            assert index.business_s(calendar_id, b) - index.business_s(calendar_id, a) == expected, (
                calendar_id,
                utc(a),
                utc(b),
            )


YEAR_START = epoch(datetime(2026, 1, 1))
YEAR_END = epoch(datetime(2027, 1, 1))
CALENDAR_IDS = ["israel", "new_york", "split_shift", "israel_always_open", "israel_night"]


@settings(max_examples=300, deadline=None, database=None)
@given(
    calendar_id=st.sampled_from(CALENDAR_IDS),
    a=st.integers(YEAR_START, YEAR_END),
    b=st.integers(YEAR_START, YEAR_END),
)
def test_slot_business_time_equals_the_reference_for_any_two_instants(
    year_2026: tuple[SlotIndex, dict[str, BusinessCalendar]], calendar_id: str, a: int, b: int
) -> None:
    index, calendars = year_2026
    expected = calendars[calendar_id].business_seconds_between(utc(a), utc(b))
    assert index.business_s(calendar_id, b) - index.business_s(calendar_id, a) == expected


def test_write_calendar_slots_replaces_the_warehouse_table(
    tmp_path: Path, israel: CalendarSettings, split_shift: CalendarSettings
) -> None:
    calendars = {"israel": israel, "split_shift": split_shift}
    con = connect(tmp_path / "kpidesk.duckdb")
    try:
        write_calendar_slots(con, calendars, date(2026, 1, 1), date(2026, 12, 31))
        assert con.execute("SELECT count(*) FROM calendar_slots").fetchall() == [(730 + 626,)]
        write_calendar_slots(con, calendars, date(2026, 1, 4), date(2026, 1, 10))
        types = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'calendar_slots' ORDER BY ordinal_position"
        ).fetchall()
        rows = con.execute("SELECT count(*) FROM calendar_slots").fetchall()
    finally:
        con.close()
    # The second write replaced the first: one week is 14 Israeli rows plus 5 × 2 + 2 split-shift slots.
    assert rows == [(14 + 12,)]
    assert types == [
        ("calendar_id", "VARCHAR"),
        ("utc_day", "BIGINT"),
        ("slot_start", "BIGINT"),
        ("slot_end", "BIGINT"),
        ("cum_before", "BIGINT"),
        ("open_from", "INTEGER"),
        ("open_to", "INTEGER"),
        ("local_date", "DATE"),
        ("week", "DATE"),
        ("month", "DATE"),
        ("quarter", "DATE"),
        ("year", "DATE"),
    ]


def test_slot_range_pads_a_year_each_side() -> None:
    assert slot_range_for(datetime(2026, 3, 5, 12), datetime(2026, 11, 1)) == (
        date(2025, 1, 1),
        date(2027, 12, 31),
    )
    assert slot_range_for(date(2027, 1, 1), date(2024, 6, 30)) == (date(2023, 1, 1), date(2028, 12, 31))
    # 2025-12-31 23:30 in New York is 2026-01-01 04:30Z: the UTC date decides.
    aware = datetime(
        2025,
        12,
        31,
        23,
        30,
        tzinfo=BusinessCalendar(CalendarSettings(name="x", timezone="America/New_York")).zone,
    )
    assert slot_range_for(aware, aware) == (date(2025, 1, 1), date(2027, 12, 31))
    today = datetime.now(UTC).date()
    assert slot_range_for(None, None) == (date(today.year - 1, 1, 1), date(today.year + 1, 12, 31))


def test_empty_and_reversed_ranges(israel: CalendarSettings) -> None:
    assert build_slots({}, date(2026, 1, 1), date(2026, 12, 31)).num_rows == 0
    assert build_slots({}, date(2026, 1, 1), date(2026, 12, 31)).schema == SLOT_SCHEMA
    assert build_slots({"israel": israel}, date(2026, 1, 1), date(2026, 1, 1)).num_rows == 2
    with pytest.raises(ValueError, match="ends"):
        build_slots({"israel": israel}, date(2026, 1, 2), date(2026, 1, 1))


def test_bad_calendar_settings_stop_the_build(israel: CalendarSettings) -> None:
    bad = CalendarSettings(name="bad", timezone="UTC", hours={"mon": "9-17x"})
    with pytest.raises(SettingsError, match=r"\[calendars.bad\] hours.mon"):
        build_slots({"israel": israel, "bad": bad}, date(2026, 1, 1), date(2026, 1, 31))
