"""The staffing page's roster (`/staffing/roster`): `kpidesk.staffing_roster` for one queue's plan, one
team's agents and one calendar week, under kpidesk.toml's `[roster]` rules, for managers and admins.

- an **admin** may roster any queue (or all calls) with any team, or name no one (the shifts only);
- a **manager** their own teams' queues (as for the plan) with their own teams' agents;
- an **agent** nothing: a roster computed here is a lead's proposal, not a published schedule, and it
  rests on the plan, which is a manager's tool; an agent's "own row" of a proposal would misinform them.

A roster is one week of the roster's calendar (its `week_start`): weekly hours, days off and evenings
are counted per such week, so a roster straddling two weeks would apply none of them in full. The rules
are read from kpidesk.toml at each request (a change to `[roster]` shows at the next load), and each
roster — or why there is none — is kept with the pages' answers until the data or kpidesk.toml change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kpidesk import InvalidRequest
from kpidesk.views import Audience, Forbidden
from kpidesk.web._staffing import PLAN_DAYS, StaffingQuery, staffing

__all__ = [
    "ROSTER_TIME_LIMIT_S",
    "NoRoster",
    "RosterQuery",
    "check_roster",
    "roster",
    "roster_calendar",
    "roster_team",
    "roster_teams",
    "roster_week",
]

#: Each optimisation of a web roster stops after this many seconds with the best roster found (and says
#: so, with its gap): a page cannot wait the command line's minute per step.
ROSTER_TIME_LIMIT_S = 20.0
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class NoRoster(InvalidRequest):
    """The query has no roster: the rules allow none (`RosterInfeasible`), the plan cannot be made, or
    kpidesk.toml has a mistake. `problem` is kpidesk's own error, with its reasons; the page says it,
    the API and the downloads answer 400 with its message."""

    def __init__(self, problem: Exception) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class RosterQuery:
    """What to roster: the plan to cover (its `week` is the first day of a calendar week) and the team
    whose agents work it (None: the shifts only, no one named)."""

    plan: StaffingQuery
    team: str | None

    @property
    def end(self) -> date:
        return self.plan.week + timedelta(days=PLAN_DAYS - 1)


def _current(workspace: Any) -> Any:
    """The workspace with kpidesk.toml as it is now, not as the app read it when it started."""
    from kpidesk.workspace import SETTINGS_FILE, Workspace, load_settings

    return Workspace(workspace.path, load_settings(workspace.path / SETTINGS_FILE))


def _calendar_of(settings: Any) -> str:
    return str(settings.roster.values.get("calendar") or settings.default_calendar)


def roster_calendar(workspace: Any) -> tuple[str, bool]:
    """The calendar whose open hours the shifts lie in (`[roster] calendar`, else the default one;
    "none": any hour), and whether kpidesk.toml has `[roster]` rules at all."""
    settings = _current(workspace).settings
    return _calendar_of(settings), bool(settings.roster.values)


def roster_week(workspace: Any, asked: date | None, last_day: Callable[[], date]) -> date:
    """The first day of the roster's week: of the calendar week holding `asked`, else of the first whole
    calendar week after the data's last day (the week a plan is made for). With a mistake in kpidesk.toml,
    the week of the settings the app started with (the roster then says what the mistake is)."""
    from kpidesk.workspace import SettingsError

    try:
        settings = _current(workspace).settings
    except SettingsError:
        settings = workspace.settings
    name = _calendar_of(settings)
    calendar = settings.calendars.get(name) or settings.calendars.get(settings.default_calendar)
    start = _WEEKDAYS.index(calendar.week_start) if calendar and calendar.week_start in _WEEKDAYS else 0
    if asked is not None:
        return asked - timedelta(days=(asked.weekday() - start) % 7)
    last = last_day()
    return last + timedelta(days=(start - last.weekday()) % 7 or 7)


def roster_teams(teams: list[str], audience: Audience) -> list[str]:
    """The teams whose agents `audience` may roster, of the data's `teams`."""
    if audience.role == "admin":
        return list(teams)
    if audience.role == "manager":
        return list(audience.teams)
    return []


def roster_team(asked: str | None, queue: str | None, allowed: list[str], audience: Audience) -> str | None:
    """The team to roster: the one asked (empty: no one named), else the queue's own team when it is
    one the viewer may roster, else a manager's first team; an admin planning all calls names no one."""
    if asked is not None:
        return asked or None
    if queue in allowed:
        return queue
    return allowed[0] if allowed and audience.role == "manager" else None


def check_roster(audience: Audience, query: RosterQuery) -> None:
    """Refuse a roster `audience` may not see: agents any, managers another team's queue or agents."""
    if audience.role == "agent":
        raise Forbidden("rosters are for managers and administrators")
    if audience.role == "manager":
        if query.plan.queue is None or query.plan.queue not in audience.teams:
            raise Forbidden("you may roster only the queues of your own teams")
        if query.team is not None and query.team not in audience.teams:
            raise Forbidden("you may roster only the agents of your own teams")


def roster(workspace: Any, answers: Any, audience: Audience, query: RosterQuery) -> Any:
    """The `Roster` of `query` if `audience` may see it, else `NoRoster` saying why there is none. The
    outcome, a roster or its problem, is kept in `answers` (see the module); a passing trouble (the
    warehouse busy with an import) is neither kept nor taken for a problem of the roster."""
    import kpidesk
    from kpidesk.staffing import ForecastError, OptimisationStopped
    from kpidesk.workspace import SETTINGS_FILE, SettingsError

    check_roster(audience, query)
    try:
        current = _current(workspace)
    except SettingsError as problem:
        raise NoRoster(problem) from None
    settings = hashlib.sha256((current.path / SETTINGS_FILE).read_bytes()).hexdigest()
    question = ("roster", query, settings)

    def compute() -> Any:
        try:
            # The plan the Plan tab shows for the same query, computed once for both.
            plan = staffing(workspace, audience, query.plan)
            return kpidesk.staffing_roster(
                current, plan=plan, team=query.team, time_limit=ROSTER_TIME_LIMIT_S
            )
        except (InvalidRequest, ForecastError, SettingsError) as problem:
            return problem.with_traceback(None)

    try:
        outcome = answers.get(question, compute)
    except OptimisationStopped as problem:
        # Not kept: on a less busy moment the same roster may be found in time.
        raise NoRoster(problem) from None
    if isinstance(outcome, Exception):
        raise NoRoster(outcome) from None
    return outcome
