"""A roster: the shifts that cover what a plan needs, the named agents who work them, and what it delivers.

`build_roster` runs the two optimisations (`cover_needs`, then `assign_agents` when agents are named)
and evaluates the result interval by interval: required and scheduled agents, the under- and over-cover,
and, when the load is known, the service level the scheduled agents give under the plan's queueing model
beside the target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from kpidesk.staffing._assign import Assignment, RosterAgent, assign_agents
from kpidesk.staffing._cover import ShiftCover, cover_matrix, cover_needs, coverage_frame
from kpidesk.staffing._milp import SolveReport
from kpidesk.staffing._needs import Needs
from kpidesk.staffing._requirement import evaluate_agents
from kpidesk.staffing._shifts import Shift, ShiftRules, candidate_shifts

__all__ = ["COVERAGE_COLUMNS", "Roster", "RosterGap", "build_roster"]

#: One row per interval of the roster's coverage.
COVERAGE_COLUMNS = (
    "interval_start",
    "required",
    "scheduled",
    "under",
    "over",
    "service_level",
    "target_service_level",
)


def _local_times(shift: Shift, zone: ZoneInfo) -> dict[str, datetime | None]:
    """A shift's start, end and break as local datetimes (the break's None when it has none)."""

    def local(epoch: int | None) -> datetime | None:
        return None if epoch is None else datetime.fromtimestamp(epoch, zone)

    return {
        "start": local(shift.start),
        "end": local(shift.end),
        "break_start": local(shift.break_start),
        "break_end": local(shift.break_end),
    }


@dataclass(frozen=True)
class RosterGap:
    """A run of intervals left short of agents, and why."""

    start: pd.Timestamp
    end: pd.Timestamp
    short: int
    reason: str

    def words(self) -> str:
        agents = "agent" if self.short == 1 else "agents"
        return f"{self.start:%a %Y-%m-%d %H:%M}–{self.end:%H:%M}: {self.short} {agents} short ({self.reason})"


@dataclass(frozen=True)
class Roster:
    """The outcome of `build_roster`."""

    needs: Needs
    rules: ShiftRules
    cover: ShiftCover
    assignment: Assignment | None
    coverage: pd.DataFrame
    #: Why the service level is not given per interval, or None when it is.
    service_level_note: str | None
    #: The calendar's open hours the shifts lie in (UTC [from, to) per local day); None: any hour.
    open_hours: dict[date, list[tuple[int, int]]] | None = None

    @property
    def report(self) -> SolveReport:
        if self.assignment is None:
            return self.cover.report
        return SolveReport.merged(self.cover.report, self.assignment.report)

    @property
    def optimal(self) -> bool:
        return self.report.optimal

    @property
    def agent_hours(self) -> float:
        """Paid agent-hours of the shifts worked (assigned ones when agents are named)."""
        if self.assignment is None:
            return self.cover.agent_hours
        return sum(p.shift.paid for p in self.assignment.shifts) / 3600

    def shift_rows(self) -> list[dict[str, Any]]:
        """Each shift worked: local start and end, the break, and how many agents work it."""
        zone = self.needs.zone
        if self.assignment is None:
            counted = self.cover.worked()
        else:
            tally: dict[Shift, int] = {}
            for placed in self.assignment.shifts:
                tally[placed.shift] = tally.get(placed.shift, 0) + 1
            counted = sorted(tally.items(), key=lambda p: p[0].key)
        return [
            {**_local_times(shift, zone), "paid_hours": shift.paid / 3600, "agents": count}
            for shift, count in counted
        ]

    def agent_rows(self) -> list[dict[str, Any]]:
        """Each named agent's shifts, hours and evenings (empty without named agents)."""
        if self.assignment is None:
            return []
        zone = self.needs.zone
        out = []
        for agent in self.assignment.agents:
            mine = [p for p in self.assignment.shifts if p.agent == agent]
            out.append(
                {
                    "agent_id": agent.agent_id,
                    "name": agent.name,
                    "team": agent.team,
                    "hours": sum(p.shift.paid for p in mine) / 3600,
                    "shifts": len(mine),
                    "evenings": sum(p.evening for p in mine),
                    "shift_list": [
                        {
                            **_local_times(p.shift, zone),
                            "paid_hours": p.shift.paid / 3600,
                            "evening": p.evening,
                        }
                        for p in mine
                    ],
                }
            )
        return out

    def gaps(self) -> list[RosterGap]:
        """Runs of under-covered intervals, each with its reason."""
        frame = self.coverage
        step = pd.Timedelta(minutes=self.needs.minutes)
        out: list[RosterGap] = []
        unfilled = self.assignment is not None and bool(self.assignment.unfilled)
        moments: list[pd.Timestamp] = list(frame.interval_start)
        for moment, under, coverable in zip(
            moments, frame.under.tolist(), frame.coverable.tolist(), strict=True
        ):
            if not under:
                continue
            if not coverable:
                reason = self._unreachable(moment)
            elif unfilled:
                reason = "shifts nobody could take under the rules"
            else:
                reason = "the agent cap"
            previous = out[-1] if out else None
            if (
                previous is not None
                and previous.end == moment
                and previous.short == under
                and previous.reason == reason
            ):
                out[-1] = RosterGap(previous.start, moment + step, int(under), reason)
            else:
                out.append(RosterGap(moment, moment + step, int(under), reason))
        return out

    def _unreachable(self, moment: pd.Timestamp) -> str:
        """Which rule keeps every shift away from an interval: the calendar's day or hours, else the
        shifts' lengths, start times and breaks."""
        if self.open_hours is not None:
            windows = self.open_hours.get(moment.date(), [])
            begin = int(moment.timestamp())
            if not windows:
                return "the calendar is closed that day"
            if not any(a <= begin and begin + self.needs.minutes * 60 <= b for a, b in windows):
                return "outside the calendar's open hours"
            return "no allowed shift fits the open hours that day"
        return "no allowed shift covers it"

    def totals(self) -> dict[str, Any]:
        frame = self.coverage
        hours = self.needs.minutes / 60
        return {
            "required_agent_hours": float(frame.required.sum()) * hours,
            "scheduled_agent_hours": float(frame.scheduled.sum()) * hours,
            "under_agent_hours": float(frame.under.sum()) * hours,
            "over_agent_hours": float(frame.over.sum()) * hours,
            "agent_hours": self.agent_hours,
            "shifts": sum(r["agents"] for r in self.shift_rows()),
            "intervals_short": int((frame.under > 0).sum()),
        }


def _days(needs: Needs) -> list[date]:
    return sorted({moment.date() for moment in needs.intervals.interval_start})


def _service_levels(needs: Needs, scheduled: np.ndarray) -> tuple[np.ndarray, np.ndarray, str | None]:
    """The service level the scheduled agents deliver per interval, and the target beside it."""
    n = len(scheduled)
    queue = needs.queue
    if queue is None or not needs.has_load:
        why = (
            "the requirements give agents only, not calls and handle time"
            if queue is None or not needs.has_load
            else None
        )
        return np.full(n, math.nan), np.full(n, math.nan), why
    target = queue.target
    levels = np.full(n, math.nan)
    frame = needs.intervals
    interval_s = needs.minutes * 60.0
    for i, (calls, aht, patience) in enumerate(zip(frame.calls, frame.aht_s, frame.patience_s, strict=True)):
        if not calls or math.isnan(calls) or math.isnan(aht):
            continue
        on_phones = math.floor(scheduled[i] * (1 - queue.shrinkage) + 1e-9)
        figures = evaluate_agents(
            float(calls),
            interval_s,
            float(aht),
            on_phones,
            target.threshold_s,
            model=queue.model,
            patience_s=None if queue.model == "erlang-c" or math.isnan(patience) else float(patience),
        )
        levels[i] = figures.service_level if figures.stable else 0.0
    goal = math.nan if target.service_level is None else target.service_level
    return levels, np.full(n, goal), None


def build_roster(
    needs: Needs,
    rules: ShiftRules,
    *,
    agents: Sequence[RosterAgent] | None = None,
    max_agents: int | None = None,
    open_hours: dict[date, list[tuple[int, int]]] | None = None,
    time_limit: float = 60.0,
) -> Roster:
    """Cover `needs` with the shifts `rules` allow (inside `open_hours` when given: UTC [from, to) per
    local day), then, with `agents`, name who works each shift. See the module's docstring."""
    days = _days(needs)
    grid = needs.minutes * 60
    shifts = list(candidate_shifts(rules, days, needs.zone, grid, open_hours))
    cover = cover_needs(needs, rules, shifts, max_agents=max_agents, time_limit=time_limit)
    assignment = None
    coverage = cover.coverage
    if agents is not None:
        assignment = assign_agents(cover, agents, rules, needs.zone, days, time_limit=time_limit)
        placed = [p.shift for p in assignment.shifts]
        counts: dict[Shift, int] = {}
        for shift in placed:
            counts[shift] = counts.get(shift, 0) + 1
        unique = list(counts)
        matrix = cover_matrix(needs, unique) if unique else None
        if matrix is None:
            scheduled_by_shift = np.zeros(0)
            coverage = coverage_frame(needs, cover_matrix(needs, shifts[:0]), scheduled_by_shift)
        else:
            coverage = coverage_frame(needs, matrix, np.array([counts[s] for s in unique]))
        coverage["coverable"] = cover.coverage.coverable.to_numpy()
    levels, goals, note = _service_levels(needs, coverage.scheduled.to_numpy())
    coverage = coverage.assign(service_level=levels, target_service_level=goals)
    return Roster(needs, rules, cover, assignment, coverage, note, open_hours)
