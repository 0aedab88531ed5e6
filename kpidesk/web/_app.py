"""The FastAPI application: pages rendered on the server and a JSON API beside them, over the same plain
functions as the command line. Each page module adds its routes; `_site` holds what they share — the
reader's language, the signed-in viewer and their role (checked in the query layer, `kpidesk.views`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kpidesk.web._page_breakdown import add_breakdown
from kpidesk.web._page_import import add_import
from kpidesk.web._page_login import add_login
from kpidesk.web._page_overview import add_overview
from kpidesk.web._page_roster import add_roster
from kpidesk.web._page_scorecard import add_scorecard
from kpidesk.web._page_staffing import add_staffing
from kpidesk.web._page_target_edit import add_target_edit
from kpidesk.web._page_targets import add_targets
from kpidesk.web._page_trends import add_trends
from kpidesk.web._page_wallboard import add_wallboard
from kpidesk.web._site import Site

__all__ = ["create_app"]

_STATIC = Path(__file__).parent / "static"

#: Each page's routes, in the order of the navigation bar.
_PAGES = (
    add_login,
    add_overview,
    add_trends,
    add_breakdown,
    add_scorecard,
    add_targets,
    add_wallboard,
    add_target_edit,
    add_staffing,
    add_roster,
    add_import,
)


def create_app(workspace: Any) -> FastAPI:
    """The web app of one workspace (a `Workspace`)."""
    site = Site(workspace)
    app = FastAPI(title="kpidesk", docs_url="/api/docs", openapi_url="/api/openapi.json", redoc_url=None)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    app.state.site = site
    site.install_error_answers(app)
    for add in _PAGES:
        add(app, site)
    return app
