"""Which roster a request asks for: the calendar week of the roster's calendar (the first whole one after
the data by default), the team (the queue's own, a manager's first, or no one), and who may ask."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kpidesk.views import Audience, Forbidden
from kpidesk.web._roster import RosterQuery, check_roster, roster_calendar, roster_team, roster_week
from kpidesk.web._staffing import StaffingQuery

ADMIN = Audience("admin")
LEAD = Audience("manager", ("billing", "sales"))
AGENT = Audience("agent", (), "A002", "billing")


def test_a_roster_is_a_week_of_its_calendar(site: Any) -> None:
    # The demo's roster calendar, phones, starts its weeks on Sunday; its data ends on Sunday 2026-07-05.
    assert roster_calendar(site[0]) == ("phones", True)

    def last() -> date:
        return date(2026, 7, 5)

    assert roster_week(site[0], None, last) == date(2026, 7, 12)
    assert roster_week(site[0], None, lambda: date(2026, 7, 3)) == date(2026, 7, 5)
    for day in (date(2026, 7, 12), date(2026, 7, 15), date(2026, 7, 18)):
        assert roster_week(site[0], day, last) == date(2026, 7, 12)


def test_the_team_defaults_to_the_queues_own() -> None:
    teams = ["billing", "sales", "technical"]
    assert roster_team(None, "billing", teams, ADMIN) == "billing"
    assert roster_team(None, None, teams, ADMIN) is None  # all calls: no one team works them
    assert roster_team(None, "support", ["billing", "sales"], LEAD) == "billing"
    assert roster_team("", "billing", teams, ADMIN) is None  # asked for no one named
    assert roster_team("sales", "billing", teams, LEAD) == "sales"


def test_only_managers_of_the_queue_and_team_and_admins_may_roster() -> None:
    def query(queue: str | None, team: str | None) -> RosterQuery:
        return RosterQuery(StaffingQuery(queue=queue, week=date(2026, 7, 12)), team)

    check_roster(ADMIN, query(None, None))
    check_roster(ADMIN, query("billing", "technical"))
    check_roster(LEAD, query("billing", "sales"))
    check_roster(LEAD, query("billing", None))
    for audience, asked in (
        (AGENT, query("billing", "billing")),
        (LEAD, query(None, "billing")),
        (LEAD, query("technical", "billing")),
        (LEAD, query("billing", "technical")),
    ):
        with pytest.raises(Forbidden):
            check_roster(audience, asked)
