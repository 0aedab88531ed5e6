"""The days a report covers, relative to the day it is made: a run on Sunday 8 November makes "last week"
the calendar week before it (on the workspace's week start), "month to date" the 1st to the 7th. A period
never includes the day of the run, whose data is still coming in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["PERIOD_KINDS", "ReportPeriod", "report_period"]


@dataclass(frozen=True)
class ReportPeriod:
    """Local days `start` to `end`, both included, of one kind of period."""

    kind: str
    start: date
    end: date

    @property
    def key(self) -> str:
        """The period's part of a delivery's claim: the same days always give the same key."""
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class _Kind:
    """One kind of period: how its days follow from the day of the run and the week's first day (0 =
    Monday)."""

    def __init__(self, name: str, description: str) -> None:
        self.name = name
        self.description = description

    def span(self, at: date, week_start: int) -> tuple[date, date]:
        raise NotImplementedError


class _LastDays(_Kind):
    def __init__(self, name: str, description: str, count: int) -> None:
        super().__init__(name, description)
        self.count = count

    def span(self, at: date, week_start: int) -> tuple[date, date]:
        return at - timedelta(days=self.count), at - timedelta(days=1)


class _LastWeek(_Kind):
    def span(self, at: date, week_start: int) -> tuple[date, date]:
        this_week = at - timedelta(days=(at.weekday() - week_start) % 7)
        return this_week - timedelta(days=7), this_week - timedelta(days=1)


class _WeekToDate(_Kind):
    def span(self, at: date, week_start: int) -> tuple[date, date]:
        yesterday = at - timedelta(days=1)
        return yesterday - timedelta(days=(yesterday.weekday() - week_start) % 7), yesterday


class _LastMonth(_Kind):
    def span(self, at: date, week_start: int) -> tuple[date, date]:
        end = at.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end


class _MonthToDate(_Kind):
    def span(self, at: date, week_start: int) -> tuple[date, date]:
        yesterday = at - timedelta(days=1)
        return yesterday.replace(day=1), yesterday


class _LastQuarter(_Kind):
    def span(self, at: date, week_start: int) -> tuple[date, date]:
        this_quarter = date(at.year, 3 * ((at.month - 1) // 3) + 1, 1)
        end = this_quarter - timedelta(days=1)
        return date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end


#: Every kind of period a report can cover, by the name `reports.yaml` uses.
PERIOD_KINDS: dict[str, _Kind] = {
    kind.name: kind
    for kind in (
        _LastDays("last_day", "the day before the run", 1),
        _LastWeek("last_week", "the whole calendar week before the run's week"),
        _WeekToDate("week_to_date", "the week that holds the day before the run, up to that day"),
        _LastDays("last_7_days", "the 7 days before the run", 7),
        _LastDays("last_28_days", "the 28 days before the run", 28),
        _LastMonth("last_month", "the whole calendar month before the run's month"),
        _MonthToDate("month_to_date", "the month that holds the day before the run, up to that day"),
        _LastQuarter("last_quarter", "the whole calendar quarter before the run's quarter"),
    )
}


def report_period(kind: str, at: date, week_start: int) -> ReportPeriod:
    """The period of `kind` that a run made on local day `at` covers (`week_start`: 0 = Monday)."""
    start, end = PERIOD_KINDS[kind].span(at, week_start)
    return ReportPeriod(kind, start, end)
