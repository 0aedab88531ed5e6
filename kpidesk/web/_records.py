"""The records behind one breakdown row (`kpidesk.records`): each ticket, call or response with when it
began and its value, for what the audience may see (see `kpidesk.views`):

- an **admin** may ask for any row;
- a **manager** only for rows of one of their teams (`team` must be one of theirs);
- an **agent** only for their own records: `agent` is theirs (set when absent; another's is refused), and
  every record listed is theirs whatever the other filters say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kpidesk import InvalidRequest
from kpidesk.metrics import number_or_none
from kpidesk.views import Audience, Forbidden
from kpidesk.web._breakdown import BREAKDOWN_DIMENSIONS

__all__ = ["PAGE_SIZE", "Record", "Records", "allowed_filters", "row_records"]

PAGE_SIZE = 50
#: Where each kind of record's first instant is kept: the record id column → (table, id column, instant).
_BEGAN = {
    "ticket_id": ("ticket_facts", "ticket_id", "created_at"),
    "call_id": ("calls", "call_id", "arrived_at"),
}


@dataclass(frozen=True)
class Record:
    """One record: its source, id (`id_kind` names its column: ticket_id, call_id, response_id…), when it
    began (local, None where the warehouse has no such instant), its value and whether the row counts it."""

    source: str
    record_id: str
    id_kind: str
    began: datetime | None
    value: float | None
    counted: bool
    reason: str | None

    @property
    def is_ticket(self) -> bool:
        return self.id_kind == "ticket_id"


@dataclass(frozen=True)
class Records:
    metric: str
    unit: str
    filters: dict[str, str | None]
    start: date
    end: date
    business_hours: bool
    #: The counted records (the row's n), and all records listed (with `include_uncounted`).
    counted: int
    records: tuple[Record, ...] = ()


def allowed_filters(audience: Audience, filters: dict[str, str | None]) -> dict[str, str | None]:
    """`filters` as `audience` may ask for them, or `Forbidden`; an agent's always name them."""
    unknown = [d for d in filters if d not in BREAKDOWN_DIMENSIONS]
    if unknown:
        raise InvalidRequest(f"expected filters among {', '.join(BREAKDOWN_DIMENSIONS)}, got {unknown[0]!r}")
    if audience.role == "agent":
        if filters.get("agent") not in (None, audience.agent_id) or audience.agent_id is None:
            raise Forbidden("you may see only your own figures")
        return {**filters, "agent": audience.agent_id}
    if audience.role == "manager":
        audience.check_team(filters.get("team"))
    return dict(filters)


def row_records(
    workspace: Any,
    audience: Audience,
    *,
    metric: str,
    filters: dict[str, str | None],
    start: date,
    end: date,
    business_hours: bool = False,
    include_uncounted: bool = False,
) -> Records:
    """The records of the row `filters` of `metric` from `start` to `end`, as `kpidesk.records` lists them,
    limited to what `audience` may see."""
    import kpidesk
    from kpidesk.metrics import get_metric

    try:
        unit = str(get_metric(metric).unit)
    except Exception:
        raise InvalidRequest(f"unknown metric {metric!r}; `kpidesk metrics` lists them") from None
    if start > end:
        raise InvalidRequest("the first day comes after the last")
    asked = allowed_filters(audience, filters)
    frame = kpidesk.records(
        workspace,
        metric=metric,
        period="all",
        start=start,
        end=end,
        filters=asked,
        business_hours=business_hours,
    )
    if audience.role == "agent":
        frame = frame[frame["agent"].map(lambda v: v == audience.agent_id)]
    elif audience.role == "manager":
        frame = frame[frame["team"].map(lambda v: v in audience.teams)]
    counted = int(frame["counted"].sum()) if len(frame) else 0
    if not include_uncounted and len(frame):
        frame = frame[frame["counted"].astype(bool)]
    columns = [str(c) for c in frame.columns]
    if "source" not in columns:  # no records at all
        return Records(metric, unit, asked, start, end, business_hours, 0)
    id_kind = columns[columns.index("source") + 1]
    began = _began(workspace, frame, id_kind) if len(frame) else {}
    records = []
    for record in frame.to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        key = (str(row["source"]), str(row[id_kind]))
        records.append(
            Record(
                source=key[0],
                record_id=key[1],
                id_kind=id_kind,
                began=began.get(key),
                value=number_or_none(row.get("value")),
                counted=bool(row.get("counted")),
                reason=row.get("reason") if isinstance(row.get("reason"), str) else None,
            )
        )
    records.sort(key=lambda r: (r.began or datetime.min.replace(tzinfo=UTC), r.record_id))
    return Records(metric, unit, asked, start, end, business_hours, counted, tuple(records))


def _began(workspace: Any, frame: Any, id_kind: str) -> dict[tuple[str, str], datetime]:
    """When each record began, in the workspace's zone (tickets: created; calls: arrived)."""
    if id_kind not in _BEGAN:
        return {}
    table, column, instant = _BEGAN[id_kind]
    wanted = {(str(s), str(i)) for s, i in zip(frame["source"], frame[id_kind], strict=True)}
    zone = ZoneInfo(workspace.settings.timezone)
    with workspace.connect(read_only=True) as con:
        found = con.execute(
            f"SELECT source, {column}, {instant} FROM {table} WHERE {column} IN (SELECT unnest(?))",
            [sorted({i for _, i in wanted})],
        ).fetchall()
    return {
        (str(s), str(i)): at.replace(tzinfo=UTC).astimezone(zone)
        for s, i, at in found
        if at is not None and (str(s), str(i)) in wanted
    }
