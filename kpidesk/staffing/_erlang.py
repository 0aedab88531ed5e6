"""Erlang B, Erlang C and Erlang A: what a number of agents achieves for a given load.

All three take the load of one interval: `calls` arriving in `interval_s` seconds (a Poisson process),
exponential handle times of mean `aht_s`, and `agents` servers. The traffic A = calls · aht_s / interval_s
is in Erlangs.

- Erlang B (M/M/n/n, blocked calls leave): the blocking probability, by the recursion
  B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), which never forms A^n or n! and so stays exact for
  thousands of lines.
- Erlang C (M/M/n, callers wait as long as it takes), from Erlang B: the probability of waiting
  C = n·B / (n − A·(1 − B)), service level 1 − C·exp(−(n − A)·T / AHT), ASA C·AHT / (n − A), occupancy A/n.
  It needs n > A; with n ≤ A the queue grows without bound.
- Erlang A (M/M/n+M, callers abandon after an exponential patience of mean `patience_s`): the birth–death
  chain's states n + j (j callers waiting) have weights tⱼ = yʲ / ((x+1)(x+2)…(x+j)) relative to state n,
  with x = n·patience / AHT and y = calls · patience / interval_s; summed in logarithms, so neither
  overflows. A caller who finds j waiting is answered with probability x / (x + j + 1), after a wait that
  is a sum of exponentials with rates (x+1)/patience … (x+j+1)/patience: by Rényi's representation the
  (j+1)-th smallest of x + j + 1 exponential patiences, so P(wait ≤ T) = I_p(j + 1, x + 1), the
  regularised incomplete beta function at p = 1 − exp(−T / patience). Stable for any number of agents.

The figures share their definitions with the measured call KPIs: service level is the share of all
arrivals answered within T (an abandoned call is never within T), ASA the mean wait of answered calls
(zero waits included), abandonment the share of arrivals that abandon, occupancy the agents' busy share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kpidesk import InvalidRequest

__all__ = [
    "QueueFigures",
    "erlang_a",
    "erlang_b",
    "erlang_b_lines",
    "erlang_c",
    "erlang_c_probability_of_waiting",
    "offered_traffic",
]


@dataclass(frozen=True)
class QueueFigures:
    """What `agents` agents achieve on one interval's load (rates as fractions, times in seconds).

    `stable` is False for Erlang C with agents ≤ traffic: every caller waits and the queue grows, so
    service level is 0 and ASA infinite. Without calls every rate is NaN: there is nothing to measure.
    """

    model: str
    agents: int
    traffic: float
    service_level: float
    asa: float
    p_wait: float
    abandonment: float
    occupancy: float
    mean_wait: float
    stable: bool = True


def offered_traffic(calls: float, interval_s: float, aht_s: float) -> float:
    """Erlangs: calls per second times the mean handle time."""
    if interval_s <= 0:
        raise InvalidRequest("the interval must be longer than 0 seconds")
    if calls < 0 or aht_s < 0:
        raise InvalidRequest("calls and handle time cannot be negative")
    return calls * aht_s / interval_s


def erlang_b(traffic: float, lines: int) -> float:
    """Blocking probability of `lines` lines offered `traffic` Erlangs (recursive, overflow-free)."""
    if lines < 0:
        raise InvalidRequest("the number of lines cannot be negative")
    blocking = 1.0
    for n in range(1, lines + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_b_lines(traffic: float, blocking: float) -> int:
    """The fewest lines whose blocking probability is at most `blocking`."""
    if not 0 < blocking <= 1:
        raise InvalidRequest("the blocking target must be a fraction above 0 and at most 1")
    b, n = 1.0, 0
    while b > blocking:
        n += 1
        b = traffic * b / (n + traffic * b)
    return n


def erlang_c_probability_of_waiting(traffic: float, agents: int) -> float:
    """Erlang C: the probability that a caller waits (1 when agents ≤ traffic)."""
    if agents <= traffic:
        return 1.0
    b = erlang_b(traffic, agents)
    return agents * b / (agents - traffic * (1 - b))


def _no_calls(model: str, agents: int) -> QueueFigures:
    nan = math.nan
    return QueueFigures(model, agents, 0.0, nan, nan, nan, nan, nan, nan)


def erlang_c(calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float) -> QueueFigures:
    """Erlang C figures for one interval."""
    a = offered_traffic(calls, interval_s, aht_s)
    if calls == 0:
        return _no_calls("erlang-c", agents)
    if agents <= a:
        return QueueFigures(
            "erlang-c",
            agents,
            a,
            0.0,
            math.inf,
            1.0,
            0.0,
            1.0 if agents else math.nan,
            math.inf,
            stable=False,
        )
    c = erlang_c_probability_of_waiting(a, agents)
    asa = c * aht_s / (agents - a)
    return QueueFigures(
        "erlang-c",
        agents,
        a,
        service_level=1 - c * math.exp(-(agents - a) * threshold_s / aht_s),
        asa=asa,
        p_wait=c,
        abandonment=0.0,
        occupancy=a / agents,
        mean_wait=asa,
    )


def _queue_weights(x: float, y: float) -> tuple[np.ndarray, float]:
    """log tⱼ for j = 0…J (tⱼ = yʲ / ∏ᵢ₌₁ʲ (x + i)) and log Σ tⱼ, J past every non-negligible term."""
    if y <= 0:
        return np.zeros(1), 0.0
    # The terms rise while x + j < y and then fall faster than any geometric series; 12·√y terms past
    # the peak (or the start) leave out less than e⁻⁴⁰ of the sum.
    last = int(max(0.0, y - x) + 12 * math.sqrt(y + 1) + 50)
    j = np.arange(1, last + 1, dtype=np.float64)
    log_t = np.concatenate([[0.0], np.cumsum(np.log(y) - np.log(x + j))])
    peak = float(log_t.max())
    return log_t, peak + math.log(float(np.exp(log_t - peak).sum()))


def erlang_a(
    calls: float, interval_s: float, aht_s: float, agents: int, patience_s: float, threshold_s: float
) -> QueueFigures:
    """Erlang A (M/M/n+M) figures for one interval; `patience_s` is the callers' mean patience."""
    # Imported here: SciPy takes longer to load than Erlang C takes to answer `kpidesk staffing required`.
    from scipy import special

    a = offered_traffic(calls, interval_s, aht_s)
    if patience_s <= 0:
        raise InvalidRequest("the mean patience must be longer than 0 seconds")
    if calls == 0:
        return _no_calls("erlang-a", agents)
    if agents == 0:
        # Nobody answers: every caller waits until their patience runs out.
        return QueueFigures("erlang-a", 0, a, 0.0, math.nan, 1.0, 1.0, math.nan, patience_s)
    rate = calls / interval_s
    x, y = agents * patience_s / aht_s, rate * patience_s
    b = erlang_b(a, agents)
    log_t, log_s = _queue_weights(x, y)
    # P(N ≥ n) = B·S / (1 − B + B·S) = 1 / (1 + exp(log(1 − B) − log B − log S)): a tiny B or a huge S
    # cannot overflow.
    p_wait = 0.0 if b == 0 else float(special.expit(math.log(b) + log_s - math.log1p(-b)))
    weights = np.exp(log_t - log_s)  # P(N = n + j | N ≥ n)
    j = np.arange(len(weights), dtype=np.float64)
    answered = x / (x + j + 1)
    waiting = p_wait * float(np.dot(weights, j))  # mean number of callers waiting
    abandonment = waiting / y
    within = special.betainc(j + 1, x + 1, -math.expm1(-threshold_s / patience_s))
    service_level = (1 - p_wait) + p_wait * float(np.dot(weights, answered * within))
    # Mean wait of an answered caller who found j waiting: Σᵢ₌₀ʲ patience / (x + i + 1).
    wait_if_answered = patience_s * np.cumsum(1.0 / (x + j + 1))
    served = 1 - abandonment
    asa = p_wait * float(np.dot(weights, answered * wait_if_answered)) / served if served > 0 else math.nan
    return QueueFigures(
        "erlang-a",
        agents,
        a,
        service_level=service_level,
        asa=asa,
        p_wait=p_wait,
        abandonment=abandonment,
        occupancy=a * served / agents,
        mean_wait=waiting / rate,
    )
