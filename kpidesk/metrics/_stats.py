"""Confidence intervals and flags for KPI results.

Proportions get a Wilson interval, means a t interval, medians and percentiles a distribution-free
interval from order statistics, NPS its own variance. The engine computes counts, sums and the order
statistics; these functions turn them into bounds, so every engine gives the same intervals.
"""

from __future__ import annotations

import math
from types import ModuleType

__all__ = [
    "binomial_quantile",
    "chi2_quantile",
    "mean_interval",
    "nps_interval",
    "poisson_rate_interval",
    "quantile_rank_interval",
    "ratio_interval",
    "ratio_standard_error",
    "t_quantile",
    "wilson_interval",
    "z_quantile",
]


def _special() -> ModuleType:
    """`scipy.special`, imported on first use: reading the metric catalogue does not load SciPy. Its
    functions are what `scipy.stats` computes these quantiles with, at a third of the import time."""
    from scipy import special

    return special


def z_quantile(confidence: float) -> float:
    """The standard normal quantile of a two-sided interval at `confidence` (1.96 at 0.95)."""
    return float(_special().ndtri(0.5 + confidence / 2))


def t_quantile(probability: float, df: float) -> float:
    """The quantile of Student's t distribution with `df` degrees of freedom (any positive real)."""
    return float(_special().stdtrit(df, probability))


def chi2_quantile(probability: float, df: float) -> float:
    """The quantile of the chi-square distribution with `df` degrees of freedom."""
    return float(2 * _special().gammaincinv(df / 2, probability))


def binomial_quantile(probability: float, n: int, p: float) -> int:
    """The smallest k with P(X ≤ k) ≥ `probability` for X ~ Binomial(n, p): a first guess from the
    continuous inverse, then settled on the exact cumulative probabilities."""
    special = _special()
    guess = float(special.bdtrik(probability, n, p))
    k = 0 if math.isnan(guess) else max(0, min(n, math.ceil(guess)))
    while k > 0 and special.bdtr(k - 1, n, p) >= probability:
        k -= 1
    while k < n and special.bdtr(k, n, p) < probability:
        k += 1
    return k


def wilson_interval(k: float, n: float, confidence: float = 0.95) -> tuple[float | None, float | None]:
    """Wilson score interval for k successes in n trials; (None, None) when n is 0."""
    if n <= 0:
        return None, None
    z = z_quantile(confidence)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(
    mean: float | None, std: float | None, n: float, confidence: float = 0.95
) -> tuple[float | None, float | None]:
    """Student-t interval for a mean from its sample standard deviation; needs n ≥ 2."""
    if mean is None or std is None or n < 2 or math.isnan(std):
        return None, None
    t = t_quantile(0.5 + confidence / 2, n - 1)
    half = t * std / math.sqrt(n)
    return mean - half, mean + half


def quantile_rank_interval(n: int, q: float, confidence: float = 0.95) -> tuple[int | None, int | None]:
    """1-based ranks (l, u) such that [x_(l), x_(u)] covers the q-quantile with at least `confidence`.

    From the binomial distribution of the number of observations below the quantile, so it holds for any
    continuous distribution. A side is None when no order statistic reaches the confidence (small n).
    """
    if n <= 0:
        return None, None
    alpha = 1 - confidence
    lower = binomial_quantile(alpha / 2, n, q)
    upper = binomial_quantile(1 - alpha / 2, n, q) + 1
    return (lower if lower >= 1 else None), (upper if upper <= n else None)


def nps_interval(
    promoters: float, detractors: float, n: float, confidence: float = 0.95
) -> tuple[float | None, float | None]:
    """Interval for NPS as a fraction in [-1, 1]: variance (p₊ + p₋ − (p₊ − p₋)²) / n."""
    if n <= 0:
        return None, None
    p_plus, p_minus = promoters / n, detractors / n
    nps = p_plus - p_minus
    se = math.sqrt(max(0.0, p_plus + p_minus - nps * nps) / n)
    z = z_quantile(confidence)
    return max(-1.0, nps - z * se), min(1.0, nps + z * se)


def poisson_rate_interval(
    events: float, exposure: float, confidence: float = 0.95
) -> tuple[float | None, float | None]:
    """Exact (Garwood) interval for a rate of `events` Poisson counts over `exposure` (hours, heads…).

    From the chi-square quantiles of the Poisson count, so it holds however few events there were and
    also for rates above 1; (None, None) without exposure.
    """
    if exposure <= 0:
        return None, None
    alpha = 1 - confidence
    low = chi2_quantile(alpha / 2, 2 * events) / 2 if events > 0 else 0.0
    high = chi2_quantile(1 - alpha / 2, 2 * events + 2) / 2
    return low / exposure, high / exposure


def ratio_standard_error(
    sum_y: float, sum_x: float, sum_yy: float, sum_xx: float, sum_xy: float, n: float
) -> float | None:
    """Linearised standard error of a ratio of sums R = Σy / Σx over n units (the ratio estimator).

    s² = Σ(y − R·x)² / (n − 1), se = sqrt(s² / n) / x̄. It treats the units (e.g. agent-days) as
    independent draws, so it says how much R moves with the units sampled, not with what happens inside
    one unit; needs n ≥ 2 and Σx > 0.
    """
    if n < 2 or sum_x <= 0:
        return None
    ratio = sum_y / sum_x
    residual = max(0.0, sum_yy - 2 * ratio * sum_xy + ratio * ratio * sum_xx)
    return math.sqrt(residual / (n - 1) / n) / (sum_x / n)


def ratio_interval(
    sum_y: float,
    sum_x: float,
    sum_yy: float,
    sum_xx: float,
    sum_xy: float,
    n: float,
    confidence: float = 0.95,
) -> tuple[float | None, float | None]:
    """Student-t interval (n − 1 degrees of freedom) for a ratio of sums, from `ratio_standard_error`."""
    se = ratio_standard_error(sum_y, sum_x, sum_yy, sum_xx, sum_xy, n)
    if se is None:
        return None, None
    ratio = sum_y / sum_x
    half = t_quantile(0.5 + confidence / 2, n - 1) * se
    return ratio - half, ratio + half
