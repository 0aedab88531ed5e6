"""What a workspace holds: its status (settings, sources, imports, rejected rows, facts), the values of
each dimension, and the names beside ids."""

from kpidesk.contents._listing import LISTINGS, Listing, find_listing, list_values
from kpidesk.contents._names import NAMED_DIMENSIONS, with_names
from kpidesk.contents._status import (
    CalendarSummary,
    FactStatus,
    ImportStatus,
    RejectedCount,
    SourceStatus,
    TableRows,
    WorkspaceStatus,
    workspace_status,
)

__all__ = [
    "LISTINGS",
    "NAMED_DIMENSIONS",
    "CalendarSummary",
    "FactStatus",
    "ImportStatus",
    "Listing",
    "RejectedCount",
    "SourceStatus",
    "TableRows",
    "WorkspaceStatus",
    "find_listing",
    "list_values",
    "with_names",
    "workspace_status",
]
