"""The web app: dashboards over the same functions as the command line, with roles decided on the server."""

from kpidesk.web._access import MIN_PEERS, ROLES, Audience, Forbidden
from kpidesk.web._app import create_app
from kpidesk.web._overview import OVERVIEW_METRICS, Card, Overview, overview
from kpidesk.web._scorecard import Scorecard, scorecard
from kpidesk.web._site import SESSION_COOKIE
from kpidesk.web._vendor import VENDOR_DIR, vendored
from kpidesk.web._wallboard import Wallboard, wallboard

__all__ = [
    "MIN_PEERS",
    "OVERVIEW_METRICS",
    "ROLES",
    "SESSION_COOKIE",
    "VENDOR_DIR",
    "Audience",
    "Card",
    "Forbidden",
    "Overview",
    "Scorecard",
    "Wallboard",
    "create_app",
    "overview",
    "scorecard",
    "vendored",
    "wallboard",
]
