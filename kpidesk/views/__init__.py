"""What an audience may see, decided once for every way figures leave kpidesk: the web app's pages, its
API and downloads, and the reports sent by e-mail. An admin sees everything, a manager their teams, an agent
their own numbers beside their team's average (only where enough colleagues contribute that no one's value
shows)."""

from kpidesk.views._audience import MIN_PEERS, ROLES, Audience, Forbidden, scope_rows
from kpidesk.views._overview import DEFAULT_DAYS, OVERVIEW_METRICS, SPARK_WEEKS, Card, Overview, overview
from kpidesk.views._present import (
    STATUS_CSS,
    card_reason,
    present_card,
    present_target,
    spark_spec,
    targets_table,
)
from kpidesk.views._tables import fill_sheet, table_csv, table_xlsx

__all__ = [
    "DEFAULT_DAYS",
    "MIN_PEERS",
    "OVERVIEW_METRICS",
    "ROLES",
    "SPARK_WEEKS",
    "STATUS_CSS",
    "Audience",
    "Card",
    "Forbidden",
    "Overview",
    "card_reason",
    "fill_sheet",
    "overview",
    "present_card",
    "present_target",
    "scope_rows",
    "spark_spec",
    "table_csv",
    "table_xlsx",
    "targets_table",
]
