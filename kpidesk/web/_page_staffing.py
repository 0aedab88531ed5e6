"""The staffing page (`/staffing`), its downloads (`/staffing.csv`, `/staffing.xlsx`) and its API
(`/api/staffing`): the plan of one queue for one week (`_staffing`), in the reader's language
(`_staffing_view`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from kpidesk.web._site import ApiViewer, PageViewer, Site, Viewer, jsonable, parse_date
from kpidesk.web._staffing import StaffingQuery, staffing, staffing_query, staffing_queues
from kpidesk.web._staffing_view import present_staffing, staffing_table

__all__ = ["add_staffing"]

_QUEUE = "A queue; empty for all calls together (admins). Managers: the queues named as their teams."
_WEEK = "The plan's first day, YYYY-MM-DD; it covers 7 days (default: the day after the data's last)."
_LEVEL = "Service level target: the percentage of calls answered within `seconds`."
_SECONDS = "The service level's answer time, seconds."
_SHRINKAGE = "Percentage of paid time agents are off the phones (0 to 99)."
_MINUTES = "Interval length in minutes: 15, 30 or 60."
_MODEL = "erlang-c (callers wait) or erlang-a (callers may hang up; patience from the abandoned calls)."


def add_staffing(app: FastAPI, site: Site) -> None:
    def query_of(
        viewer: Viewer,
        queue: str | None,
        week: str | None,
        level: float,
        seconds: float,
        shrinkage: float,
        minutes: int,
        model: str,
    ) -> StaffingQuery:
        return staffing_query(
            site.workspace,
            viewer.audience,
            lambda: parse_date(week) or site.last_day() + timedelta(days=1),
            queue=queue,
            level=level,
            seconds=seconds,
            shrinkage=shrinkage,
            minutes=minutes,
            model=model,
        )

    @app.get("/staffing", response_class=HTMLResponse, include_in_schema=False)
    def staffing_page(
        request: Request,
        viewer: PageViewer,
        queue: str | None = None,
        week: str | None = None,
        level: float = 80,
        seconds: float = 20,
        shrinkage: float = 0,
        minutes: int = 30,
        model: str = "erlang-c",
    ) -> Response:
        query = query_of(viewer, queue, week, level, seconds, shrinkage, minutes, model)
        plan = staffing(site.workspace, viewer.audience, query)
        params = (
            f"queue={query.queue or ''}&week={query.week.isoformat()}&level={level:g}&seconds={seconds:g}"
            f"&shrinkage={shrinkage:g}&minutes={minutes}&model={model}"
        )
        return site.render(
            request,
            "staffing.html",
            page="staffing",
            query=query,
            level=f"{level:g}",
            seconds=f"{seconds:g}",
            shrinkage=f"{shrinkage:g}",
            params=params,
            roster_params=urlencode(
                {
                    "queue": query.queue or "",
                    # The roster is of the calendar week holding the plan's first day, when one was asked.
                    **({"week": query.week.isoformat()} if week else {}),
                    "level": f"{level:g}",
                    "seconds": f"{seconds:g}",
                    "shrinkage": f"{shrinkage:g}",
                    "minutes": str(minutes),
                    "model": model,
                }
            ),
            queues=staffing_queues(site.workspace, viewer.audience),
            sees_organisation=viewer.audience.sees_organisation,
            **present_staffing(plan, query, viewer.lang),
        )

    @app.get("/staffing.{kind}", include_in_schema=False)
    def staffing_download(
        kind: str,
        viewer: PageViewer,
        queue: str | None = None,
        week: str | None = None,
        level: float = 80,
        seconds: float = 20,
        shrinkage: float = 0,
        minutes: int = 30,
        model: str = "erlang-c",
        table: str = "intervals",
    ) -> Response:
        query = query_of(viewer, queue, week, level, seconds, shrinkage, minutes, model)
        plan = staffing(site.workspace, viewer.audience, query)
        header, rows = staffing_table(present_staffing(plan, query, viewer.lang), table)
        name = f"staffing-{table}-{query.queue or 'all'}-{query.week.isoformat()}"
        return site.download(viewer, kind, viewer.gettext("Staffing"), header, rows, name)

    @app.get("/api/staffing", tags=["api"])
    def staffing_api(
        viewer: ApiViewer,
        queue: str | None = Query(None, description=_QUEUE),
        week: str | None = Query(None, description=_WEEK),
        level: float = Query(80, description=_LEVEL),
        seconds: float = Query(20, description=_SECONDS),
        shrinkage: float = Query(0, description=_SHRINKAGE),
        minutes: int = Query(30, description=_MINUTES),
        model: str = Query("erlang-c", description=_MODEL),
    ) -> Any:
        """The staffing plan of a queue for a week, as `kpidesk staffing plan` makes it: per interval the
        forecast calls (with its range), AHT, agents needed and to schedule, and the service level, ASA,
        waiting, abandonment and occupancy they give; with the assumptions and the totals."""
        query = query_of(viewer, queue, week, level, seconds, shrinkage, minutes, model)
        plan = staffing(site.workspace, viewer.audience, query)
        intervals = plan.intervals.assign(
            interval_start=plan.intervals.interval_start.map(lambda t: t.isoformat()),
            interval_start_utc=plan.intervals.interval_start_utc.map(lambda t: t.isoformat()),
        )
        return jsonable(
            {
                "queue": query.queue,
                "start": query.week,
                "end": query.end,
                "assumptions": {
                    "service_level": query.service_level,
                    "service_level_seconds": query.threshold_s,
                    "shrinkage": plan.shrinkage,
                    "minutes": plan.minutes,
                    "model": plan.model,
                    "aht_s": plan.estimates.aht_s,
                    "patience_s": plan.estimates.patience_s,
                    "forecast_method": plan.forecast.method,
                },
                "totals": plan.totals(),
                "intervals": intervals.to_dict(orient="records"),
            }
        )
