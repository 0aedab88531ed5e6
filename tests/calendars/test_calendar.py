"""BusinessCalendar: hours, holidays, half days and DST, checked against values worked out by hand.

Israel is UTC+2 in winter and UTC+3 from Fri 2026-03-27 02:00 to Sun 2026-10-25 02:00. New York is UTC−5
until Sun 2026-03-08 02:00 and UTC−4 after. All datetimes below are naive UTC unless they carry a zone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kpidesk.calendars import BusinessCalendar, parse_hours
from kpidesk.workspace import CalendarSettings, SettingsError

HOUR = 3600
EVERY_DAY = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
JERUSALEM = ZoneInfo("Asia/Jerusalem")


def week(days: tuple[str, ...], spec: str) -> dict[str, str]:
    return dict.fromkeys(days, spec)


def between(settings: CalendarSettings, start: datetime, end: datetime) -> int:
    return BusinessCalendar(settings).business_seconds_between(start, end)


def epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def test_parse_hours_merges_touching_intervals_and_reads_24_00() -> None:
    assert parse_hours("09:00-17:00", "x") == ((9 * HOUR, 17 * HOUR),)
    assert parse_hours("13:00-17:00, 09:00-12:00", "x") == ((9 * HOUR, 12 * HOUR), (13 * HOUR, 17 * HOUR))
    assert parse_hours("09:00-12:00,12:00-17:00", "x") == ((9 * HOUR, 17 * HOUR),)
    assert parse_hours("00:00-24:00", "x") == ((0, 24 * HOUR),)
    assert parse_hours("closed", "x") == ()
    assert parse_hours("", "x") == ()


def test_day_names_may_be_written_in_full() -> None:
    settings = CalendarSettings(name="full", timezone="UTC", hours={"Monday": "09:00-17:00"})
    assert BusinessCalendar(settings).weekly[0] == ((9 * HOUR, 17 * HOUR),)


def test_weekend_is_skipped_on_a_sunday_to_thursday_week(israel: CalendarSettings) -> None:
    # Thu 2026-01-08 16:00 IST = 14:00Z; Sun 2026-01-11 10:00 IST = 08:00Z.
    # Thu 16:00–17:00 = 1 h, Fri and Sat closed, Sun 09:00–10:00 = 1 h: 7200 s.
    assert between(israel, datetime(2026, 1, 8, 14), datetime(2026, 1, 11, 8)) == 7200


def test_israeli_public_holiday_closes_the_whole_day(israel: CalendarSettings) -> None:
    calendar = BusinessCalendar(israel)
    # The holidays package puts Israeli Independence Day 2026 on Wednesday 2026-04-22.
    assert "Independence" in (calendar.holiday_name(date(2026, 4, 22)) or "")
    assert calendar.hours_on(date(2026, 4, 22)) == ()
    assert calendar.hours_on(date(2026, 4, 21)) == ((9 * HOUR, 17 * HOUR),)
    # Tue 2026-04-21 16:00 IDT = 13:00Z; Thu 2026-04-23 10:00 IDT = 07:00Z.
    # Tue 16:00–17:00 = 1 h, Wed closed (instead of 8 h), Thu 09:00–10:00 = 1 h: 7200 s.
    assert between(israel, datetime(2026, 4, 21, 13), datetime(2026, 4, 23, 7)) == 7200


def test_extra_holiday_closes_the_whole_day(israel: CalendarSettings) -> None:
    assert BusinessCalendar(israel).holiday_name(date(2026, 12, 24)) == "extra holiday"
    # Wed 2026-12-23 16:00 IST = 14:00Z; Sun 2026-12-27 10:00 IST = 08:00Z.
    # Wed 1 h, Thu 24th closed (extra holiday), Fri and Sat closed, Sun 1 h: 7200 s.
    assert between(israel, datetime(2026, 12, 23, 14), datetime(2026, 12, 27, 8)) == 7200
    # Without the extra holiday Thursday adds 8 h: 1 + 8 + 1 = 10 h = 36000 s.
    assert (
        between(replace(israel, extra_holidays=[]), datetime(2026, 12, 23, 14), datetime(2026, 12, 27, 8))
        == 36000
    )


def test_half_days_replace_the_hours_of_their_date(israel: CalendarSettings) -> None:
    # Thu 2026-09-10 09:00 IDT = 06:00Z to 18:00 IDT = 15:00Z: a half day 09:00–13:00 gives 4 h, not 8 h.
    assert between(israel, datetime(2026, 9, 10, 6), datetime(2026, 9, 10, 15)) == 4 * HOUR
    # Fri 2026-09-11 is normally closed; its half day opens it 09:00–13:00. Whole local day
    # (2026-09-10 21:00Z to 2026-09-11 21:00Z): 4 h = 14400 s.
    assert between(israel, datetime(2026, 9, 10, 21), datetime(2026, 9, 11, 21)) == 14400


def test_a_half_day_wins_over_a_public_holiday(israel: CalendarSettings) -> None:
    calendar = BusinessCalendar(replace(israel, half_days={"2026-04-22": "09:00-12:00"}))
    assert calendar.hours_on(date(2026, 4, 22)) == ((9 * HOUR, 12 * HOUR),)
    assert calendar.holiday_name(date(2026, 4, 22)) is None


def test_split_shift_skips_the_lunch_break(split_shift: CalendarSettings) -> None:
    # Mon 2026-01-05 in UTC: 11:00–12:00 = 1 h, lunch 12:00–13:00 closed, 13:00–14:00 = 1 h: 7200 s.
    assert between(split_shift, datetime(2026, 1, 5, 11), datetime(2026, 1, 5, 14)) == 7200
    assert between(split_shift, datetime(2026, 1, 5, 12, 15), datetime(2026, 1, 5, 12, 45)) == 0
    # A whole day: 3 h + 4 h = 25200 s.
    assert between(split_shift, datetime(2026, 1, 5), datetime(2026, 1, 6)) == 25200


def test_israel_2026_clock_changes_are_where_the_tests_assume() -> None:
    def local(moment: datetime) -> datetime:
        return moment.replace(tzinfo=UTC).astimezone(JERUSALEM).replace(tzinfo=None)

    # Spring forward: 01:59:59 IST is followed by 03:00 IDT on Fri 2026-03-27.
    assert local(datetime(2026, 3, 26, 23, 59, 59)) == datetime(2026, 3, 27, 1, 59, 59)
    assert local(datetime(2026, 3, 27, 0, 0)) == datetime(2026, 3, 27, 3, 0)
    # Fall back: 01:59:59 IDT is followed by 01:00 IST on Sun 2026-10-25.
    assert local(datetime(2026, 10, 24, 22, 59, 59)) == datetime(2026, 10, 25, 1, 59, 59)
    assert local(datetime(2026, 10, 24, 23, 0)) == datetime(2026, 10, 25, 1, 0)


def test_spring_forward_in_israel_loses_an_hour(
    israel_always_open: CalendarSettings, israel_night: CalendarSettings
) -> None:
    # Thu 2026-03-26 12:00 IST = 10:00Z to Sat 2026-03-28 12:00 IDT = 09:00Z: the wall clock moves 48 h
    # but only 47 h pass, and an always-open calendar counts real time: 47 h = 169200 = 172800 − 3600.
    assert between(israel_always_open, datetime(2026, 3, 26, 10), datetime(2026, 3, 28, 9)) == 169200
    # Open 01:00–05:00 on Fri 2026-03-27: 01:00 IST = 2026-03-26 23:00Z to 05:00 IDT = 02:00Z is 3 h,
    # not the 4 h the wall clock shows. Whole local day 2026-03-26 22:00Z to 2026-03-27 21:00Z (23 h).
    calendar = BusinessCalendar(israel_night)
    assert calendar.day_bounds(date(2026, 3, 27)) == (
        epoch(datetime(2026, 3, 26, 22)),
        epoch(datetime(2026, 3, 27, 21)),
    )
    assert calendar.open_intervals(date(2026, 3, 27)) == [
        (epoch(datetime(2026, 3, 26, 23)), epoch(datetime(2026, 3, 27, 2)))
    ]
    assert between(israel_night, datetime(2026, 3, 26, 22), datetime(2026, 3, 27, 21)) == 14400 - 3600


def test_fall_back_in_israel_gains_an_hour(
    israel_always_open: CalendarSettings, israel_night: CalendarSettings
) -> None:
    # Sat 2026-10-24 12:00 IDT = 09:00Z to Mon 2026-10-26 12:00 IST = 10:00Z: wall clock 48 h, real 49 h:
    # 176400 = 172800 + 3600.
    assert between(israel_always_open, datetime(2026, 10, 24, 9), datetime(2026, 10, 26, 10)) == 176400
    # Open 01:00–05:00 on Sun 2026-10-25: from the first 01:00 (IDT, 2026-10-24 22:00Z) to 05:00 IST
    # (03:00Z) is 5 h. Whole local day 2026-10-24 21:00Z to 2026-10-25 22:00Z (25 h).
    calendar = BusinessCalendar(israel_night)
    assert calendar.day_bounds(date(2026, 10, 25)) == (
        epoch(datetime(2026, 10, 24, 21)),
        epoch(datetime(2026, 10, 25, 22)),
    )
    assert between(israel_night, datetime(2026, 10, 24, 21), datetime(2026, 10, 25, 22)) == 14400 + 3600


def test_a_time_in_the_skipped_hour_means_the_moment_the_clocks_jump() -> None:
    settings = CalendarSettings(name="gap", timezone="Asia/Jerusalem", hours=week(EVERY_DAY, "02:30-04:00"))
    calendar = BusinessCalendar(settings)
    # 02:30 never shows on 2026-03-27: the clock jumps from 02:00 IST to 03:00 IDT at 00:00Z, so the day
    # opens then and closes at 04:00 IDT = 01:00Z: 1 h.
    assert calendar.open_intervals(date(2026, 3, 27)) == [
        (epoch(datetime(2026, 3, 27, 0)), epoch(datetime(2026, 3, 27, 1)))
    ]
    # On the fall-back day 01:30 shows twice; the first (IDT, 2026-10-24 22:30Z) counts.
    assert calendar.instant(date(2026, 10, 25), 5400) == epoch(datetime(2026, 10, 24, 22, 30))


def test_us_federal_holiday(new_york: CalendarSettings) -> None:
    # Martin Luther King Jr. Day is Monday 2026-01-19.
    assert BusinessCalendar(new_york).hours_on(date(2026, 1, 19)) == ()
    # Fri 2026-01-16 16:00 EST = 21:00Z to Tue 2026-01-20 10:00 EST = 15:00Z:
    # Fri 1 h, weekend and Monday closed, Tue 1 h: 7200 s.
    assert between(new_york, datetime(2026, 1, 16, 21), datetime(2026, 1, 20, 15)) == 7200


def test_us_hours_follow_the_local_clock_across_the_march_change(new_york: CalendarSettings) -> None:
    calendar = BusinessCalendar(new_york)
    # Fri 2026-03-06 09:00–17:00 EST is 14:00Z–22:00Z; Mon 2026-03-09 09:00–17:00 EDT is 13:00Z–21:00Z.
    assert calendar.open_intervals(date(2026, 3, 6)) == [
        (epoch(datetime(2026, 3, 6, 14)), epoch(datetime(2026, 3, 6, 22)))
    ]
    assert calendar.open_intervals(date(2026, 3, 9)) == [
        (epoch(datetime(2026, 3, 9, 13)), epoch(datetime(2026, 3, 9, 21)))
    ]
    # Fri 16:00 EST = 21:00Z to Mon 10:00 EDT = 14:00Z: 1 h + 1 h = 7200 s (EST all along would give 1 h).
    assert between(new_york, datetime(2026, 3, 6, 21), datetime(2026, 3, 9, 14)) == 7200
    # Open around the clock, Sat 2026-03-07 12:00 EST = 17:00Z to Mon 12:00 EDT = 16:00Z: 47 h.
    always = replace(new_york, hours=week(EVERY_DAY, "00:00-24:00"), country=None)
    assert between(always, datetime(2026, 3, 7, 17), datetime(2026, 3, 9, 16)) == 47 * HOUR


def test_instants_outside_open_hours_clamp(israel: CalendarSettings) -> None:
    # Thu 2026-01-08, open 09:00–17:00 IST = 07:00Z–15:00Z.
    assert between(israel, datetime(2026, 1, 8, 4), datetime(2026, 1, 8, 6)) == 0  # 06:00–08:00
    assert between(israel, datetime(2026, 1, 8, 4), datetime(2026, 1, 8, 8)) == HOUR  # 06:00–10:00
    assert between(israel, datetime(2026, 1, 8, 14), datetime(2026, 1, 8, 18)) == HOUR  # 16:00–20:00
    assert between(israel, datetime(2026, 1, 8, 16), datetime(2026, 1, 8, 18)) == 0  # 18:00–20:00
    assert between(israel, datetime(2026, 1, 8, 4), datetime(2026, 1, 8, 18)) == 8 * HOUR  # 06:00–20:00


def test_same_closed_stretch_start_equals_end_and_reversed(israel: CalendarSettings) -> None:
    # Fri 2026-01-09 10:00–15:00 IST: closed all day.
    assert between(israel, datetime(2026, 1, 9, 8), datetime(2026, 1, 9, 13)) == 0
    assert between(israel, datetime(2026, 1, 8, 10), datetime(2026, 1, 8, 10)) == 0
    assert between(israel, datetime(2026, 1, 11, 8), datetime(2026, 1, 8, 14)) == -7200


def test_aware_datetimes_and_fractions_of_a_second(israel: CalendarSettings) -> None:
    start = datetime(2026, 1, 8, 16, tzinfo=JERUSALEM)
    end = datetime(2026, 1, 11, 10, tzinfo=JERUSALEM)
    assert between(israel, start, end) == 7200
    # Instants are floored to whole seconds: 14:00:00.9 → 14:00:00 and 14:00:01.5 → 14:00:01 (Thu 16:00 IST).
    start_us = datetime(2026, 1, 8, 14, 0, 0, 900000)
    assert between(israel, start_us, start_us + timedelta(microseconds=600000)) == 1


@pytest.mark.parametrize(
    ("country", "holiday", "what"),
    [
        ("IL", date(2026, 4, 22), "Independence Day"),
        ("SA", date(2026, 9, 23), "National Day"),
        ("AE", date(2026, 12, 2), "National Day"),
        ("EG", date(2026, 7, 23), "July 23 Revolution Day"),
        ("JO", date(2026, 5, 25), "Independence Day"),
        ("US", date(2026, 7, 3), "Independence Day (observed)"),
        ("GB", date(2026, 12, 28), "Boxing Day (observed)"),
    ],
)
def test_public_holidays_by_country(country: str, holiday: date, what: str) -> None:
    settings = CalendarSettings(
        name=country.lower(), timezone="UTC", hours=week(EVERY_DAY, "09:00-17:00"), country=country
    )
    calendar = BusinessCalendar(settings)
    assert calendar.hours_on(holiday) == (), what
    assert calendar.hours_on(holiday - timedelta(days=7)) == ((9 * HOUR, 17 * HOUR),)


def test_subdivision_adds_its_holidays_and_is_case_insensitive(new_york: CalendarSettings) -> None:
    # Cesar Chavez Day, Tue 2026-03-31, is a California holiday only.
    assert BusinessCalendar(new_york).hours_on(date(2026, 3, 31)) != ()
    assert BusinessCalendar(replace(new_york, subdivision="ca")).hours_on(date(2026, 3, 31)) == ()
    # Saint Andrew's Day, Mon 2026-11-30, in Scotland.
    scotland = CalendarSettings(
        name="scotland",
        timezone="Europe/London",
        country="gb",
        subdivision="SCT",
        hours=week(EVERY_DAY, "09:00-17:00"),
    )
    assert BusinessCalendar(scotland).hours_on(date(2026, 11, 30)) == ()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"hours": {"mon": "9-17x"}}, ["[calendars.israel] hours.mon", "HH:MM-HH:MM", "'9-17x'"]),
        ({"hours": {"mon": "25:00-26:00"}}, ["hours.mon", "HH:MM-HH:MM"]),
        ({"hours": {"mon": "09:60-10:00"}}, ["hours.mon", "HH:MM-HH:MM"]),
        ({"hours": {"funday": "09:00-17:00"}}, ["[calendars.israel] hours", "unknown day 'funday'", "sun"]),
        ({"hours": {"mon": "22:00-06:00"}}, ["hours.mon", "overnight shift '22:00-06:00'", "24:00"]),
        ({"hours": {"mon": "09:00-13:00,12:00-17:00"}}, ["hours.mon", "overlap"]),
        ({"hours": {"mon": "09:00-09:00"}}, ["hours.mon", "same time"]),
        ({"country": "XX"}, ["[calendars.israel] country", "'XX'", "ISO 3166-1"]),
        ({"country": "US", "subdivision": "ZZ"}, ["[calendars.israel] subdivision", "'ZZ'", "CA"]),
        ({"country": None, "subdivision": "CA"}, ["[calendars.israel] subdivision", "country"]),
        (
            {"extra_holidays": ["2026-13-01"]},
            ["[calendars.israel] extra_holidays", "YYYY-MM-DD", "'2026-13-01'"],
        ),
        ({"extra_holidays": ["24/12/2026"]}, ["extra_holidays", "YYYY-MM-DD"]),
        (
            {"half_days": {"2026-09-11": "9am-1pm"}},
            ["[calendars.israel] half_days.2026-09-11", "HH:MM-HH:MM"],
        ),
        ({"half_days": {"tomorrow": "09:00-13:00"}}, ["half_days", "YYYY-MM-DD", "'tomorrow'"]),
        ({"half_days": {"2026-12-24": "09:00-13:00"}}, ["half_days.2026-12-24", "extra_holidays"]),
        ({"timezone": "Mars/Olympus"}, ["[calendars.israel] timezone", "'Mars/Olympus'", "IANA"]),
        ({"week_start": "someday"}, ["[calendars.israel] week_start", "'someday'"]),
    ],
)
def test_bad_settings_name_the_calendar_the_key_and_what_was_expected(
    israel: CalendarSettings, change: dict[str, object], expected: list[str]
) -> None:
    with pytest.raises(SettingsError) as error:
        BusinessCalendar(replace(israel, **change))  # type: ignore[arg-type]
    for text in expected:
        assert text in str(error.value)
