"""The projection formulas of every metric kind, on numbers worked out by hand (z = 1.959964 for 95%)."""

from __future__ import annotations

import math

import pytest

from kpidesk.metrics import KINDS, count_projection, quantile_projection, share_projection

Z = 1.959963984540054


def test_a_count_adds_the_expected_units_with_poisson_and_pace_error() -> None:
    # 40 so far, 40 more expected: variance 40 · (1 + 40/40) = 80, sd 8.944 → 80 ± 17.53.
    p = count_projection(40, 40, 0.95)
    assert p.value == 80
    assert p.low == pytest.approx(80 - Z * math.sqrt(80))  # 62.47
    assert p.high == pytest.approx(80 + Z * math.sqrt(80))  # 97.53


def test_a_count_never_projects_below_what_was_counted() -> None:
    p = count_projection(1, 0.5, 0.95)
    assert p.low == 1


def test_a_share_narrows_with_the_share_of_the_period_behind() -> None:
    # A mean of 4.2 with sd 1 over 50 responses, 50 more expected: se 0.14142 · √(50/100) = 0.1.
    p = share_projection(4.2, 1 / math.sqrt(50), 50, 50, 0.95)
    assert (p.low, p.high) == (pytest.approx(4.2 - Z * 0.1), pytest.approx(4.2 + Z * 0.1))


def test_nothing_more_expected_closes_the_interval() -> None:
    assert share_projection(0.8, 0.04, 100, 0, 0.95).low == pytest.approx(0.8)
    assert quantile_projection(55.0, list(range(10, 101, 10)), 0.5, 0, 0.95).high == 55.0


def test_a_share_stays_within_its_limits() -> None:
    p = share_projection(0.99, 0.01, 100, 1000, 0.95, (0.0, 1.0))
    assert p.high == 1.0


def test_a_percentile_takes_the_values_so_far_at_the_shifted_ranks() -> None:
    # 10 values 10…100, median 55, 10 more expected: sd = √(0.25 · 10 / (10 · 20)) = 0.1118, the shares
    # 0.5 ∓ 0.2191 → ranks ⌈2.81⌉ = 3 and ⌈7.19⌉ = 8 → 30 and 80.
    p = quantile_projection(55.0, [float(v) for v in range(10, 101, 10)], 0.5, 10, 0.95)
    assert (p.value, p.low, p.high) == (55.0, 30.0, 80.0)


def test_each_kind_projects_from_its_own_summaries() -> None:
    # Proportion: 80 of 100, 100 more → sd = √(0.16 · 100 / (100 · 200)) = 0.028284.
    p = KINDS["proportion"].project({"value": 0.8, "n": 100, "k": 80, "unit": "ratio"}, None, 100, 0.95)
    assert p.low == pytest.approx(0.8 - Z * math.sqrt(0.0008))
    # NPS: 50 promoters, 20 detractors of 100 → score 30, per-response variance 0.7 − 0.09 = 0.61;
    # se = 100 · √(0.61/100) = 7.8102, 100 more → sd 7.8102 · √0.5 = 5.5227.
    p = KINDS["nps"].project(
        {"value": 30.0, "n": 100, "promoters": 50, "detractors": 20, "unit": "NPS points"}, None, 100, 0.95
    )
    assert p.high == pytest.approx(30 + Z * 100 * math.sqrt(0.0061) * math.sqrt(0.5))
    # Rate: 9 events over 30 hours (0.3 an hour), 30 more hours → se √9/30 = 0.1, sd 0.1 · √0.5.
    p = KINDS["rate"].project({"value": 0.3, "k": 9, "exposure": 30, "n": 5, "unit": "x"}, None, 30, 0.95)
    assert p.low == pytest.approx(0.3 - Z * 0.1 * math.sqrt(0.5))
    # Mean: 3.0 with sd 2 over 16 units, 48 more → se 0.5, sd 0.5 · √(48/64) = 0.43301.
    p = KINDS["mean"].project({"value": 3.0, "mean": 3.0, "std": 2.0, "n": 16, "unit": "x"}, None, 48, 0.95)
    assert p.high == pytest.approx(3 + Z * 0.5 * math.sqrt(0.75))
    # Duration with a quantile goes by ranks; its mean like any mean.
    ordered = [float(v) for v in range(10, 101, 10)]
    p = KINDS["duration"].project({"value": 55.0, "n": 10, "unit": "seconds"}, 0.5, 10, 0.95, ordered)
    assert (p.low, p.high) == (30.0, 80.0)
    # Count: see above; a count row's volume is its n.
    assert KINDS["count"].project({"value": 40, "n": 40}, None, 40, 0.95).value == 80
