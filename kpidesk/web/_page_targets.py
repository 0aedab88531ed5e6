"""The targets page (`/targets`), its downloads (`/targets.csv`, `/targets.xlsx`) and its API
(`/api/targets`): every target the viewer may see (`_targets`), with status, projection and guardrails."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from kpidesk.web._present import present_targets, targets_table
from kpidesk.web._site import ApiViewer, PageViewer, Site, Viewer, jsonable, parse_date
from kpidesk.web._target_edit import may_edit
from kpidesk.web._targets import visible_targets

__all__ = ["add_targets"]


def add_targets(app: FastAPI, site: Site) -> None:
    def status(viewer: Viewer, at: str | None) -> tuple[Any, Any]:
        day = parse_date(at) or site.last_day()
        return day, visible_targets(site.workspace, viewer.audience, day)

    @app.get("/targets", response_class=HTMLResponse, include_in_schema=False)
    def targets_page(request: Request, viewer: PageViewer, at: str | None = None) -> Response:
        day, frame = status(viewer, at)
        context = present_targets(frame, day, viewer.lang)
        at_query = f"&at={day.isoformat()}" if at else ""
        can_add = may_edit(viewer.audience)
        return site.render(
            request, "targets.html", page="targets", at_query=at_query, can_add=can_add, **context
        )

    @app.get("/targets.{kind}", include_in_schema=False)
    def targets_download(kind: str, viewer: PageViewer, at: str | None = None) -> Response:
        day, frame = status(viewer, at)
        header, rows = targets_table(present_targets(frame, day, viewer.lang), viewer.lang)
        return site.download(
            viewer, kind, viewer.gettext("Targets"), header, rows, f"targets-{day.isoformat()}"
        )

    @app.get("/api/targets", tags=["api"])
    def targets_api(
        viewer: ApiViewer,
        at: str | None = Query(
            None, description="Status as of the end of this day (default: the data's last)."
        ),
    ) -> Any:
        """Every target the caller may see, as `kpidesk targets status` gives it."""
        return jsonable(status(viewer, at)[1].to_dict(orient="records"))
