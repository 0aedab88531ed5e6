"""The overview page (`/`) and its API (`/api/overview`): KPI cards for the organisation, a team, or an
agent's own numbers (`_overview`), in the reader's language (`_present`)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from kpidesk.views import overview
from kpidesk.web._present import present_overview
from kpidesk.web._site import ApiViewer, PageViewer, Site, Viewer, jsonable, parse_date

__all__ = ["add_overview"]


def add_overview(app: FastAPI, site: Site) -> None:
    def cards(
        viewer: Viewer, team: str | None, start: str | None, end: str | None, business_hours: bool
    ) -> Any:
        first, last = parse_date(start), parse_date(end)
        return site.answers.get(
            ("overview", viewer.audience, team or None, first, last, business_hours),
            lambda: overview(
                site.workspace,
                viewer.audience,
                team=team or None,
                start=first,
                end=last,
                business_hours=business_hours,
                last_day=site.last_day(),
            ),
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview_page(
        request: Request,
        viewer: PageViewer,
        team: str | None = None,
        start: str | None = Query(None, alias="from"),
        end: str | None = Query(None, alias="to"),
        business_hours: bool = False,
    ) -> Response:
        audience = viewer.audience
        if not team and not audience.sees_organisation and audience.teams:
            team = audience.teams[0]
        result = cards(viewer, team, start, end, business_hours)
        teams = audience.teams_visible(site.teams()) if audience.role != "agent" else []
        return site.render(
            request,
            "overview.html",
            page="overview",
            teams=teams,
            sees_organisation=audience.sees_organisation,
            **present_overview(result, viewer.lang),
        )

    @app.get("/api/overview", tags=["api"])
    def overview_api(
        viewer: ApiViewer,
        team: str | None = Query(None, description="A team; empty for the whole organisation (admins)."),
        start: str | None = Query(None, alias="from", description="First day, YYYY-MM-DD."),
        end: str | None = Query(
            None, alias="to", description="Last day, YYYY-MM-DD (default: the data's last)."
        ),
        business_hours: bool = Query(False, description="Durations in the calendar's business hours."),
    ) -> Any:
        """The overview's cards: value, n, interval, change against the days before, target status and the
        weekly values of each headline KPI. An agent always gets their own numbers beside their team's."""
        return jsonable(cards(viewer, team, start, end, business_hours))
