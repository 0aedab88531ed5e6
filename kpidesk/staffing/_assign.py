"""Step two of a roster: which named agent works which shift, under the labour rules, fairly.

Variables x[a, s] = 1 when agent a works shift s (none on a day the agent is unavailable). For every
shift chosen in step one, its agents are filled or left unfilled; for every agent: at most one shift a
local day, at least the minimum rest from a shift's end to the next one's start, at most 7 − days_off
working days, between the minimum and maximum paid hours and at most N evenings in each week of the
calendar. Solved lexicographically and exactly:

1. the fewest hours short of agents' weekly minimums (any shortfall means the rules cannot all hold,
   and is reported rule by rule), then the fewest shift hours left unfilled;
2. with both kept, the fairest roster: the fewest evenings for the agent who has most, then the fewest
   hours (scaled to the agent's weekly maximum) for the agent who works most.

The weekly minimum applies to weeks wholly inside the roster; each day an agent is unavailable in such a
week lowers it by a working day's share, min ÷ (7 − days_off), as leave counts towards a contract.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from scipy.sparse import csr_array, vstack

from kpidesk import InvalidRequest
from kpidesk.staffing._cover import ShiftCover, week_of
from kpidesk.staffing._milp import SolveReport, solve_milp
from kpidesk.staffing._shifts import Shift, ShiftRules, duration_text

__all__ = ["AgentShift", "Assignment", "RosterAgent", "RosterInfeasible", "assign_agents"]


@dataclass(frozen=True)
class RosterAgent:
    """A named agent and their contract; None falls back to the roster's rules."""

    agent_id: str
    name: str | None = None
    team: str | None = None
    min_weekly_hours: float | None = None
    max_weekly_hours: float | None = None
    max_evenings: int | None = None
    unavailable: frozenset[date] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.agent_id})" if self.name and self.name != self.agent_id else self.agent_id


class RosterInfeasible(InvalidRequest):
    """The rules cannot all hold: `reasons` says which rule, for whom and in which week or on which day."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("the roster's rules cannot all hold:\n" + "\n".join(f"- {r}" for r in self.reasons))


@dataclass(frozen=True)
class AgentShift:
    agent: RosterAgent
    shift: Shift
    evening: bool


@dataclass(frozen=True)
class Assignment:
    """Who works what, the shifts nobody could take, and how the optimisation ended."""

    shifts: tuple[AgentShift, ...]
    unfilled: tuple[tuple[Shift, int], ...]
    agents: tuple[RosterAgent, ...]
    report: SolveReport


class _Rows:
    """Constraint rows gathered one at a time, then one sparse matrix."""

    def __init__(self) -> None:
        self.data: list[float] = []
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.lower_list: list[float] = []
        self.upper_list: list[float] = []

    def add(self, entries: list[tuple[int, float]], low: float, high: float) -> None:
        r = len(self.lower_list)
        for col, value in entries:
            self.rows.append(r)
            self.cols.append(col)
            self.data.append(value)
        self.lower_list.append(low)
        self.upper_list.append(high)

    @property
    def lower(self) -> np.ndarray:
        return np.array(self.lower_list, dtype=float)

    @property
    def upper(self) -> np.ndarray:
        return np.array(self.upper_list, dtype=float)

    def matrix(self, columns: int) -> csr_array:
        return csr_array((self.data, (self.rows, self.cols)), shape=(len(self.lower_list), columns))


def _weekly_max(agent: RosterAgent, rules: ShiftRules) -> float | None:
    return agent.max_weekly_hours if agent.max_weekly_hours is not None else rules.max_weekly_hours


def _weekly_min(agent: RosterAgent, rules: ShiftRules) -> float:
    return agent.min_weekly_hours if agent.min_weekly_hours is not None else rules.min_weekly_hours


def _weekly_need(agent: RosterAgent, rules: ShiftRules, week_days: Sequence[date]) -> float:
    """The hours an agent must work in a whole week: the minimum less a working day's share per day of
    leave."""
    low = _weekly_min(agent, rules)
    away = sum(1 for d in week_days if d in agent.unavailable)
    return max(low - away * low / (7 - rules.days_off), 0.0)


def _weeks(days: Sequence[date], week_start: int) -> dict[date, list[date]]:
    weeks: dict[date, list[date]] = defaultdict(list)
    for day in days:
        weeks[week_of(day, week_start)].append(day)
    return weeks


def _check_contracts(agents: Sequence[RosterAgent], rules: ShiftRules) -> list[str]:
    """Rules that contradict each other before any shift is placed."""
    reasons = []
    longest = max(rules.paid_seconds(x) for x in rules.lengths) / 3600
    days = 7 - rules.days_off
    for agent in agents:
        low, high = _weekly_min(agent, rules), _weekly_max(agent, rules)
        if high is not None and high < low:
            reasons.append(
                f"weekly hours: agent {agent.label} has a maximum of {high:g} h a week below the minimum of "
                f"{low:g} h"
            )
        elif low > days * longest:
            reasons.append(
                f"weekly hours: agent {agent.label} needs at least {low:g} h a week, but with "
                f"{rules.days_off} days off a week and paid shifts of at most {longest:g} h an agent "
                f"works at most {days * longest:g} h"
            )
    return reasons


def assign_agents(
    cover: ShiftCover,
    agents: Sequence[RosterAgent],
    rules: ShiftRules,
    zone: ZoneInfo,
    days: Sequence[date],
    *,
    time_limit: float = 60.0,
) -> Assignment:
    """Named agents on the shifts of `cover` (see the module's model); `days` are the roster's days."""
    if not agents:
        raise InvalidRequest("no agents to roster; name them in an agents file or pick a team that has some")
    reasons = _check_contracts(agents, rules)
    if reasons:
        raise RosterInfeasible(reasons)
    worked = cover.worked()
    shifts = [s for s, _ in worked]
    counts = np.array([n for _, n in worked], dtype=float)
    evening = [s.is_evening(zone, rules.evening_from) for s in shifts]
    paid_h = np.array([s.paid for s in shifts], dtype=float) / 3600
    weeks = _weeks(sorted(set(days)), rules.week_start)
    full_weeks = {w for w, ds in weeks.items() if len(ds) == 7}
    # Variables: x[a, s] for available pairs, unfilled[s], short[a, w] for full weeks, E, H.
    pairs = [
        (a, s)
        for a, agent in enumerate(agents)
        for s, shift in enumerate(shifts)
        if shift.day not in agent.unavailable
    ]
    x_index = {pair: i for i, pair in enumerate(pairs)}
    n_x = len(pairs)
    unfilled0 = n_x
    short_keys = [(a, w) for a in range(len(agents)) for w in sorted(full_weeks)]
    short_of = {key: k for k, key in enumerate(short_keys)}
    short0 = unfilled0 + len(shifts)
    e_var = short0 + len(short_keys)
    dev0 = e_var + 1
    n_var = dev0 + len(agents)
    rows = _Rows()
    row = rows.add

    by_agent_shift: dict[int, list[int]] = defaultdict(list)
    for a, s in x_index:
        by_agent_shift[a].append(s)
    # Each chosen shift is filled or left unfilled.
    takers: dict[int, list[int]] = defaultdict(list)
    for (_, s), i in x_index.items():
        takers[s].append(i)
    for s in range(len(shifts)):
        row([(i, 1.0) for i in takers[s]] + [(unfilled0 + s, 1.0)], counts[s], counts[s])
    by_day: dict[date, list[int]] = defaultdict(list)
    for s, shift in enumerate(shifts):
        by_day[shift.day].append(s)
    day_list = sorted(by_day)
    for a, agent in enumerate(agents):
        mine = set(by_agent_shift[a])
        # At most one shift a day.
        for day in day_list:
            cols = [x_index[(a, s)] for s in by_day[day] if s in mine]
            if len(cols) > 1:
                row([(c, 1.0) for c in cols], -np.inf, 1.0)
        # Rest and overlap: a shift and the later ones that start too soon after it, one day at a time.
        for s in mine:
            shift = shifts[s]
            too_soon: dict[date, list[int]] = defaultdict(list)
            for t in mine:
                other = shifts[t]
                if other.day > shift.day and other.start < shift.end + rules.min_rest:
                    too_soon[other.day].append(t)
            for later in too_soon.values():
                row([(x_index[(a, s)], 1.0)] + [(x_index[(a, t)], 1.0) for t in later], -np.inf, 1.0)
        high, low = _weekly_max(agent, rules), _weekly_min(agent, rules)
        most_evenings = agent.max_evenings if agent.max_evenings is not None else rules.max_evenings
        for week, week_days in weeks.items():
            inside = [s for s in mine if week_of(shifts[s].day, rules.week_start) == week]
            cols = [x_index[(a, s)] for s in inside]
            if rules.days_off and len(week_days) > 7 - rules.days_off:
                row([(c, 1.0) for c in cols], -np.inf, 7 - rules.days_off)
            if high is not None:
                row([(x_index[(a, s)], paid_h[s]) for s in inside], -np.inf, high)
            if most_evenings is not None:
                row([(x_index[(a, s)], 1.0) for s in inside if evening[s]], -np.inf, most_evenings)
            if week in full_weeks and low:
                need = _weekly_need(agent, rules, week_days)
                k = short0 + short_of[(a, week)]
                row([(x_index[(a, s)], paid_h[s]) for s in inside] + [(k, 1.0)], need, np.inf)
        # E ≥ evenings over the roster.
        row([(x_index[(a, s)], 1.0) for s in mine if evening[s]] + [(e_var, -1.0)], -np.inf, 0.0)
    matrix = rows.matrix(n_var)
    lo, up = rows.lower, rows.upper
    integral = np.zeros(n_var, dtype=bool)
    integral[:short0] = True
    var_upper = np.full(n_var, np.inf)
    var_upper[:n_x] = 1.0
    var_upper[unfilled0:short0] = counts
    first_cost = np.zeros(n_var)
    first_cost[unfilled0:short0] = paid_h
    first_cost[short0:e_var] = 1000.0 * (1 + paid_h.sum())
    first, first_report = solve_milp(
        first_cost, matrix, lo, up, integral=integral, var_upper=var_upper, time_limit=time_limit
    )
    shortfalls = [
        (short_keys[k], first[short0 + k]) for k in range(len(short_keys)) if first[short0 + k] > 1e-6
    ]
    if shortfalls:
        raise RosterInfeasible(_shortfall_words(shortfalls, agents, rules, weeks))
    keep = csr_array(first_cost.reshape(1, -1))
    matrix2 = csr_array(vstack([matrix, keep]))
    lo2 = np.append(lo, -np.inf)
    up2 = np.append(up, float(first_cost @ first) + 1e-6)
    # dev_a ≥ |hours_a − fair share_a|, the share in proportion to the agent's weekly maximum and days
    # available; the hours to share are those the first stage filled.
    filled = float(paid_h @ (counts - first[unfilled0:short0]))
    roster_days = max(len(set(days)), 1)
    weight = np.array(
        [
            (_weekly_max(agent, rules) or 40.0)
            * sum(1 for d in set(days) if d not in agent.unavailable)
            / roster_days
            for agent in agents
        ]
    )
    share = filled * weight / weight.sum() if weight.sum() else np.zeros(len(agents))
    extra = _Rows()
    for a in range(len(agents)):
        hours = [(x_index[(a, s)], paid_h[s]) for s in by_agent_shift[a]]
        extra.add([*hours, (dev0 + a, -1.0)], -np.inf, share[a])
        extra.add([*hours, (dev0 + a, 1.0)], share[a], np.inf)
    matrix2 = csr_array(vstack([matrix2, extra.matrix(n_var)]))
    lo2 = np.concatenate([lo2, extra.lower])
    up2 = np.concatenate([up2, extra.upper])
    fair_cost = np.zeros(n_var)
    fair_cost[e_var] = 1.0
    fair_cost[dev0:] = 1.0 / 8
    second, second_report = solve_milp(
        fair_cost, matrix2, lo2, up2, integral=integral, var_upper=var_upper, time_limit=time_limit
    )
    chosen = [
        AgentShift(agents[a], shifts[s], evening[s]) for (a, s), i in x_index.items() if second[i] > 0.5
    ]
    chosen.sort(key=lambda p: (p.shift.start, p.agent.agent_id))
    unfilled = tuple(
        (shifts[s], round(second[unfilled0 + s])) for s in range(len(shifts)) if second[unfilled0 + s] > 0.5
    )
    return Assignment(tuple(chosen), unfilled, tuple(agents), SolveReport.merged(first_report, second_report))


def _shortfall_words(
    shortfalls: list[tuple[tuple[int, date], float]],
    agents: Sequence[RosterAgent],
    rules: ShiftRules,
    weeks: dict[date, list[date]],
) -> list[str]:
    """One sentence per agent and week whose minimum hours cannot be met, with the rules in the way."""
    out = []
    for (a, week), short in shortfalls:
        agent = agents[a]
        low = _weekly_min(agent, rules)
        need = _weekly_need(agent, rules, weeks[week])
        last = week + timedelta(days=6)
        away = sorted(d for d in weeks[week] if d in agent.unavailable)
        asked = f"{low:g} h" if need == low else f"{need:g} h ({low:g} h less {low - need:g} h of leave)"
        limits = [f"{rules.days_off} days off a week"] if rules.days_off else []
        if rules.min_rest:
            limits.append(f"{duration_text(rules.min_rest)} of rest between shifts")
        if away:
            limits.append("unavailable on " + ", ".join(f"{d:%a} {d.isoformat()}" for d in away))
        limits.append("only the shifts the cover needs")
        out.append(
            f"minimum weekly hours: agent {agent.label} cannot work {asked} in the week "
            f"{week.isoformat()} – {last.isoformat()}; {short:g} h are missing under " + ", ".join(limits)
        )
    return out
