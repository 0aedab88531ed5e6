"""Step one of a roster: how many agents start each allowed shift so that every interval is covered.

The model is the classic shift-scheduling set cover (Dantzig, 1954), solved exactly:

    minimise   Σ_k paid_hours(k) · n_k
    subject to Σ_k covers(k, i) · n_k + under_i ≥ required_i     for every interval i
               n_k ∈ {0, 1, 2, …},  under_i ≥ 0

An interval no allowed shift can cover keeps its requirement as under-cover and says so. With a cap on
agents (`max_agents`), each agent works at most one shift a day, at most 7 − days_off a week and at most
the weekly hours, so the days and weeks get those caps, and the cover is lexicographic: first the fewest
agent-hours left uncovered, then, among those covers, the fewest paid agent-hours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy.sparse import csr_array, eye_array, hstack, vstack

from kpidesk.staffing._milp import SolveReport, solve_milp
from kpidesk.staffing._needs import Needs
from kpidesk.staffing._shifts import Shift, ShiftRules

__all__ = ["ShiftCover", "cover_matrix", "cover_needs", "week_of"]


def week_of(day: date, week_start: int) -> date:
    """The first day of `day`'s week, weeks beginning on `week_start` (date.weekday() numbering)."""
    return day - timedelta(days=(day.weekday() - week_start) % 7)


def cover_matrix(needs: Needs, shifts: Sequence[Shift]) -> csr_array:
    """Rows are intervals, columns shifts: 1 where the shift works the whole interval."""
    starts = needs.intervals.start.to_numpy(dtype=np.int64)
    length = needs.minutes * 60
    rows, cols = [], []
    for k, shift in enumerate(shifts):
        first = int(np.searchsorted(starts, shift.start, side="left"))
        last = int(np.searchsorted(starts, shift.end - length, side="right"))
        for i in range(first, last):
            if shift.works(int(starts[i]), int(starts[i]) + length):
                rows.append(i)
                cols.append(k)
    return csr_array(
        (np.ones(len(rows)), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
        shape=(len(starts), len(shifts)),
    )


@dataclass(frozen=True)
class ShiftCover:
    """Agents per shift and what they cover. `agents[k]` agents work `shifts[k]`."""

    shifts: tuple[Shift, ...]
    agents: tuple[int, ...]
    coverage: pd.DataFrame
    report: SolveReport

    @property
    def agent_hours(self) -> float:
        return sum(s.paid * n for s, n in zip(self.shifts, self.agents, strict=True)) / 3600

    def worked(self) -> list[tuple[Shift, int]]:
        """The shifts someone works, in time order."""
        return sorted(
            ((s, n) for s, n in zip(self.shifts, self.agents, strict=True) if n), key=lambda p: p[0].key
        )


def coverage_frame(needs: Needs, matrix: csr_array, agents: np.ndarray) -> pd.DataFrame:
    """Required and scheduled agents per interval, with the under- and over-cover."""
    scheduled = np.asarray(matrix @ agents, dtype=float).round().astype(int)
    required = needs.intervals.required.to_numpy(dtype=int)
    return pd.DataFrame(
        {
            "interval_start": needs.intervals.interval_start.to_numpy(),
            "required": required,
            "scheduled": scheduled,
            "under": np.maximum(required - scheduled, 0),
            "over": np.maximum(scheduled - required, 0),
            "coverable": np.asarray(matrix.sum(axis=1)).ravel() > 0,
        }
    )


def cover_needs(
    needs: Needs,
    rules: ShiftRules,
    shifts: Sequence[Shift],
    *,
    max_agents: int | None = None,
    time_limit: float = 60.0,
) -> ShiftCover:
    """The cheapest cover of `needs` by `shifts` (see the module's model)."""
    matrix = cover_matrix(needs, shifts)
    n_int, n_shift = matrix.shape
    required = needs.intervals.required.to_numpy(dtype=float)
    hours = np.array([s.paid for s in shifts], dtype=float) / 3600
    interval_h = needs.minutes / 60
    coverable = np.asarray(matrix.sum(axis=1)).ravel() > 0
    # Variables: n_k for every shift, then under_i for every interval.
    under_upper = np.where(coverable, required if max_agents is not None else 0.0, required)
    var_upper = np.concatenate([np.full(n_shift, np.inf), under_upper])
    integral = np.concatenate([np.ones(n_shift, dtype=bool), np.zeros(n_int, dtype=bool)])
    blocks = [csr_array(hstack([matrix, eye_array(n_int)]))]
    lower = [required]
    upper = [np.full(n_int, np.inf)]
    if max_agents is not None:
        by_day: dict[date, list[int]] = defaultdict(list)
        by_week: dict[date, list[int]] = defaultdict(list)
        for k, shift in enumerate(shifts):
            by_day[shift.day].append(k)
            by_week[week_of(shift.day, rules.week_start)].append(k)
        caps: list[tuple[list[int], np.ndarray, float]] = []
        for ks in by_day.values():
            caps.append((ks, np.ones(len(ks)), float(max_agents)))
        for ks in by_week.values():
            caps.append((ks, np.ones(len(ks)), float(max_agents * (7 - rules.days_off))))
            if rules.max_weekly_hours is not None:
                caps.append((ks, hours[ks], max_agents * rules.max_weekly_hours))
        data: list[float] = []
        r_idx: list[int] = []
        c_idx: list[int] = []
        for row, (ks, weights, _) in enumerate(caps):
            data.extend(weights)
            r_idx.extend([row] * len(ks))
            c_idx.extend(ks)
        blocks.append(csr_array((data, (r_idx, c_idx)), shape=(len(caps), n_shift + n_int)))
        lower.append(np.full(len(caps), -np.inf))
        upper.append(np.array([cap for _, _, cap in caps]))
    rows = csr_array(vstack(blocks))
    low, up = np.concatenate(lower), np.concatenate(upper)
    under_cost = np.concatenate([np.zeros(n_shift), np.full(n_int, interval_h)])
    hours_cost = np.concatenate([hours, np.zeros(n_int)])
    if max_agents is None:
        x, report = solve_milp(
            hours_cost, rows, low, up, integral=integral, var_upper=var_upper, time_limit=time_limit
        )
    else:
        first, first_report = solve_milp(
            under_cost, rows, low, up, integral=integral, var_upper=var_upper, time_limit=time_limit
        )
        # Keep the under-cover found (rounded up to the interval grid) and buy it with the fewest hours.
        least = float(under_cost @ first)
        rows = csr_array(vstack([rows, csr_array(under_cost.reshape(1, -1))]))
        low = np.append(low, -np.inf)
        up = np.append(up, least + 1e-6)
        x, second_report = solve_milp(
            hours_cost, rows, low, up, integral=integral, var_upper=var_upper, time_limit=time_limit
        )
        report = SolveReport.merged(first_report, second_report)
    agents = x[:n_shift].round().astype(int)
    return ShiftCover(
        tuple(shifts), tuple(int(a) for a in agents), coverage_frame(needs, matrix, agents), report
    )
