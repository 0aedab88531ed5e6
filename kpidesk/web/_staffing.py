"""The staffing page's plan: `kpidesk.staffing_plan` for one queue and one week, for managers and admins.

- an **admin** may plan any queue, or all calls together;
- a **manager** the queues named as one of their teams (a queue's calls are their team's work), not
  all calls together (that is the organisation's);
- an **agent** nothing: a plan is a manager's tool.

A plan takes seconds (it fits a forecast), so the plans of the current warehouse are kept: the page, its
downloads and the API then share one computation."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kpidesk import InvalidRequest
from kpidesk.views import Audience, Forbidden

__all__ = ["PLAN_DAYS", "StaffingQuery", "staffing", "staffing_query", "staffing_queues"]

#: A plan covers a week: the day asked for and the six after it.
PLAN_DAYS = 7
_KEPT = 16
_PLANS: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


@dataclass(frozen=True)
class StaffingQuery:
    """What to plan: a queue (None: all calls), the week's first day, the service level (a fraction)
    within `threshold_s` seconds, the shrinkage, the interval in minutes and the queueing model."""

    queue: str | None
    week: date
    service_level: float = 0.8
    threshold_s: float = 20.0
    shrinkage: float = 0.0
    minutes: int = 30
    model: str = "erlang-c"

    @property
    def end(self) -> date:
        return self.week + timedelta(days=PLAN_DAYS - 1)

    @property
    def target(self) -> str:
        return f"{self.service_level * 100:g}/{self.threshold_s:g}"


def staffing_queues(workspace: Any, audience: Audience) -> list[str]:
    """The queues with calls that `audience` may plan."""
    import kpidesk

    if audience.role == "agent":
        return []
    frame = kpidesk.list_values("queues", workspace=workspace)
    queues = [str(v) for v in frame["queue"] if v is not None]
    return queues if audience.role == "admin" else [q for q in queues if q in audience.teams]


def staffing_query(
    workspace: Any,
    audience: Audience,
    week: Callable[[], date],
    *,
    queue: str | None,
    level: float,
    seconds: float,
    shrinkage: float,
    minutes: int,
    model: str,
) -> StaffingQuery:
    """The plan the form asks for (percentages as the form writes them), or why it cannot be asked: an
    agent may plan nothing, and a manager who names no queue gets their first. `week` is called once the
    viewer may plan, so a refused viewer learns nothing from the date they sent."""
    if audience.role == "agent":
        raise Forbidden("staffing plans are for managers and administrators")
    if not queue and audience.role == "manager":
        queues = staffing_queues(workspace, audience)
        if not queues:
            raise Forbidden("none of your teams has a queue of calls")
        queue = queues[0]
    if not 0 < level < 100:
        raise InvalidRequest("the service level must lie between 0% and 100%, both excluded")
    if not 0 <= shrinkage < 100:
        raise InvalidRequest("the shrinkage must lie from 0% up to, not including, 100%")
    return StaffingQuery(
        queue=queue or None,
        week=week(),
        service_level=level / 100,
        threshold_s=seconds,
        shrinkage=shrinkage / 100,
        minutes=minutes,
        model=model,
    )


def _check(audience: Audience, queue: str | None) -> None:
    if audience.role == "agent":
        raise Forbidden("staffing plans are for managers and administrators")
    if audience.role == "manager" and (queue is None or queue not in audience.teams):
        raise Forbidden("you may plan only the queues of your own teams")


def staffing(workspace: Any, audience: Audience, query: StaffingQuery) -> Any:
    """The `StaffingPlan` of `query`, if `audience` may see it; as `kpidesk.staffing_plan` makes it."""
    import kpidesk

    _check(audience, query.queue)
    if not 0 <= query.shrinkage < 1:
        raise InvalidRequest("the shrinkage must lie from 0% up to, not including, 100%")
    stamp = workspace.warehouse_path.stat().st_mtime_ns if workspace.warehouse_path.exists() else 0
    key = (str(workspace.path), stamp, query)
    if key in _PLANS:
        _PLANS.move_to_end(key)
        return _PLANS[key]
    plan = kpidesk.staffing_plan(
        workspace,
        start=query.week,
        end=query.end,
        target=query.target,
        queue=query.queue,
        model=query.model,
        shrinkage=query.shrinkage,
        minutes=query.minutes,
    )
    _PLANS[key] = plan
    while len(_PLANS) > _KEPT:
        _PLANS.popitem(last=False)
    return plan
