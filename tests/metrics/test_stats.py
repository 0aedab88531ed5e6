"""Intervals against numbers worked out by hand."""

from __future__ import annotations

import math

import pytest

from kpidesk.metrics import mean_interval, nps_interval, parse_stat, quantile_rank_interval, wilson_interval


def test_wilson_six_of_eight() -> None:
    # z = 1.959964, z² = 3.841459; centre = (0.75 + z²/16) / (1 + z²/8) = 0.668893;
    # half = z / (1 + z²/8) · sqrt(0.75·0.25/8 + z²/256) = 0.259622.
    low, high = wilson_interval(6, 8)
    assert low == pytest.approx(0.668893 - 0.259622, abs=2e-5)
    assert high == pytest.approx(0.668893 + 0.259622, abs=2e-5)


def test_wilson_edges() -> None:
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(3.841459 / (10 + 3.841459), abs=1e-6)  # z²/(n + z²) when k = 0
    assert wilson_interval(0, 0) == (None, None)


def test_median_ranks_for_ten_observations() -> None:
    # The textbook 95% interval for the median of 10 observations is [x(2), x(9)]:
    # P(B ≤ 1) = 11/1024 < 0.025 ≤ P(B ≤ 2) = 56/1024 for B ~ Bin(10, ½).
    assert quantile_rank_interval(10, 0.5) == (2, 9)


def test_quantile_ranks_when_n_is_too_small() -> None:
    # With 5 observations no order statistic gives 95% for the median (P(all above) = 1/32 > 0.025).
    assert quantile_rank_interval(5, 0.5) == (None, None)
    assert quantile_rank_interval(7, 0.5) == (1, 7)


def test_mean_interval() -> None:
    # 1, 3, 1, 1, 1, 2: mean 1.5, sd sqrt(0.7), t(0.975, 5) = 2.570582.
    low, high = mean_interval(1.5, math.sqrt(0.7), 6)
    assert low == pytest.approx(1.5 - 2.570582 * math.sqrt(0.7 / 6), abs=1e-6)
    assert high == pytest.approx(1.5 + 2.570582 * math.sqrt(0.7 / 6), abs=1e-6)
    assert mean_interval(4.0, None, 1) == (None, None)


def test_nps_interval() -> None:
    # 50 promoters, 20 detractors of 100: NPS 0.30, variance (0.5 + 0.2 − 0.09)/100 = 0.0061, se 0.078102.
    low, high = nps_interval(50, 20, 100)
    assert low == pytest.approx(0.30 - 1.959964 * 0.078102, abs=1e-5)
    assert high == pytest.approx(0.30 + 1.959964 * 0.078102, abs=1e-5)


@pytest.mark.parametrize(
    "text,expected",
    [("median", ("median", 0.5)), ("mean", ("mean", None)), ("p90", ("p90", 0.9)), ("P95", ("p95", 0.95))],
)
def test_parse_stat(text: str, expected: tuple[str, float | None]) -> None:
    assert parse_stat(text) == expected


def test_quantiles_agree_with_scipy_stats() -> None:
    """The quantile functions read from `scipy.special` give exactly what `scipy.stats` gives."""
    from scipy import stats

    from kpidesk.metrics._stats import binomial_quantile, chi2_quantile, t_quantile, z_quantile

    for n in [*range(1, 400), 1_000, 54_321, 1_000_000]:
        for p in (0.05, 0.25, 0.5, 0.9, 0.99):
            for probability in (0.005, 0.025, 0.975, 0.995):
                assert binomial_quantile(probability, n, p) == int(stats.binom.ppf(probability, n, p))
    for confidence in (0.9, 0.95, 0.99):
        assert z_quantile(confidence) == stats.norm.ppf(0.5 + confidence / 2)
        for df in (1, 2.5, 7, 30, 1_000):
            assert t_quantile(0.5 + confidence / 2, df) == stats.t.ppf(0.5 + confidence / 2, df)
        for df in (2, 5, 40, 400):
            assert chi2_quantile(confidence, df) == stats.chi2.ppf(confidence, df)


def test_intervals_do_not_load_scipy_stats() -> None:
    """A fresh process computing every kind of interval never imports `scipy.stats` (seconds to load)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kpidesk.metrics._stats import mean_interval, poisson_rate_interval, quantile_rank_interval\n"
        "mean_interval(1.0, 2.0, 10); poisson_rate_interval(3, 10.0); quantile_rank_interval(50, 0.5)\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
