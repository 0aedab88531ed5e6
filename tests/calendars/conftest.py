"""Calendars the calendar tests share, small enough to work out business time by hand.

Session-scoped so property tests can use them; tests change one with `dataclasses.replace`, never in place.
"""

from __future__ import annotations

import pytest

from kpidesk.workspace import CalendarSettings

SUN_THU = ("sun", "mon", "tue", "wed", "thu")
MON_FRI = ("mon", "tue", "wed", "thu", "fri")
EVERY_DAY = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def week(days: tuple[str, ...], spec: str) -> dict[str, str]:
    return dict.fromkeys(days, spec)


@pytest.fixture(scope="session")
def israel() -> CalendarSettings:
    """Sunday–Thursday 09:00–17:00 in Asia/Jerusalem with Israeli public holidays, an extra holiday
    (Thu 2026-12-24) and two half days (Thu 2026-09-10 shortened, Fri 2026-09-11 opened)."""
    return CalendarSettings(
        name="israel",
        timezone="Asia/Jerusalem",
        week_start="sun",
        hours=week(SUN_THU, "09:00-17:00"),
        country="IL",
        extra_holidays=["2026-12-24"],
        half_days={"2026-09-10": "09:00-13:00", "2026-09-11": "09:00-13:00"},
    )


@pytest.fixture(scope="session")
def new_york() -> CalendarSettings:
    """Monday–Friday 09:00–17:00 in America/New_York with US federal holidays."""
    return CalendarSettings(
        name="new_york",
        timezone="America/New_York",
        week_start="mon",
        hours=week(MON_FRI, "09:00-17:00"),
        country="US",
    )


@pytest.fixture(scope="session")
def split_shift() -> CalendarSettings:
    """Monday–Friday 09:00–12:00 and 13:00–17:00 in UTC, so local and UTC clocks agree."""
    return CalendarSettings(
        name="split_shift", timezone="UTC", week_start="mon", hours=week(MON_FRI, "09:00-12:00,13:00-17:00")
    )


@pytest.fixture(scope="session")
def israel_always_open() -> CalendarSettings:
    """Open around the clock every day in Asia/Jerusalem: business time is real elapsed time."""
    return CalendarSettings(
        name="israel_always_open",
        timezone="Asia/Jerusalem",
        week_start="sun",
        hours=week(EVERY_DAY, "00:00-24:00"),
    )


@pytest.fixture(scope="session")
def israel_night() -> CalendarSettings:
    """Open 01:00–05:00 every day in Asia/Jerusalem: both 2026 clock changes fall inside the open hours."""
    return CalendarSettings(
        name="israel_night", timezone="Asia/Jerusalem", week_start="sun", hours=week(EVERY_DAY, "01:00-05:00")
    )


@pytest.fixture(scope="session")
def all_calendars(
    israel: CalendarSettings,
    new_york: CalendarSettings,
    split_shift: CalendarSettings,
    israel_always_open: CalendarSettings,
    israel_night: CalendarSettings,
) -> dict[str, CalendarSettings]:
    """Every shared calendar keyed by its name, as `build_slots` takes them."""
    return {c.name: c for c in (israel, new_york, split_shift, israel_always_open, israel_night)}
