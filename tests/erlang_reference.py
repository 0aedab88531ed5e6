"""Erlang A reference figures from first principles, for checking both the analytic module and the simulation.

The M/M/n+M queue is a birth–death chain on the number in system k: births λ, deaths
min(k, n)·μ + max(k − n, 0)·θ. Its stationary distribution π is built state by state and cut where the
weights fall below e⁻⁶⁰ of the largest. By PASTA an arrival sees π, so p_wait = P(N ≥ n), abandonment
= θ·E[queue] / λ and the mean wait of all callers = E[queue] / λ (Little).

Service level and ASA follow a tagged caller who finds j waiting (state n + j): at queue position p
(p − 1 ahead) the next event comes at rate nμ + pθ, and only its own abandonment (rate θ) loses it, so it
is answered with probability x / (x + j + 1), x = nμ / θ, after the sum of exponentials with rates
nμ + (i + 1)θ, i = 0…j (event times and event kinds being independent). P(sum ≤ T) comes from one
matrix exponential of the pure-death chain of queue positions, whose row j + 1 is that caller's phases.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import linalg, special

__all__ = ["birth_death_erlang_a"]


def birth_death_erlang_a(
    calls: float, interval_s: float, aht_s: float, agents: int, patience_s: float, threshold_s: float
) -> dict[str, float]:
    """service_level, asa, p_wait, abandonment, occupancy (and mean_wait of all callers) of M/M/n+M."""
    lam, mu, theta, n = calls / interval_s, 1 / aht_s, 1 / patience_s, agents
    log_w = [0.0]
    while True:
        k = len(log_w)
        log_w.append(log_w[-1] + math.log(lam) - math.log(min(k, n) * mu + max(k - n, 0) * theta))
        falling = lam < min(k, n) * mu + max(k - n, 0) * theta
        if k > n and falling and log_w[-1] < max(log_w) - 60:
            break
    weights = np.array(log_w)
    pi = np.exp(weights - special.logsumexp(weights))
    states = np.arange(pi.size)
    queue = np.maximum(states - n, 0)
    mean_queue = float(pi @ queue)

    ahead = np.arange(pi.size - n)
    arriving = pi[n:]
    x = n * mu / theta
    answered_given_j = x / (x + ahead + 1)
    # Pure-death chain of queue positions 1…J+1: from position p the caller moves up at rate nμ + pθ.
    rates = n * mu + (ahead + 1) * theta
    generator = np.diag(-rates) + np.diag(rates[1:], k=-1)
    still_waiting = linalg.expm(generator * threshold_s).sum(axis=1)
    within_given_answered = 1 - still_waiting
    mean_wait_given_answered = np.cumsum(1 / rates)

    answered = float(pi[:n].sum() + arriving @ answered_given_j)
    return {
        "service_level": float(pi[:n].sum() + arriving @ (answered_given_j * within_given_answered)),
        "asa": float(arriving @ (answered_given_j * mean_wait_given_answered)) / answered,
        "p_wait": float(arriving.sum()),
        "abandonment": theta * mean_queue / lam,
        "occupancy": float(pi @ np.minimum(states, n)) / n,
        "mean_wait": mean_queue / lam,
    }
