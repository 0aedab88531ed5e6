"""Business calendars: opening hours, holidays and half days, compiled into a slot table the engine joins."""

from kpidesk.calendars._business_time import PERIODS, with_business_seconds, with_local_periods
from kpidesk.calendars._calendar import BusinessCalendar, Hours, parse_hours
from kpidesk.calendars._cron import CronError, CronSchedule
from kpidesk.calendars._local_intervals import local_interval_start, local_midnight
from kpidesk.calendars._slots import (
    SLOT_SCHEMA,
    SLOTS_TABLE,
    build_slots,
    slot_range_for,
    write_calendar_slots,
)

__all__ = [
    "PERIODS",
    "SLOTS_TABLE",
    "SLOT_SCHEMA",
    "BusinessCalendar",
    "CronError",
    "CronSchedule",
    "Hours",
    "build_slots",
    "local_interval_start",
    "local_midnight",
    "parse_hours",
    "slot_range_for",
    "with_business_seconds",
    "with_local_periods",
    "write_calendar_slots",
]
