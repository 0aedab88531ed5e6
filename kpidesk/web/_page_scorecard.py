"""The agent scorecard page (`/scorecard`), its downloads (`/scorecard.csv`, `/scorecard.xlsx`) and its API
(`/api/scorecard`): one agent's KPIs beside their team's, with the change and their own targets
(`_scorecard`), in the reader's language (`_present_scorecard`)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from kpidesk.web._present_scorecard import present_scorecard, scorecard_table
from kpidesk.web._scorecard import Scorecard, agents_visible, scorecard
from kpidesk.web._site import ApiViewer, PageViewer, Site, Viewer, jsonable, parse_date

__all__ = ["add_scorecard"]


def add_scorecard(app: FastAPI, site: Site) -> None:
    def card(
        viewer: Viewer, agent: str | None, start: str | None, end: str | None, business_hours: bool
    ) -> Scorecard:
        return scorecard(
            site.workspace,
            viewer.audience,
            agent=agent or None,
            start=parse_date(start),
            end=parse_date(end),
            business_hours=business_hours,
            last_day=site.last_day(),
        )

    @app.get("/scorecard", response_class=HTMLResponse, include_in_schema=False)
    def scorecard_page(
        request: Request,
        viewer: PageViewer,
        agent: str | None = None,
        start: str | None = Query(None, alias="from"),
        end: str | None = Query(None, alias="to"),
        business_hours: bool = False,
    ) -> Response:
        result = card(viewer, agent, start, end, business_hours)
        audience = viewer.audience
        choices = agents_visible(site.workspace, audience) if audience.role != "agent" else []
        query = f"agent={result.agent}&from={result.start.isoformat()}&to={result.end.isoformat()}"
        if business_hours:
            query += "&business_hours=1"
        return site.render(
            request,
            "scorecard.html",
            page="scorecard",
            choices=choices,
            query=query if audience.role != "agent" else query.split("&", 1)[1],
            **present_scorecard(result, viewer.lang),
        )

    @app.get("/scorecard.{kind}", include_in_schema=False)
    def scorecard_download(
        kind: str,
        viewer: PageViewer,
        agent: str | None = None,
        start: str | None = Query(None, alias="from"),
        end: str | None = Query(None, alias="to"),
        business_hours: bool = False,
    ) -> Response:
        result = card(viewer, agent, start, end, business_hours)
        context = present_scorecard(result, viewer.lang)
        header, rows = scorecard_table(context, viewer.lang)
        name = f"scorecard-{result.agent}-{result.start.isoformat()}-{result.end.isoformat()}"
        return site.download(viewer, kind, viewer.gettext("Scorecard"), header, rows, name)

    @app.get("/api/scorecard", tags=["api"])
    def scorecard_api(
        viewer: ApiViewer,
        agent: str | None = Query(
            None, description="An agent id (managers: of their teams; agents: only their own, or empty)."
        ),
        start: str | None = Query(None, alias="from", description="First day, YYYY-MM-DD."),
        end: str | None = Query(
            None, alias="to", description="Last day, YYYY-MM-DD (default: the data's last)."
        ),
        business_hours: bool = Query(False, description="Durations in the calendar's business hours."),
    ) -> Any:
        """One agent's KPIs (value, n, change against as many days before, reason when not available), the
        team's value where at least three agents contribute to it, and the agent's own target rows."""
        return jsonable(card(viewer, agent, start, end, business_hours))
