"""A staffing plan: agents per interval for the dates ahead, from a queue's history and a target.

For every local interval of the plan: the forecast of arrivals (with its prediction interval and the
seasonal-naive benchmark beside it), the handle time and patience of that interval of the week pooled
towards the queue's (`estimate_queue`), the fewest agents that meet the target under the chosen model,
the agents to schedule after shrinkage, and the service level, ASA, probability of waiting, abandonment
and occupancy those agents are expected to give.

The forecast is a mean; an interval that gets more calls than forecast gets a lower service level. The
plan staffs the mean, as Erlang staffing does; `forecast_high` says how far the volume may go.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.calendars import BusinessCalendar
from kpidesk.staffing._estimates import QueueEstimates, estimate_queue, interval_key
from kpidesk.staffing._forecast import ArrivalForecast, forecast_arrivals
from kpidesk.staffing._requirement import MODELS, StaffingTarget, required_agents

__all__ = ["PLAN_COLUMNS", "StaffingPlan", "build_plan"]

PLAN_COLUMNS = (
    "interval_start",
    "interval_start_utc",
    "holiday",
    "forecast_calls",
    "forecast_low",
    "forecast_high",
    "seasonal_naive",
    "aht_s",
    "patience_s",
    "agents",
    "scheduled_agents",
    "service_level",
    "asa_s",
    "p_wait",
    "abandonment",
    "occupancy",
)


@dataclass(frozen=True)
class StaffingPlan:
    """The plan's intervals (`PLAN_COLUMNS`) with what it was built from."""

    intervals: pd.DataFrame
    forecast: ArrivalForecast
    estimates: QueueEstimates
    target: StaffingTarget
    model: str
    shrinkage: float
    minutes: int
    queue: str | None

    def totals(self) -> dict[str, float]:
        """Calls, agent-hours required and scheduled, and the call-weighted expected service level."""
        frame = self.intervals
        hours = self.minutes / 60
        calls = float(frame.forecast_calls.sum())
        weighted = frame.service_level * frame.forecast_calls
        return {
            "forecast_calls": calls,
            "agent_hours": float(frame.agents.sum()) * hours,
            "scheduled_agent_hours": float(frame.scheduled_agents.sum()) * hours,
            "peak_agents": int(frame.agents.max()) if len(frame) else 0,
            "service_level": float(weighted.sum() / calls) if calls else math.nan,
        }


def build_plan(
    history: pd.DataFrame,
    calendar: BusinessCalendar,
    *,
    start: date,
    end: date,
    target: StaffingTarget,
    model: str = "erlang-c",
    shrinkage: float = 0.0,
    minutes: int = 30,
    holdout_weeks: int = 1,
    aht_s: float | None = None,
    patience_s: float | None = None,
    queue: str | None = None,
) -> StaffingPlan:
    """Plan `start`…`end` (local dates, inclusive) from `history`, the `call_intervals` rows of the queue
    before `start`. `aht_s` and `patience_s` replace the estimates from the calls when given."""
    if model not in MODELS:
        raise InvalidRequest(f"unknown queueing model {model!r}; choose one of {', '.join(MODELS)}")
    if end < start:
        raise InvalidRequest(f"the plan ends ({end}) before it starts ({start})")
    estimates = estimate_queue(history)
    if aht_s is None and estimates.aht_s is None:
        raise InvalidRequest("the history has no answered call with a handle time; give the AHT (--aht)")
    if model == "erlang-a" and patience_s is None and estimates.patience_s is None:
        raise InvalidRequest(
            "no call abandoned in the history, so patience cannot be estimated: give it "
            "(--patience) or plan with erlang-c"
        )
    forecast = forecast_arrivals(
        history, calendar, minutes=minutes, start=start, end=end, holdout_weeks=holdout_weeks
    )
    frame = forecast.intervals.copy()
    keys = interval_key(frame.interval_start)
    pooled = keys.merge(estimates.by_interval, on=["weekday", "time_of_day"], how="left")
    aht = pooled.aht_s.fillna(estimates.aht_s if estimates.aht_s is not None else math.nan)
    frame["aht_s"] = aht.to_numpy() if aht_s is None else aht_s
    if model == "erlang-a":
        patience = pooled.patience_s.fillna(estimates.patience_s if estimates.patience_s else math.nan)
        frame["patience_s"] = patience.to_numpy() if patience_s is None else patience_s
    else:
        frame["patience_s"] = math.nan
    interval_s = minutes * 60.0
    rows = []
    for calls, handle, patience in zip(frame.forecast, frame.aht_s, frame.patience_s, strict=True):
        requirement = required_agents(
            float(calls),
            interval_s,
            float(handle),
            target,
            model=model,
            patience_s=None if model == "erlang-c" else float(patience),
            shrinkage=shrinkage,
        )
        figures = requirement.figures
        rows.append(
            {
                "agents": figures.agents,
                "scheduled_agents": requirement.scheduled,
                "service_level": figures.service_level,
                "asa_s": figures.asa,
                "p_wait": figures.p_wait,
                "abandonment": figures.abandonment,
                "occupancy": figures.occupancy,
            }
        )
    frame = pd.concat([frame.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
    frame = frame.rename(columns={"forecast": "forecast_calls"})
    return StaffingPlan(
        frame[list(PLAN_COLUMNS)], forecast, estimates, target, model, shrinkage, minutes, queue
    )
