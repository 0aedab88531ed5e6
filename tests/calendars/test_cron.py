"""Cron schedules: fields, names, lists, ranges and steps; cron's day-of-month OR weekday rule; fire times in
a time zone across the clock changes of Asia/Jerusalem and Europe/London (worked out from the published
transitions: Jerusalem 2026-03-27 02:00→03:00 and 2026-10-25 02:00→01:00, London 2026-03-29 01:00→02:00 and
2026-10-25 02:00→01:00); mistakes named by field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kpidesk.calendars import CronError, CronSchedule

JERUSALEM = "Asia/Jerusalem"
LONDON = "Europe/London"


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def _fires(text: str, start: datetime, end: datetime, zone: str) -> list[str]:
    return [
        m.astimezone(UTC).strftime("%m-%d %H:%M")
        for m in CronSchedule.parse(text).fires_between(start, end, zone)
    ]


def test_fields_lists_ranges_steps_and_names() -> None:
    cron = CronSchedule.parse("*/20 8-10,17 1,15 jan-mar MON-fri")
    assert cron.minutes == {0, 20, 40}
    assert cron.hours == {8, 9, 10, 17}
    assert cron.days == {1, 15}
    assert cron.months == {1, 2, 3}
    assert cron.weekdays == {1, 2, 3, 4, 5}
    assert CronSchedule.parse("0 0 * * 7").weekdays == {0}
    assert CronSchedule.parse("5/15 * * * *").minutes == {5, 20, 35, 50}
    assert CronSchedule.parse("10-30/10 * * * *").minutes == {10, 20, 30}
    weekly = CronSchedule.parse("@weekly")
    assert (weekly.minutes, weekly.hours, weekly.weekdays) == ({0}, {0}, {0})


def test_day_of_month_or_weekday_when_both_are_restricted() -> None:
    both = CronSchedule.parse("0 7 1 * mon")
    # December 2026: the 1st is a Tuesday; Mondays are the 7th, 14th, 21st and 28th.
    days = [d for d in range(1, 32) if both.runs_on(date(2026, 12, d))]
    assert days == [1, 7, 14, 21, 28]
    only_day = CronSchedule.parse("0 7 1 * *")
    assert [d for d in range(1, 32) if only_day.runs_on(date(2026, 12, d))] == [1]
    only_weekday = CronSchedule.parse("0 7 * * mon")
    assert [d for d in range(1, 32) if only_weekday.runs_on(date(2026, 12, d))] == [7, 14, 21, 28]
    stepped = CronSchedule.parse("0 7 */10 * mon")  # a day field starting with * does not restrict: AND
    assert [d for d in range(1, 32) if stepped.runs_on(date(2026, 12, d))] == [21]


def test_sunday_mornings_in_jerusalem_are_utc_04_or_05() -> None:
    # 07:00 local is 05:00 UTC in winter (+02:00) and 04:00 UTC in summer (+03:00).
    fires = _fires("0 7 * * sun", _utc(2026, 3, 20), _utc(2026, 4, 6), JERUSALEM)
    assert fires == ["03-22 05:00", "03-29 04:00", "04-05 04:00"]


def test_the_interval_is_open_at_its_start_and_closed_at_its_end() -> None:
    fires = _fires("0 * * * *", _utc(2026, 12, 3, 10), _utc(2026, 12, 3, 12), "UTC")
    assert fires == ["12-03 11:00", "12-03 12:00"]


@pytest.mark.parametrize(
    "zone,text,start,end,expected",
    [
        # Jerusalem jumps from 02:00 to 03:00 on 27 March: 02:30 does not exist and fires once at 03:00
        # (00:00 UTC); the next day 02:30 is +03:00 again, 23:30 UTC.
        (
            JERUSALEM,
            "30 2 * * *",
            _utc(2026, 3, 26, 12),
            _utc(2026, 3, 28, 12),
            ["03-27 00:00", "03-27 23:30"],
        ),
        # Every 20 minutes in the hour that does not exist: 02:00, 02:20, 02:40 all become 03:00, once;
        # then 03:00 itself is the same moment and 03:20 follows.
        (
            JERUSALEM,
            "*/20 2-3 27 3 *",
            _utc(2026, 3, 26, 12),
            _utc(2026, 3, 27, 12),
            ["03-27 00:00", "03-27 00:20", "03-27 00:40"],
        ),
        # Jerusalem goes back from 02:00 to 01:00 on 25 October: 01:30 happens twice, fires once, the
        # first time (+03:00, 22:30 UTC on the 24th).
        (JERUSALEM, "30 1 * * *", _utc(2026, 10, 24, 12), _utc(2026, 10, 25, 12), ["10-24 22:30"]),
        # London jumps from 01:00 to 02:00 on 29 March: 01:15 fires at 02:00 BST (01:00 UTC).
        (LONDON, "15 1 * * *", _utc(2026, 3, 28, 12), _utc(2026, 3, 29, 12), ["03-29 01:00"]),
        # London goes back from 02:00 BST to 01:00 GMT on 25 October: 01:45 fires once, at 00:45 UTC.
        (LONDON, "45 1 * * *", _utc(2026, 10, 24, 12), _utc(2026, 10, 25, 12), ["10-25 00:45"]),
        # Every 30 minutes across London's autumn change: the repeated 01:00 and 01:30 fire once each.
        (
            LONDON,
            "*/30 0-2 25 10 *",
            _utc(2026, 10, 24, 20),
            _utc(2026, 10, 25, 3),
            ["10-24 23:00", "10-24 23:30", "10-25 00:00", "10-25 00:30", "10-25 02:00", "10-25 02:30"],
        ),
    ],
)
def test_clock_changes(zone: str, text: str, start: datetime, end: datetime, expected: list[str]) -> None:
    assert _fires(text, start, end, zone) == expected


def test_latest_between_agrees_with_the_full_list() -> None:
    cron = CronSchedule.parse("30 7 * * sun")
    start, end = _utc(2026, 9, 1), _utc(2026, 12, 3, 12)
    fires = cron.fires_between(start, end, JERUSALEM)
    assert cron.latest_between(start, end, JERUSALEM) == fires[-1]
    assert fires[-1].strftime("%Y-%m-%d %H:%M %z") == "2026-11-29 07:30 +0200"
    assert cron.latest_between(_utc(2026, 12, 1), _utc(2026, 12, 3), JERUSALEM) is None


@pytest.mark.parametrize(
    "text,message",
    [
        ("0 7 * *", "has 4 fields; expected five: minute hour day-of-month month weekday"),
        ("60 7 * * *", "the minute field: 60 is out of range; expected 0–59"),
        ("0 24 * * *", "the hour field: 24 is out of range; expected 0–23"),
        ("0 7 0 * *", "the day-of-month field: 0 is out of range; expected 1–31"),
        ("0 7 * 13 *", "the month field: 13 is out of range; expected 1–12 or jan–dec"),
        ("0 7 * * 8", "the weekday field: 8 is out of range; expected 0–7 (0 and 7 are Sunday) or sun–sat"),
        ("0 7 * * sunday", "the weekday field: 'sunday' is not a number"),
        ("*/0 7 * * *", "the minute field: the step in '*/0' should be a whole number above 0"),
        ("0 9-5 * * *", "the hour field: the range '9-5' runs backwards"),
        ("0 7 1,,2 * *", "the day-of-month field: '1,,2' has an empty item"),
    ],
)
def test_mistakes_name_the_field(text: str, message: str) -> None:
    with pytest.raises(CronError) as caught:
        CronSchedule.parse(text)
    assert message in str(caught.value)
    assert repr(text) in str(caught.value)
