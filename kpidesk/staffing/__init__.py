"""Staffing: from service-level targets and forecast volumes to agents per interval.

Data flows: `calls` → per-interval arrivals (`kpidesk.call_intervals`) → a forecast beside a seasonal
naive benchmark → handle time and patience estimated from the calls → the fewest agents per interval that
meet the target under Erlang C or Erlang A → a simulation that checks the analytic figures.
"""

from kpidesk.staffing._erlang import (
    QueueFigures,
    erlang_a,
    erlang_b,
    erlang_b_lines,
    erlang_c,
    erlang_c_probability_of_waiting,
    offered_traffic,
)
from kpidesk.staffing._estimates import QueueEstimates, estimate_queue
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

__all__ = [
    "MODELS",
    "QueueEstimates",
    "QueueFigures",
    "Requirement",
    "StaffingTarget",
    "erlang_a",
    "erlang_b",
    "erlang_b_lines",
    "erlang_c",
    "erlang_c_probability_of_waiting",
    "estimate_queue",
    "evaluate_agents",
    "offered_traffic",
    "parse_interval",
    "parse_target",
    "required_agents",
    "required_agents_erlang_c",
    "scheduled_agents",
]
