"""The wallboard (`/wallboard`), the board it refreshes itself with (`/wallboard/board`, an htmx fragment)
and its API (`/api/wallboard`): a team's big numbers for today and the week (`_wallboard`), in the
reader's language (`_present_wallboard`), for a screen on the wall."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from kpidesk import InvalidRequest
from kpidesk.views import Forbidden
from kpidesk.web._present_wallboard import present_wallboard
from kpidesk.web._site import ApiViewer, PageViewer, Site, Viewer, jsonable
from kpidesk.web._wallboard import Wallboard, wallboard

__all__ = ["add_wallboard"]

#: How often the board refreshes itself unless asked otherwise, and the bounds of `every` (seconds).
REFRESH_SECONDS = 60
_FASTEST, _SLOWEST = 2, 3600


def add_wallboard(app: FastAPI, site: Site) -> None:
    def board(viewer: Viewer, team: str | None, business_hours: bool) -> Wallboard:
        audience = viewer.audience
        if audience.role == "agent":
            raise Forbidden("the wallboard is for managers and administrators")
        if not team:
            visible = audience.teams_visible(site.teams())
            if not visible:
                raise InvalidRequest("there is no team to show")
            team = visible[0]
        return wallboard(
            site.workspace, audience, team=team, last_day=site.last_day(), business_hours=business_hours
        )

    def context(viewer: Viewer, result: Wallboard, every: int, business_hours: bool) -> dict[str, Any]:
        query = f"team={result.team}&lang={viewer.lang}&every={every}"
        if business_hours:
            query += "&business_hours=1"
        teams = viewer.audience.teams_visible(site.teams())
        return {"every": every, "query": query, "teams": teams, **present_wallboard(result, viewer.lang)}

    def interval(every: int) -> int:
        return min(max(every, _FASTEST), _SLOWEST)

    @app.get("/wallboard", response_class=HTMLResponse, include_in_schema=False)
    def wallboard_page(
        request: Request,
        viewer: PageViewer,
        team: str | None = None,
        business_hours: bool = False,
        every: int = REFRESH_SECONDS,
    ) -> Response:
        result = board(viewer, team, business_hours)
        every = interval(every)
        return site.render(
            request, "wallboard.html", page="wallboard", **context(viewer, result, every, business_hours)
        )

    @app.get("/wallboard/board", response_class=HTMLResponse, include_in_schema=False)
    def wallboard_board(
        request: Request,
        viewer: PageViewer,
        team: str | None = None,
        business_hours: bool = False,
        every: int = REFRESH_SECONDS,
    ) -> Response:
        result = board(viewer, team, business_hours)
        every = interval(every)
        return site.render(request, "wallboard_board.html", **context(viewer, result, every, business_hours))

    @app.get("/api/wallboard", tags=["api"])
    def wallboard_api(
        viewer: ApiViewer,
        team: str | None = Query(None, description="A team (default: the first the caller may see)."),
        business_hours: bool = Query(False, description="Durations in the calendar's business hours."),
    ) -> Any:
        """A team's board: the backlog at the end of the data's last day ("today"), and tickets created,
        solved, first reply time and service level for today and the week so far; the team's target
        statuses; the newest instant of the data and when the board was computed (local times)."""
        return jsonable(board(viewer, team, business_hours))
