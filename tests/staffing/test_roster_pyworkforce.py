"""The roster's cover against pyworkforce's shift scheduler on the same requirements and shifts.

pyworkforce's `MinRequiredResources` states the same problem as kpidesk's step one: per day, how many
resources start each shift so that every period has at least its requirement, at the least weighted
number of shifts; it solves it with OR-Tools' CP-SAT. Both are given the same requirements and the same
shifts (each start, length and place of the break is one shift pattern of pyworkforce's, its coverage
written here from the rules, not taken from kpidesk) and the same cost: a shift's paid time, in minutes
for pyworkforce because CP-SAT needs whole costs. Both solvers are exact, so kpidesk's paid agent-hours
are never more than pyworkforce's, and are equal when CP-SAT proves its answer optimal.

pyworkforce's coverage is per day, so every shift here starts and ends on its day, and the days lie
before the time zone's change to summer time (48 half-hour periods each).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from kpidesk.staffing import Needs, Shift, ShiftRules, build_roster

scheduling = pytest.importorskip(
    "pyworkforce.scheduling",
    reason="pyworkforce is a dev extra for this comparison: pip install -e '.[dev]'",
)

ZONE = ZoneInfo("Europe/Paris")
FIRST_DAY = date(2026, 3, 2)  # a Monday; summer time begins on 29 March
HOUR = 3600
SEARCH_S = 30.0


@dataclass(frozen=True)
class Case:
    name: str
    required: np.ndarray  # days × periods of the day
    rules: ShiftRules

    @property
    def minutes(self) -> int:
        return 1440 // self.required.shape[1]


def _needs(case: Case) -> Needs:
    days, periods = case.required.shape
    rows = []
    for d in range(days):
        midnight = datetime.combine(FIRST_DAY + timedelta(days=d), time(), ZONE)
        for p in range(periods):
            moment = pd.Timestamp(midnight + timedelta(minutes=case.minutes * p))
            rows.append((moment, int(moment.timestamp()), int(case.required[d, p])))
    frame = pd.DataFrame(rows, columns=["interval_start", "start", "required"])
    frame = frame.assign(calls=np.nan, aht_s=np.nan, patience_s=np.nan)
    return Needs(frame, case.minutes, ZONE, None, case.name)


def _patterns(case: Case) -> dict[tuple[int, int, int | None], list[int]]:
    """Each shift the rules allow on a day, keyed (start, length, break offset) in seconds, with the
    periods of the day it works: the whole period inside the shift and outside its break."""
    rules, period = case.rules, case.minutes * 60
    starts = sorted({s for a, b in rules.starts for s in range(a, b + 1, rules.step)})
    out = {}
    for start in starts:
        for length in rules.lengths:
            assert start + length <= 24 * HOUR, "pyworkforce's shifts lie within a day"
            if rules.break_length:
                low, high = rules.break_window or (0, length)
                first = -(-low // period) * period
                offsets: list[int | None] = list(range(first, high - rules.break_length + 1, period))
            else:
                offsets = [None]
            for offset in offsets:
                works = []
                for p in range(case.required.shape[1]):
                    begin, end = p * period, (p + 1) * period
                    inside = start <= begin and end <= start + length
                    on_break = offset is not None and not (
                        end <= start + offset or begin >= start + offset + rules.break_length
                    )
                    works.append(int(inside and not on_break))
                out[(start, length, offset)] = works
    return out


def _paid_minutes(rules: ShiftRules, length: int) -> int:
    return (length - (0 if rules.break_paid else rules.break_length)) // 60


def _pyworkforce(case: Case) -> tuple[str, float, np.ndarray]:
    """pyworkforce's status, its paid agent-hours and its agents per day and pattern."""
    patterns = _patterns(case)
    names = {key: f"{key[0] // 60:04d}+{key[1] // 60}b{key[2]}" for key in patterns}
    scheduler = scheduling.MinRequiredResources(
        num_days=case.required.shape[0],
        periods=case.required.shape[1],
        shifts_coverage={names[k]: works for k, works in patterns.items()},
        required_resources=case.required.tolist(),
        max_period_concurrency=10_000,
        # An optimal cover never puts more agents on a shift than the most any of its periods needs.
        max_shift_concurrency=max(int(case.required.max()), 1),
        cost_dict={names[k]: _paid_minutes(case.rules, k[1]) for k in patterns},
        max_search_time=SEARCH_S,
    )
    solution = scheduler.solve()
    column = {names[k]: j for j, k in enumerate(patterns)}
    agents = np.zeros((case.required.shape[0], len(patterns)), dtype=int)
    for row in solution["resources_shifts"]:
        agents[row["day"], column[row["shift"]]] = row["resources"]
    paid_h = np.array([_paid_minutes(case.rules, k[1]) for k in patterns]) / 60
    assert solution["cost"] == pytest.approx(float((agents * paid_h * 60).sum()))
    return solution["status"], float((agents * paid_h).sum()), agents


def _covered(case: Case, agents: np.ndarray) -> np.ndarray:
    """Agents working each period, days × periods, from agents per day and pattern."""
    works = np.array(list(_patterns(case).values()))
    return agents @ works


def _kpidesk_as_patterns(
    case: Case, cover_shifts: Sequence[Shift], cover_agents: Sequence[int]
) -> np.ndarray:
    """kpidesk's cover as agents per day and pattern of pyworkforce's."""
    column = {key: j for j, key in enumerate(_patterns(case))}
    agents = np.zeros((case.required.shape[0], len(column)), dtype=int)
    for shift, count in zip(cover_shifts, cover_agents, strict=True):
        offset = None if shift.break_start is None else shift.break_start - shift.start
        agents[(shift.day - FIRST_DAY).days, column[(shift.start_clock, shift.length, offset)]] += count
    return agents


def _hand_made_day() -> Case:
    # 07:00–21:00 by the half hour: a morning rise to 12, a lunch dip, an afternoon peak of 14, a tail.
    morning = [2, 3, 5, 7, 9, 11, 12, 12, 11, 9, 8, 8]
    afternoon = [10, 12, 14, 14, 13, 11, 10, 8, 7, 6, 5, 4, 3, 3, 2, 1]
    day = [0] * 14 + morning + afternoon + [0] * 6
    rules = ShiftRules(lengths=(4 * HOUR, 8 * HOUR), starts=((7 * HOUR, 13 * HOUR),), step=1800)
    return Case("hand-made day", np.array([day]), rules)


def _week_with_a_peak() -> Case:
    # 06:00–22:00, two humps a day, Monday the busiest (peak 26 agents), the weekend quieter.
    hours = (np.arange(48) + 0.5) / 2
    shape = np.exp(-(((hours - 10.5) / 2.2) ** 2)) + 0.8 * np.exp(-(((hours - 15.5) / 2.5) ** 2)) + 0.15
    shape = np.where((hours >= 6) & (hours < 22), shape, 0.0)
    shape /= shape.max()
    by_day = [1.0, 0.85, 0.8, 0.8, 0.75, 0.45, 0.35]
    required = np.ceil(np.outer(by_day, 26 * shape)).astype(int)
    rules = ShiftRules(
        lengths=(8 * HOUR,),
        starts=((6 * HOUR, 14 * HOUR),),
        step=1800,
        break_length=1800,
        break_window=(3 * HOUR, 5 * HOUR),
    )
    return Case("week with a Monday peak", required, rules)


def _random_case(seed: int) -> Case:
    """One to seven days of half-hour or hour periods, a noisy requirement between the first start and
    the last end, and shifts of two or three lengths, with a paid or unpaid break or none."""
    rng = np.random.default_rng(seed)
    periods = int(rng.choice([24, 48]))
    period_s = 86400 // periods
    lengths = tuple(sorted(int(x) * HOUR for x in rng.choice([4, 5, 6, 8, 9], size=3, replace=False)))
    first_start = int(rng.integers(5, 9)) * HOUR
    last_start = min(first_start + int(rng.integers(4, 9)) * HOUR, 24 * HOUR - lengths[-1])
    with_break = lengths[0] >= 5 * HOUR and rng.random() < 0.7
    rules = ShiftRules(
        lengths=lengths,
        starts=((first_start, last_start),),
        step=period_s if rng.random() < 0.5 else 3600,
        break_length=period_s if with_break else 0,
        break_paid=bool(rng.random() < 0.5),
        break_window=(2 * HOUR, 4 * HOUR) if with_break else None,
    )
    days = int(rng.integers(1, 8))
    open_from = -(-first_start // period_s)
    open_to = (last_start + lengths[0]) // period_s
    required = np.zeros((days, periods), dtype=int)
    for d in range(days):
        level = int(rng.integers(2, 12))
        for p in range(open_from, open_to):
            level = int(np.clip(level + rng.integers(-2, 3), 0, 18))
            required[d, p] = level
    return Case(f"random {seed}", required, rules)


CASES = [_hand_made_day(), _week_with_a_peak(), *(_random_case(seed) for seed in range(1, 11))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_kpidesk_never_needs_more_agent_hours_than_pyworkforce(case: Case) -> None:
    roster = build_roster(_needs(case), case.rules, time_limit=SEARCH_S)
    assert roster.optimal, roster.report
    coverage = roster.coverage
    assert (coverage.scheduled >= coverage.required).all()
    assert coverage.under.sum() == 0

    status, their_hours, their_agents = _pyworkforce(case)
    assert status in ("OPTIMAL", "FEASIBLE"), status
    # Both encodings describe the same shifts: each answer covers the requirement in the other's terms.
    assert (_covered(case, their_agents) >= case.required).all()
    ours = _kpidesk_as_patterns(case, roster.cover.shifts, roster.cover.agents)
    assert (_covered(case, ours).ravel() == coverage.scheduled.to_numpy()).all()

    assert roster.agent_hours <= their_hours + 1e-9
    if status == "OPTIMAL":
        assert roster.agent_hours == pytest.approx(their_hours, abs=1e-9)
    elif not case.name.startswith("random"):
        pytest.fail(f"CP-SAT did not prove {case.name} optimal within {SEARCH_S:g} s")


def test_the_random_cases_cover_the_rules_variants() -> None:
    # Hour and half-hour periods, no break, a paid and an unpaid break, and more than one day.
    randoms = [c for c in CASES if c.name.startswith("random")]
    assert {c.minutes for c in randoms} == {30, 60}
    assert {(c.rules.break_length > 0, c.rules.break_paid) for c in randoms if c.rules.break_length} == {
        (True, True),
        (True, False),
    }
    assert any(not c.rules.break_length for c in randoms)
    assert max(c.required.shape[0] for c in randoms) > 1
