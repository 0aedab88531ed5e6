"""Local-time intervals as UTC epochs: what call intervals, forecasts and staffing plans are laid on.

Every time zone in use is offset from UTC by a multiple of 15 minutes and changes its clock on a quarter
hour, so a 15-minute UTC block never straddles two local intervals of 15, 30 or 60 minutes.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from kpidesk import InvalidRequest

__all__ = ["local_interval_start", "local_midnight"]


def local_midnight(day: date, zone: ZoneInfo) -> int:
    """UTC epoch of the local midnight that starts `day` (the first instant of the day on a DST day)."""
    return int(datetime.combine(day, time(0), tzinfo=zone).timestamp())


def local_interval_start(block: int, minutes: int, zone: ZoneInfo) -> int:
    """UTC epoch of the start of the local interval that holds the 15-minute block starting at `block`."""
    local = datetime.fromtimestamp(block, zone)
    if local.second or local.minute % 15:
        raise InvalidRequest(
            f"time zone {zone.key} is offset from UTC by a number of minutes not divisible by 15 at "
            f"{local.isoformat()}; call intervals need quarter-hour offsets"
        )
    return block - ((local.hour * 60 + local.minute) % minutes) * 60
