"""The warehouse keeps instants as UTC without an offset; people read them as dates of their own zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = ["local_date"]


def local_date(instant: datetime | None, zone: ZoneInfo) -> date | None:
    """The date in `zone` of a UTC instant stored without an offset."""
    if instant is None:
        return None
    return instant.replace(tzinfo=UTC).astimezone(zone).date()
