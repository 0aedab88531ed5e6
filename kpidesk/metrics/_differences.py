"""Confidence intervals for the difference of two results: a period against an earlier one, or the days a
person was absent against the days present. A change is significant only when its interval excludes zero.

Each metric kind picks its own (see `kpidesk.metrics._kinds`):

- counts: the difference of two Poisson counts, c₁ − c₂ ± z·√(c₁ + c₂) (normal approximation);
- proportions: Newcombe's hybrid score interval, built from the two Wilson intervals;
- means (and the mean of a duration): Welch's t interval, with Welch–Satterthwaite degrees of freedom;
- medians and percentiles: each side's order-statistic interval at confidence 1 − (1 − c)/2, combined as
  [low₁ − high₂, high₁ − low₂]; both hold together with probability ≥ c (Bonferroni), so the interval is
  distribution-free and conservative;
- NPS: the difference of the two scores ± z·√(v₁ + v₂), vᵢ = (p₊ + p₋ − NPS²)/n;
- Poisson rates (events per exposure): the difference ± z·√(k₁/e₁² + k₂/e₂²);
- ratios of sums (occupancy): the difference ± t·√(se₁² + se₂²) from the two linearised standard
  errors, with Welch–Satterthwaite degrees of freedom over the units (agent-days) of each side.
"""

from __future__ import annotations

import math

from kpidesk.metrics._stats import t_quantile, wilson_interval, z_quantile

__all__ = [
    "Interval",
    "joint_confidence",
    "newcombe_interval",
    "nps_difference_interval",
    "poisson_difference_interval",
    "poisson_rate_difference_interval",
    "quantile_difference_interval",
    "ratio_difference_interval",
    "significant",
    "welch_interval",
]

Interval = tuple[float | None, float | None]


def joint_confidence(confidence: float) -> float:
    """The confidence of each of two intervals so that both hold together with at least `confidence`."""
    return 1 - (1 - confidence) / 2


def significant(low: float | None, high: float | None) -> bool | None:
    """Whether a change is significant: its interval excludes zero; None without an interval."""
    if low is None or high is None:
        return None
    return bool(low > 0 or high < 0)


def poisson_difference_interval(c1: float, c2: float, confidence: float = 0.95) -> Interval:
    """Interval for c₁ − c₂ of two Poisson counts: ± z·√(c₁ + c₂)."""
    if c1 + c2 <= 0:
        return None, None
    half = z_quantile(confidence) * math.sqrt(c1 + c2)
    return c1 - c2 - half, c1 - c2 + half


def newcombe_interval(k1: float, n1: float, k2: float, n2: float, confidence: float = 0.95) -> Interval:
    """Newcombe's hybrid score interval for p₁ − p₂ from the Wilson intervals (l, u) of each side:
    [d − √((p₁ − l₁)² + (u₂ − p₂)²), d + √((u₁ − p₁)² + (p₂ − l₂)²)]."""
    l1, u1 = wilson_interval(k1, n1, confidence)
    l2, u2 = wilson_interval(k2, n2, confidence)
    if l1 is None or u1 is None or l2 is None or u2 is None:
        return None, None
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    return d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


def welch_interval(
    m1: float, s1: float, n1: float, m2: float, s2: float, n2: float, confidence: float = 0.95
) -> Interval:
    """Welch's t interval for m₁ − m₂ from each side's mean, sample standard deviation and n (n ≥ 2)."""
    if n1 < 2 or n2 < 2 or math.isnan(s1) or math.isnan(s2):
        return None, None
    return _satterthwaite(m1 - m2, s1 * s1 / n1, n1, s2 * s2 / n2, n2, confidence)


def _satterthwaite(d: float, v1: float, n1: float, v2: float, n2: float, confidence: float) -> Interval:
    """d ± t·√(v₁ + v₂), t with Welch–Satterthwaite degrees of freedom; the difference itself when both
    variances are 0."""
    if v1 + v2 == 0:
        return d, d
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    half = t_quantile(0.5 + confidence / 2, df) * math.sqrt(v1 + v2)
    return d - half, d + half


def nps_difference_interval(
    promoters1: float,
    detractors1: float,
    n1: float,
    promoters2: float,
    detractors2: float,
    n2: float,
    confidence: float = 0.95,
) -> Interval:
    """Interval for NPS₁ − NPS₂ (fractions) from the two variances (p₊ + p₋ − NPS²)/n."""
    if n1 <= 0 or n2 <= 0:
        return None, None

    def score_and_variance(promoters: float, detractors: float, n: float) -> tuple[float, float]:
        p_plus, p_minus = promoters / n, detractors / n
        nps = p_plus - p_minus
        return nps, max(0.0, p_plus + p_minus - nps * nps) / n

    nps1, var1 = score_and_variance(promoters1, detractors1, n1)
    nps2, var2 = score_and_variance(promoters2, detractors2, n2)
    half = z_quantile(confidence) * math.sqrt(var1 + var2)
    return max(-2.0, nps1 - nps2 - half), min(2.0, nps1 - nps2 + half)


def quantile_difference_interval(
    low1: float | None, high1: float | None, low2: float | None, high2: float | None
) -> Interval:
    """[low₁ − high₂, high₁ − low₂] from two order-statistic intervals (each at `joint_confidence`)."""
    if low1 is None or high1 is None or low2 is None or high2 is None:
        return None, None
    return low1 - high2, high1 - low2


def ratio_difference_interval(
    ratio1: float, se1: float, n1: float, ratio2: float, se2: float, n2: float, confidence: float = 0.95
) -> Interval:
    """Interval for R₁ − R₂ of two ratio estimators: ± t·√(se₁² + se₂²), Welch–Satterthwaite df."""
    if n1 < 2 or n2 < 2:
        return None, None
    return _satterthwaite(ratio1 - ratio2, se1 * se1, n1, se2 * se2, n2, confidence)


def poisson_rate_difference_interval(
    k1: float, e1: float, k2: float, e2: float, confidence: float = 0.95
) -> Interval:
    """Interval for k₁/e₁ − k₂/e₂ of two Poisson rates: ± z·√(k₁/e₁² + k₂/e₂²)."""
    if e1 <= 0 or e2 <= 0 or k1 + k2 <= 0:
        return None, None
    d = k1 / e1 - k2 / e2
    half = z_quantile(confidence) * math.sqrt(k1 / (e1 * e1) + k2 / (e2 * e2))
    return d - half, d + half
