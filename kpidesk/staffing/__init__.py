"""Staffing: from service-level targets and forecast volumes to agents per interval.

Data flows: `calls` → per-interval arrivals (`kpidesk.call_intervals`) → a forecast beside a seasonal
naive benchmark → handle time and patience estimated from the calls → the fewest agents per interval that
meet the target under Erlang C or Erlang A → a simulation that checks the analytic figures.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kpidesk.staffing._erlang import (
    QueueFigures,
    erlang_a,
    erlang_b,
    erlang_b_lines,
    erlang_c,
    erlang_c_probability_of_waiting,
    offered_traffic,
)
from kpidesk.staffing._requirement import (
    MODELS,
    Requirement,
    StaffingTarget,
    evaluate_agents,
    parse_interval,
    parse_target,
    required_agents,
    required_agents_erlang_c,
    scheduled_agents,
)

if TYPE_CHECKING:
    from kpidesk.staffing._estimates import QueueEstimates, estimate_queue
    from kpidesk.staffing._forecast import ArrivalForecast, ForecastError, forecast_arrivals
    from kpidesk.staffing._plan import PLAN_COLUMNS, StaffingPlan, build_plan
    from kpidesk.staffing._simulation import MEASURES, simulate_interval, simulate_plan

__all__ = [
    "MEASURES",
    "MODELS",
    "PLAN_COLUMNS",
    "ArrivalForecast",
    "ForecastError",
    "QueueEstimates",
    "QueueFigures",
    "Requirement",
    "StaffingPlan",
    "StaffingTarget",
    "build_plan",
    "erlang_a",
    "erlang_b",
    "erlang_b_lines",
    "erlang_c",
    "erlang_c_probability_of_waiting",
    "estimate_queue",
    "evaluate_agents",
    "forecast_arrivals",
    "offered_traffic",
    "parse_interval",
    "parse_target",
    "required_agents",
    "required_agents_erlang_c",
    "scheduled_agents",
    "simulate_interval",
    "simulate_plan",
]

#: The names of the modules that need pandas, statsmodels or ciw, imported on first use so that
#: `kpidesk staffing required` starts without them.
_LAZY = {
    **dict.fromkeys(("QueueEstimates", "estimate_queue"), "kpidesk.staffing._estimates"),
    **dict.fromkeys(("ArrivalForecast", "ForecastError", "forecast_arrivals"), "kpidesk.staffing._forecast"),
    **dict.fromkeys(("PLAN_COLUMNS", "StaffingPlan", "build_plan"), "kpidesk.staffing._plan"),
    **dict.fromkeys(("MEASURES", "simulate_interval", "simulate_plan"), "kpidesk.staffing._simulation"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
