"""The web app: dashboards over the same functions as the command line, with roles decided on the server."""

from kpidesk.views import MIN_PEERS, OVERVIEW_METRICS, ROLES, Audience, Card, Forbidden, Overview, overview
from kpidesk.web._app import create_app
from kpidesk.web._breakdown import BREAKDOWN_DIMENSIONS, Breakdown, BreakdownRow, breakdown
from kpidesk.web._present_drill import breakdown_table, present_breakdown
from kpidesk.web._records import Records, row_records
from kpidesk.web._scorecard import Scorecard, scorecard
from kpidesk.web._site import SESSION_COOKIE
from kpidesk.web._ticket import TicketHidden, TicketView, ticket_view
from kpidesk.web._trends import Trend, TrendRow, TrendTarget, default_span, trends
from kpidesk.web._vendor import VENDOR_DIR, vendored
from kpidesk.web._wallboard import Wallboard, wallboard

__all__ = [
    "BREAKDOWN_DIMENSIONS",
    "MIN_PEERS",
    "OVERVIEW_METRICS",
    "ROLES",
    "SESSION_COOKIE",
    "VENDOR_DIR",
    "Audience",
    "Breakdown",
    "BreakdownRow",
    "Card",
    "Forbidden",
    "Overview",
    "Records",
    "Scorecard",
    "TicketHidden",
    "TicketView",
    "Trend",
    "TrendRow",
    "TrendTarget",
    "Wallboard",
    "breakdown",
    "breakdown_table",
    "create_app",
    "default_span",
    "overview",
    "present_breakdown",
    "row_records",
    "scorecard",
    "ticket_view",
    "trends",
    "vendored",
    "wallboard",
]
