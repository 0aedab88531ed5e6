"""Staffing: from service-level targets and forecast volumes to agents per interval.

Data flows: `calls` → per-interval arrivals (`kpidesk.call_intervals`) → a forecast beside a seasonal
naive benchmark → handle time and patience estimated from the calls → the fewest agents per interval that
meet the target under Erlang C or Erlang A → a simulation that checks the analytic figures → a roster:
the shifts that cover those agents at the least cost and the named agents who work them.
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
    from kpidesk.staffing._assign import RosterAgent, RosterInfeasible
    from kpidesk.staffing._cover import week_of
    from kpidesk.staffing._estimates import QueueEstimates, estimate_queue
    from kpidesk.staffing._forecast import ArrivalForecast, ForecastError, forecast_arrivals
    from kpidesk.staffing._ical import roster_icalendars
    from kpidesk.staffing._milp import OptimisationStopped, SolveReport
    from kpidesk.staffing._needs import Needs, QueueModel, needs_from_plan, read_needs
    from kpidesk.staffing._plan import PLAN_COLUMNS, StaffingPlan, build_plan
    from kpidesk.staffing._roster import COVERAGE_COLUMNS, Roster, RosterGap, build_roster
    from kpidesk.staffing._roster_agents import read_roster_agents, read_unavailability, with_unavailability
    from kpidesk.staffing._shifts import RULE_OPTIONS, Shift, ShiftRules, shift_rules
    from kpidesk.staffing._simulation import MEASURES, simulate_interval, simulate_plan

__all__ = [
    "COVERAGE_COLUMNS",
    "MEASURES",
    "MODELS",
    "PLAN_COLUMNS",
    "RULE_OPTIONS",
    "ArrivalForecast",
    "ForecastError",
    "Needs",
    "OptimisationStopped",
    "QueueEstimates",
    "QueueFigures",
    "QueueModel",
    "Requirement",
    "Roster",
    "RosterAgent",
    "RosterGap",
    "RosterInfeasible",
    "Shift",
    "ShiftRules",
    "SolveReport",
    "StaffingPlan",
    "StaffingTarget",
    "build_plan",
    "build_roster",
    "erlang_a",
    "erlang_b",
    "erlang_b_lines",
    "erlang_c",
    "erlang_c_probability_of_waiting",
    "estimate_queue",
    "evaluate_agents",
    "forecast_arrivals",
    "needs_from_plan",
    "offered_traffic",
    "parse_interval",
    "parse_target",
    "read_needs",
    "read_roster_agents",
    "read_unavailability",
    "required_agents",
    "required_agents_erlang_c",
    "roster_icalendars",
    "scheduled_agents",
    "shift_rules",
    "simulate_interval",
    "simulate_plan",
    "week_of",
    "with_unavailability",
]

#: The names of the modules that need pandas, statsmodels or ciw, imported on first use so that
#: `kpidesk staffing required` starts without them.
_LAZY = {
    **dict.fromkeys(("QueueEstimates", "estimate_queue"), "kpidesk.staffing._estimates"),
    **dict.fromkeys(("ArrivalForecast", "ForecastError", "forecast_arrivals"), "kpidesk.staffing._forecast"),
    **dict.fromkeys(("PLAN_COLUMNS", "StaffingPlan", "build_plan"), "kpidesk.staffing._plan"),
    **dict.fromkeys(("MEASURES", "simulate_interval", "simulate_plan"), "kpidesk.staffing._simulation"),
    **dict.fromkeys(("RosterAgent", "RosterInfeasible"), "kpidesk.staffing._assign"),
    "roster_icalendars": "kpidesk.staffing._ical",
    **dict.fromkeys(("OptimisationStopped", "SolveReport"), "kpidesk.staffing._milp"),
    "week_of": "kpidesk.staffing._cover",
    **dict.fromkeys(("Needs", "QueueModel", "needs_from_plan", "read_needs"), "kpidesk.staffing._needs"),
    **dict.fromkeys(("COVERAGE_COLUMNS", "Roster", "RosterGap", "build_roster"), "kpidesk.staffing._roster"),
    **dict.fromkeys(
        ("read_roster_agents", "read_unavailability", "with_unavailability"),
        "kpidesk.staffing._roster_agents",
    ),
    **dict.fromkeys(("RULE_OPTIONS", "Shift", "ShiftRules", "shift_rules"), "kpidesk.staffing._shifts"),
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
