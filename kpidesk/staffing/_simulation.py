"""A discrete-event check of the queueing models: simulate an interval with Ciw and compare.

Erlang C and Erlang A are closed forms for a steady state (Poisson arrivals, exponential handle times and,
for Erlang A, exponential patience). Simulating the same M/M/n (+M) queue gives an independent estimate
of every figure with a confidence interval, so the formulas, and the staffing built on them, can be checked
against something that does not share their algebra.

Each replication starts empty, runs `warmup_hours` to reach the steady state and then `hours` more;
only callers arriving in that measured window count. The run continues past the window (arrivals keep
coming, as in the steady state) until every measured caller has been answered or has abandoned, so no
measured wait is cut short. Each replication gives one value per figure, and the interval is Student-t
over the replications, which are independent (seed `seed + r`).

The figures are defined as in the analytic module: service level is the share of all measured arrivals
answered within T (an abandoned caller never is), ASA the mean wait of answered callers (zero waits
included), p_wait the share that waited or abandoned, abandonment the share that abandoned, and occupancy
the agents' busy time over agents × the window's length.

The warm-up suits ordinary loads: an Erlang C queue close to saturation (agents barely above the traffic)
takes far longer than an hour to forget its empty start, so there the simulation understates the waits
unless `warmup_hours` and `hours` grow with it.

Speed: Ciw runs a 14-agent interval at 100 calls per 30 minutes (about 1,800 callers in 9 hours) in about
0.04 s a replication, so the defaults (8 hours, 30 replications) take 1.2–2 s.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import ciw
import numpy as np
import pandas as pd
from scipy import stats

from kpidesk import InvalidRequest

__all__ = ["MEASURES", "simulate_interval", "simulate_plan"]

MEASURES = ("service_level", "asa", "p_wait", "abandonment", "occupancy")
_HOUR = 3600.0
#: How many times the run after the window is doubled before the callers still waiting are cut off.
_MAX_DRAIN_DOUBLINGS = 4
#: What each figure can be: shares lie in [0, 1], the mean wait is never negative. A Student-t interval
#: over few replications can reach past these, and is cut back to them.
_POSSIBLE = {measure: (0.0, math.inf if measure == "asa" else 1.0) for measure in MEASURES}


def _check_interval(
    calls: float,
    interval_s: float,
    aht_s: float,
    agents: int,
    threshold_s: float,
    patience_s: float | None,
    replications: int,
    hours: float,
    warmup_hours: float,
    confidence: float,
) -> None:
    if not calls > 0 or not interval_s > 0 or not aht_s > 0:
        raise InvalidRequest("calls, the interval and the handle time must all be above 0")
    if agents < 1:
        raise InvalidRequest("there must be at least one agent to simulate")
    if not threshold_s >= 0:
        raise InvalidRequest("the service-level threshold cannot be negative")
    if patience_s is not None and not patience_s > 0:
        raise InvalidRequest("the mean patience must be longer than 0 seconds")
    if replications < 2:
        raise InvalidRequest("a confidence interval needs at least 2 replications")
    if not hours > 0 or not warmup_hours >= 0:
        raise InvalidRequest("the measured hours must be above 0 and the warm-up not negative")
    if not 0 < confidence < 1:
        raise InvalidRequest("the confidence level must be a fraction between 0 and 1")
    if patience_s is None and calls * aht_s / interval_s >= agents:
        raise InvalidRequest(
            "Erlang C with agents ≤ traffic has no steady state: the queue grows without bound"
        )


def _run(network: ciw.Network, seed: int, stop: float) -> list[Any]:
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(stop)
    return list(simulation.get_all_records(include_incomplete=True))


def _replication(
    network: ciw.Network, seed: int, start: float, end: float, threshold_s: float, agents: int
) -> dict[str, float]:
    """One replication's figures; reruns it (same seed, same path) longer until the window's callers clear."""
    drain = max(_HOUR, 2 * threshold_s)
    for doubling in range(_MAX_DRAIN_DOUBLINGS + 1):
        stop = end + drain
        records = _run(network, seed, stop)
        measured = [r for r in records if start <= r.arrival_date < end]
        waiting = sum(1 for r in measured if r.record_type == "incomplete" and r.service_start_date is None)
        if not waiting or doubling == _MAX_DRAIN_DOUBLINGS:
            break
        drain *= 2
    # Callers still waiting after the longest run have waited longer than the drain (> T): they count as
    # waiting and not within T, and as answered at the stop, which understates their wait.
    arrivals = len(measured)
    abandoned = sum(1 for r in measured if r.record_type == "renege")
    waits = np.array(
        [
            (r.service_start_date if r.service_start_date is not None else stop) - r.arrival_date
            for r in measured
            if r.record_type != "renege"
        ],
        dtype=np.float64,
    )
    busy = 0.0
    for r in records:
        if r.record_type == "renege" or r.service_start_date is None:
            continue
        finished = r.service_end_date if r.service_end_date is not None else stop
        busy += max(0.0, min(finished, end) - max(r.service_start_date, start))
    nan = math.nan
    return {
        "service_level": float(np.count_nonzero(waits <= threshold_s)) / arrivals if arrivals else nan,
        "asa": float(waits.mean()) if waits.size else nan,
        "p_wait": (float(np.count_nonzero(waits > 0)) + abandoned) / arrivals if arrivals else nan,
        "abandonment": abandoned / arrivals if arrivals else nan,
        "occupancy": busy / (agents * (end - start)),
    }


def _summary(
    values: np.ndarray, confidence: float, possible: tuple[float, float]
) -> tuple[float, float, float, int]:
    finite = values[np.isfinite(values)]
    count = int(finite.size)
    if count == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(finite.mean())
    if count < 2:
        return mean, math.nan, math.nan, count
    half = float(stats.t.ppf((1 + confidence) / 2, count - 1)) * float(finite.std(ddof=1)) / math.sqrt(count)
    lowest, highest = possible
    return mean, max(mean - half, lowest), min(mean + half, highest), count


def simulate_interval(
    *,
    calls: float,
    interval_s: float,
    aht_s: float,
    agents: int,
    threshold_s: float,
    patience_s: float | None = None,
    replications: int = 30,
    hours: float = 8.0,
    warmup_hours: float = 1.0,
    seed: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Simulated steady-state figures of one interval: a row per measure with its Student-t interval.

    `patience_s` None simulates Erlang C (callers wait as long as it takes); otherwise callers abandon
    after an exponential patience of that mean (Erlang A). `replications` counts the replications that
    gave a value (ASA has none in a replication where nobody was answered).
    """
    _check_interval(
        calls,
        interval_s,
        aht_s,
        agents,
        threshold_s,
        patience_s,
        replications,
        hours,
        warmup_hours,
        confidence,
    )
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(calls / interval_s)],
        service_distributions=[ciw.dists.Exponential(1 / aht_s)],
        number_of_servers=[agents],
        reneging_time_distributions=None if patience_s is None else [ciw.dists.Exponential(1 / patience_s)],
    )
    start, end = warmup_hours * _HOUR, (warmup_hours + hours) * _HOUR
    # Ciw draws from the global `random` stream; the caller's state is put back afterwards.
    state = random.getstate()
    try:
        runs = [_replication(network, seed + r, start, end, threshold_s, agents) for r in range(replications)]
    finally:
        random.setstate(state)
    rows = []
    for measure in MEASURES:
        values = np.array([run[measure] for run in runs])
        mean, low, high, count = _summary(values, confidence, _POSSIBLE[measure])
        rows.append({"measure": measure, "mean": mean, "ci_low": low, "ci_high": high, "replications": count})
    return pd.DataFrame(rows, columns=["measure", "mean", "ci_low", "ci_high", "replications"])


def simulate_plan(
    plan: pd.DataFrame,
    *,
    threshold_s: float,
    replications: int = 30,
    seed: int = 0,
    hours: float = 8.0,
    warmup_hours: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Simulate every interval of a staffing plan as its own steady state.

    `plan` has interval_start, forecast_calls, aht_s, agents (required, before shrinkage), interval_s and
    patience_s (missing for Erlang C). The result has interval_start and `<measure>_mean`, `_low` and
    `_high` per measure. Intervals without calls or agents, rows with a missing number and Erlang C
    intervals with agents ≤ traffic (no steady state) are NaN without simulating. Interval i uses seeds
    from `seed + i · replications`, so no two replications of the plan share a random stream.
    """
    columns = ["interval_start", *(f"{m}_{part}" for m in MEASURES for part in ("mean", "low", "high"))]
    numbers = {
        name: pd.to_numeric(plan[name], errors="coerce").to_numpy(dtype=np.float64)
        for name in ("forecast_calls", "aht_s", "agents", "interval_s", "patience_s")
    }
    total = len(plan)
    rows: list[dict[str, object]] = []
    for index, start in enumerate(plan["interval_start"]):
        out: dict[str, object] = {name: math.nan for name in columns}
        out["interval_start"] = start
        calls, aht_s, agents, interval_s, patience_s = (float(numbers[name][index]) for name in numbers)
        patience = None if math.isnan(patience_s) else patience_s
        usable = calls > 0 and agents > 0 and aht_s > 0 and interval_s > 0
        if usable and patience is None:
            usable = calls * aht_s / interval_s < agents
        if usable:
            if not agents.is_integer():
                raise InvalidRequest(f"agents must be whole numbers, got {agents} at {start}")
            figures = simulate_interval(
                calls=calls,
                interval_s=interval_s,
                aht_s=aht_s,
                agents=int(agents),
                threshold_s=threshold_s,
                patience_s=patience,
                replications=replications,
                hours=hours,
                warmup_hours=warmup_hours,
                seed=seed + index * replications,
            )
            for measure, mean, low, high in zip(
                figures["measure"], figures["mean"], figures["ci_low"], figures["ci_high"], strict=True
            ):
                out[f"{measure}_mean"], out[f"{measure}_low"], out[f"{measure}_high"] = mean, low, high
        rows.append(out)
        if progress is not None:
            progress(index + 1, total)
    return pd.DataFrame(rows, columns=columns)
