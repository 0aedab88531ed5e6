"""The roster view of the staffing page (`/staffing/roster`), its downloads (`/staffing/roster.csv`,
`.xlsx`), each agent's shifts as iCalendar (`/staffing/roster/<agent_id>.ics`) and its API
(`/api/staffing/roster`): the shifts that cover a queue's plan and the team's agents who work them
(`_roster`), in the reader's language (`_roster_view`). A roster the rules do not allow is a message on
the page, beside the form to change the query, not an error page."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from kpidesk.web._roster import (
    NoRoster,
    RosterQuery,
    check_roster,
    roster,
    roster_calendar,
    roster_team,
    roster_teams,
    roster_week,
)
from kpidesk.web._roster_view import present_problem, present_roster, roster_table
from kpidesk.web._site import ApiViewer, PageViewer, Site, Viewer, jsonable, parse_date
from kpidesk.web._staffing import staffing_query, staffing_queues

__all__ = ["add_roster"]

_QUEUE = "A queue; empty for all calls together (admins). Managers: the queues named as their teams."
_TEAM = (
    "The team whose active agents work the shifts; empty for the shifts only, no one named. Default: the "
    "queue's team, else a manager's first."
)
_WEEK = (
    "A day of the week to roster, YYYY-MM-DD: the roster covers that day's calendar week (default: the first "
    "whole week after the data)."
)
_LEVEL = "Service level target of the plan: the percentage of calls answered within `seconds`."
_SECONDS = "The service level's answer time, seconds."
_SHRINKAGE = "Percentage of paid time agents are off the phones (0 to 99)."
_MINUTES = "Interval length in minutes: 15, 30 or 60."
_MODEL = "erlang-c (callers wait) or erlang-a (callers may hang up; patience from the abandoned calls)."


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def add_roster(app: FastAPI, site: Site) -> None:
    def query_of(
        viewer: Viewer,
        queue: str | None,
        team: str | None,
        week: str | None,
        level: float,
        seconds: float,
        shrinkage: float,
        minutes: int,
        model: str,
    ) -> RosterQuery:
        plan = staffing_query(
            site.workspace,
            viewer.audience,
            lambda: roster_week(site.workspace, parse_date(week), site.last_day),
            queue=queue,
            level=level,
            seconds=seconds,
            shrinkage=shrinkage,
            minutes=minutes,
            model=model,
        )
        allowed = roster_teams(site.teams(), viewer.audience)
        query = RosterQuery(plan, roster_team(team, plan.queue, allowed, viewer.audience))
        check_roster(viewer.audience, query)
        return query

    def plan_params(query: RosterQuery, level: float, seconds: float, shrinkage: float) -> dict[str, str]:
        plan = query.plan
        return {
            "queue": plan.queue or "",
            "week": plan.week.isoformat(),
            "level": f"{level:g}",
            "seconds": f"{seconds:g}",
            "shrinkage": f"{shrinkage:g}",
            "minutes": str(plan.minutes),
            "model": plan.model,
        }

    @app.get("/staffing/roster", response_class=HTMLResponse, include_in_schema=False)
    def roster_page(
        request: Request,
        viewer: PageViewer,
        queue: str | None = None,
        team: str | None = None,
        week: str | None = None,
        level: float = 80,
        seconds: float = 20,
        shrinkage: float = 0,
        minutes: int = 30,
        model: str = "erlang-c",
    ) -> Response:
        query = query_of(viewer, queue, team, week, level, seconds, shrinkage, minutes, model)
        plan = plan_params(query, level, seconds, shrinkage)
        context: dict[str, Any] = {"problem": None}
        try:
            result = roster(site.workspace, site.answers, viewer.audience, query)
        except NoRoster as no:
            context["problem"] = present_problem(no.problem, viewer.lang)
        else:
            calendar, has_rules = roster_calendar(site.workspace)
            context.update(present_roster(result, query, calendar, has_rules, viewer.lang))
        from kpidesk.i18n import format_date

        return site.render(
            request,
            "roster.html",
            page="staffing",
            query=query,
            level=f"{level:g}",
            seconds=f"{seconds:g}",
            shrinkage=f"{shrinkage:g}",
            plan_params=urlencode(plan),
            params=urlencode({**plan, "team": query.team or ""}),
            queues=staffing_queues(site.workspace, viewer.audience),
            teams=roster_teams(site.teams(), viewer.audience),
            sees_organisation=viewer.audience.sees_organisation,
            span=viewer.gettext("The week of {start} to {end}").format(
                start=format_date(query.plan.week, viewer.lang), end=format_date(query.end, viewer.lang)
            ),
            **context,
        )

    @app.get("/staffing/roster.{kind}", include_in_schema=False)
    def roster_download(
        kind: str,
        viewer: PageViewer,
        queue: str | None = None,
        team: str | None = None,
        week: str | None = None,
        level: float = 80,
        seconds: float = 20,
        shrinkage: float = 0,
        minutes: int = 30,
        model: str = "erlang-c",
        table: str = "agents",
    ) -> Response:
        query = query_of(viewer, queue, team, week, level, seconds, shrinkage, minutes, model)
        result = roster(site.workspace, site.answers, viewer.audience, query)
        calendar, has_rules = roster_calendar(site.workspace)
        context = present_roster(result, query, calendar, has_rules, viewer.lang)
        header, rows = roster_table(context, table, viewer.lang)
        name = f"roster-{table}-{_filename(query.plan.queue or 'all')}-{query.plan.week.isoformat()}"
        return site.download(viewer, kind, viewer.gettext("Roster"), header, rows, name)

    @app.get("/staffing/roster/{agent_id}.ics", include_in_schema=False)
    def roster_calendar_file(
        request: Request,
        agent_id: str,
        viewer: PageViewer,
        queue: str | None = None,
        team: str | None = None,
        week: str | None = None,
        level: float = 80,
        seconds: float = 20,
        shrinkage: float = 0,
        minutes: int = 30,
        model: str = "erlang-c",
    ) -> Response:
        from kpidesk.staffing import roster_icalendars

        query = query_of(viewer, queue, team, week, level, seconds, shrinkage, minutes, model)
        result = roster(site.workspace, site.answers, viewer.audience, query)
        files = roster_icalendars(result, title=viewer.gettext("Shift"))
        if agent_id not in files:
            # The same answer for an id that exists elsewhere and one that exists nowhere.
            return site.render(
                request,
                "error.html",
                404,
                title=viewer.gettext("Not found"),
                message=viewer.gettext("This roster has no agent with that id."),
            )
        name = f"roster-{_filename(agent_id)}-{query.plan.week.isoformat()}.ics"
        return Response(
            files[agent_id],
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.get("/api/staffing/roster", tags=["api"])
    def roster_api(
        viewer: ApiViewer,
        queue: str | None = Query(None, description=_QUEUE),
        team: str | None = Query(None, description=_TEAM),
        week: str | None = Query(None, description=_WEEK),
        level: float = Query(80, description=_LEVEL),
        seconds: float = Query(20, description=_SECONDS),
        shrinkage: float = Query(0, description=_SHRINKAGE),
        minutes: int = Query(30, description=_MINUTES),
        model: str = Query("erlang-c", description=_MODEL),
    ) -> Any:
        """The roster of a queue's plan for a calendar week, as `kpidesk staffing roster` makes it with
        kpidesk.toml's `[roster]` rules: each agent's shifts (local start, end and break), the coverage per
        interval with the service level it delivers beside the target, the gaps, the cost in paid
        agent-hours and whether the solution is proven optimal (else its gap). Rules that allow no roster
        answer 400 with the reasons."""
        query = query_of(viewer, queue, team, week, level, seconds, shrinkage, minutes, model)
        result = roster(site.workspace, site.answers, viewer.audience, query)
        calendar, has_rules = roster_calendar(site.workspace)
        context = present_roster(result, query, calendar, has_rules, viewer.lang)
        report = result.report
        coverage = result.coverage.assign(
            interval_start=result.coverage.interval_start.map(lambda t: t.isoformat())
        )
        return jsonable(
            {
                "queue": query.plan.queue,
                "team": query.team,
                "start": query.plan.week,
                "end": query.end,
                "timezone": str(result.needs.zone),
                "rules": context["rules"],
                "agents": [
                    {
                        **{k: v for k, v in row.items() if k != "shift_list"},
                        "shift_list": [
                            {k: _iso(v) if isinstance(v, datetime) or v is None else v for k, v in s.items()}
                            for s in row["shift_list"]
                        ],
                    }
                    for row in result.agent_rows()
                ],
                "shifts": [
                    {k: _iso(v) if isinstance(v, datetime) or v is None else v for k, v in row.items()}
                    for row in result.shift_rows()
                ],
                "coverage": coverage.to_dict(orient="records"),
                "service_level_note": result.service_level_note,
                "gaps": [
                    {
                        "start": g.start.isoformat(),
                        "end": g.end.isoformat(),
                        "short": g.short,
                        "reason": g.reason,
                    }
                    for g in result.gaps()
                ],
                "totals": result.totals(),
                "solve": {
                    "optimal": report.optimal,
                    "status": report.status,
                    "gap": report.gap,
                    "seconds": report.seconds,
                },
            }
        )
