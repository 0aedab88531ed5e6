"""The breakdown page (`/breakdown`) and its drill-down: the records behind a number (`/records`) and one
ticket's explanation (`/tickets/<source>/<id>`), each with its downloads and its API (`/api/breakdown`,
`/api/records`, `/api/tickets/<source>/<id>`). Who may see what is decided in `_breakdown`, `_records`
and `_ticket`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from kpidesk.web._breakdown import BREAKDOWN_DIMENSIONS, DEFAULT_DAYS, SORTS, breakdown, dimensions_present
from kpidesk.web._present_drill import (
    breakdown_table,
    present_breakdown,
    present_records,
    present_ticket,
    records_table,
    ticket_events_table,
)
from kpidesk.web._records import PAGE_SIZE, row_records
from kpidesk.web._site import ApiViewer, PageViewer, Site, Viewer, jsonable, parse_date
from kpidesk.web._ticket import TicketHidden, ticket_view

__all__ = ["add_breakdown"]

DEFAULT_METRIC = "first_reply_time"
_METRIC = Query(DEFAULT_METRIC, description="Metric id (`kpidesk metrics` lists them).")
_FROM = Query(None, alias="from", description="First day, YYYY-MM-DD (default: 28 days before `to`).")
_TO = Query(None, alias="to", description="Last day, YYYY-MM-DD (default: the data's last).")
_HOURS = Query(False, description="Durations in the calendar's business hours.")


def _row_filters(request: Request) -> dict[str, str | None]:
    """The row's filters from the query: each dimension given (empty: the row without a value)."""
    return {d: (request.query_params[d] or None) for d in BREAKDOWN_DIMENSIONS if d in request.query_params}


def add_breakdown(app: FastAPI, site: Site) -> None:
    def table(
        viewer: Viewer,
        metric: str,
        by: str,
        team: str | None,
        start: str | None,
        end: str | None,
        business_hours: bool,
        sort: str,
    ) -> Any:
        audience = viewer.audience
        if not team and audience.role == "manager" and by != "team" and audience.teams:
            team = audience.teams[0]
        return breakdown(
            site.workspace,
            audience,
            metric=metric,
            by=by,
            team=team or None,
            start=parse_date(start),
            end=parse_date(end),
            business_hours=business_hours,
            sort=sort,
            last_day=site.last_day(),
        )

    def records_of(
        request: Request,
        viewer: Viewer,
        metric: str,
        start: str | None,
        end: str | None,
        business_hours: bool,
        include_uncounted: bool = False,
    ) -> Any:
        last = parse_date(end) or site.last_day()
        first = parse_date(start) or last - timedelta(days=DEFAULT_DAYS - 1)
        return row_records(
            site.workspace,
            viewer.audience,
            metric=metric,
            filters=_row_filters(request),
            start=first,
            end=last,
            business_hours=business_hours,
            include_uncounted=include_uncounted,
        )

    def hidden(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "no such ticket"}, status_code=404)
        from kpidesk.i18n import translator

        gettext = translator(site.language(request)).gettext
        return site.render(
            request,
            "error.html",
            404,
            title=gettext("Not found"),
            message=gettext("There is no such ticket among those you may see."),
        )

    app.add_exception_handler(TicketHidden, hidden)

    @app.get("/breakdown", response_class=HTMLResponse, include_in_schema=False)
    def breakdown_page(
        request: Request,
        viewer: PageViewer,
        metric: str = DEFAULT_METRIC,
        by: str = "team",
        team: str | None = None,
        start: str | None = Query(None, alias="from"),
        end: str | None = Query(None, alias="to"),
        business_hours: bool = False,
        sort: str = "name",
    ) -> Response:
        from kpidesk.i18n import metric_name, term
        from kpidesk.metrics import CATALOGUE

        result = table(viewer, metric, by, team, start, end, business_hours, sort)
        audience = viewer.audience
        lang = viewer.lang
        teams = audience.teams_visible(site.teams()) if audience.role != "agent" else []
        query = {
            "metric": metric,
            "by": by,
            "team": result.team or "",
            "from": result.start.isoformat(),
            "to": result.end.isoformat(),
            "lang": lang,
        }
        if business_hours:
            query["business_hours"] = "1"
        return site.render(
            request,
            "breakdown.html",
            page="breakdown",
            result=result,
            query=query,
            teams=teams,
            sees_organisation=audience.sees_organisation,
            metrics=sorted(
                ((m.id, metric_name(m.id, lang)) for m in CATALOGUE), key=lambda pair: pair[1].casefold()
            ),
            dimensions=[(d, term("dimension", d, lang)) for d in dimensions_present(site.workspace)],
            sorts=SORTS,
            **present_breakdown(result, lang),
        )

    @app.get("/breakdown.{kind}", include_in_schema=False)
    def breakdown_download(
        kind: str,
        viewer: PageViewer,
        metric: str = DEFAULT_METRIC,
        by: str = "team",
        team: str | None = None,
        start: str | None = Query(None, alias="from"),
        end: str | None = Query(None, alias="to"),
        business_hours: bool = False,
        sort: str = "name",
    ) -> Response:
        result = table(viewer, metric, by, team, start, end, business_hours, sort)
        context = present_breakdown(result, viewer.lang)
        header, rows = breakdown_table(result, context, viewer.lang)
        name = f"breakdown-{metric}-{by}-{result.start.isoformat()}-{result.end.isoformat()}"
        return site.download(viewer, kind, context["heading"][:31], header, rows, name)

    @app.get("/api/breakdown", tags=["api"])
    def breakdown_api(
        viewer: ApiViewer,
        metric: str = _METRIC,
        by: str = Query("team", description=f"Dimension: {', '.join(BREAKDOWN_DIMENSIONS)}."),
        team: str | None = Query(
            None, description="Only this team's rows (admins; managers: one of theirs)."
        ),
        start: str | None = _FROM,
        end: str | None = _TO,
        business_hours: bool = _HOURS,
        sort: str = Query("name", description=f"Order of the rows: {', '.join(SORTS)}."),
    ) -> Any:
        """One KPI by one dimension: each row's value, n, interval and change against the same number of
        days before. An agent gets only their own numbers (by agent: their own row)."""
        return jsonable(table(viewer, metric, by, team, start, end, business_hours, sort))

    @app.get("/records", response_class=HTMLResponse, include_in_schema=False)
    def records_page(
        request: Request,
        viewer: PageViewer,
        metric: str = DEFAULT_METRIC,
        start: str | None = Query(None, alias="from"),
        end: str | None = Query(None, alias="to"),
        business_hours: bool = False,
        page: int = Query(1, ge=1),
    ) -> Response:
        result = records_of(request, viewer, metric, start, end, business_hours)
        context = present_records(result, page, PAGE_SIZE, viewer.lang)
        base = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page",)]
        return site.render(
            request,
            "records.html",
            page="breakdown",
            result=result,
            query=base,
            **context,
        )

    @app.get("/records.{kind}", include_in_schema=False)
    def records_download(
        request: Request,
        kind: str,
        viewer: PageViewer,
        metric: str = DEFAULT_METRIC,
        start: str | None = Query(None, alias="from"),
        end: str | None = Query(None, alias="to"),
        business_hours: bool = False,
    ) -> Response:
        from kpidesk.i18n import metric_name

        result = records_of(request, viewer, metric, start, end, business_hours)
        header, rows = records_table(result, viewer.lang)
        name = f"records-{metric}-{result.start.isoformat()}-{result.end.isoformat()}"
        return site.download(viewer, kind, metric_name(metric, viewer.lang)[:31], header, rows, name)

    @app.get("/api/records", tags=["api"])
    def records_api(
        request: Request,
        viewer: ApiViewer,
        metric: str = _METRIC,
        start: str | None = _FROM,
        end: str | None = _TO,
        business_hours: bool = _HOURS,
        include_uncounted: bool = Query(
            False, description="Also the records near the row it does not count."
        ),
        team: str | None = Query(None, description="The row's team (managers: one of theirs)."),
        agent: str | None = Query(None, description="The row's agent (agents: only their own)."),
        channel: str | None = Query(None, description="The row's channel."),
        priority: str | None = Query(None, description="The row's priority."),
        category: str | None = Query(None, description="The row's category."),
        queue: str | None = Query(None, description="The row's queue."),
    ) -> Any:
        """The records behind one breakdown row, as `kpidesk kpis --records` lists them: the counted ones
        number the row's n. An agent gets only their own records."""
        return jsonable(records_of(request, viewer, metric, start, end, business_hours, include_uncounted))

    @app.get("/tickets/{source}/{ticket_id}", response_class=HTMLResponse, include_in_schema=False)
    def ticket_page(
        request: Request, viewer: PageViewer, source: str, ticket_id: str, metric: str | None = None
    ) -> Response:
        view = ticket_view(site.workspace, viewer.audience, source, ticket_id)
        return site.render(
            request,
            "ticket.html",
            page="breakdown",
            source=source,
            ticket_id=ticket_id,
            **present_ticket(view, metric, viewer.lang),
        )

    @app.get("/tickets/{source}/{ticket_id}/events.{kind}", include_in_schema=False)
    def ticket_events_download(viewer: PageViewer, source: str, ticket_id: str, kind: str) -> Response:
        view = ticket_view(site.workspace, viewer.audience, source, ticket_id)
        header, rows = ticket_events_table(present_ticket(view, None, viewer.lang), viewer.lang)
        title = viewer.gettext("Events")
        return site.download(viewer, kind, title, header, rows, f"ticket-{ticket_id}-events")

    @app.get("/api/tickets/{source}/{ticket_id}", tags=["api"])
    def ticket_api(viewer: ApiViewer, source: str, ticket_id: str) -> Any:
        """How each metric of one ticket was measured (`kpidesk explain`): its facts, each metric's start
        and stop event with the durations, and its events. Admins: any ticket; managers: their teams';
        agents: their own (any other answers 404, as a ticket that does not exist)."""
        return jsonable(ticket_view(site.workspace, viewer.audience, source, ticket_id))
