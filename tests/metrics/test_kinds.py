"""Metric kinds: each kind's aggregation, interval, difference interval, limits and text, on small samples
worked out by hand.

z = 1.959964 (z² = 3.841459); t and χ² quantiles from the tables.
"""

from __future__ import annotations

import math
from typing import Any

import ibis
import pandas as pd
import pytest

from kpidesk.metrics import CATALOGUE, KINDS, Metric, MetricKind, format_quantity, quantile_rank_interval

CONFIDENCE = 0.95


def _aggregate(kind: MetricKind, frame: pd.DataFrame, quantiles: tuple[float, ...] = ()) -> dict[str, Any]:
    """The kind's aggregations over `frame` as one group, run by the engine."""
    t = ibis.memtable(frame)
    row = t.aggregate(**kind.aggregations(t, quantiles)).execute().to_dict(orient="records")[0]
    return {str(k): v for k, v in row.items()}


def test_every_catalogue_kind_is_an_object() -> None:
    assert set(KINDS) == {
        "count",
        "proportion",
        "duration",
        "mean",
        "ratio",
        "nps",
        "rate",
        "rate_complement",
    }
    for metric in CATALOGUE:
        assert metric.kind_object is KINDS[metric.kind]
        assert metric.kind_object.name == metric.kind
    with pytest.raises(ValueError, match="unknown metric kind 'median'"):
        Metric("x", "X", "median", "seconds", "lower", "An example.", "the example")


def test_count_counts_every_unit() -> None:
    kind = KINDS["count"]
    # Four units, one without a value: a count counts it too.
    row = _aggregate(kind, pd.DataFrame({"value": [1.0, 2.0, None, 4.0]}))
    assert row["n"] == 4
    estimate = kind.estimate(row, None, CONFIDENCE)
    assert (estimate.value, estimate.low, estimate.high) == (4.0, None, None)
    # 12 against 8: 4 ± z·√20 = 4 ± 8.765225.
    low, high = kind.difference_interval("count", {"value": 12, "n": 12}, {"value": 8, "n": 8}, CONFIDENCE)
    assert low == pytest.approx(-4.765225, abs=1e-6)
    assert high == pytest.approx(12.765225, abs=1e-6)
    assert kind.reported_statistic("median") == "count"


def test_proportion_three_of_ten_with_its_wilson_interval() -> None:
    kind = KINDS["proportion"]
    # Three successes in ten; the unit without a value is not counted.
    values = [True] * 3 + [False] * 7 + [None]
    row = _aggregate(kind, pd.DataFrame({"value": pd.Series(values, dtype="boolean")}))
    assert (row["n"], row["k"]) == (10, 3)
    # p = 0.3; denom = 1 + z²/10 = 1.384146; centre = (0.3 + z²/20) / denom = 0.492073 / 1.384146 = 0.355507;
    # half = z / denom · √(0.3·0.7/10 + z²/400) = 1.415999 · √(0.021 + 0.009604) = 0.247715
    # → [0.107791, 0.603222].
    estimate = kind.estimate(row, None, CONFIDENCE)
    assert estimate.value == pytest.approx(0.3)
    assert estimate.low == pytest.approx(0.107791, abs=2e-6)
    assert estimate.high == pytest.approx(0.603222, abs=2e-6)
    # Newcombe for 30/100 against 20/100 (worked out in test_compare): [−0.020249, 0.216735].
    low, high = kind.difference_interval(
        "rate", {"value": 0.3, "n": 100, "k": 30}, {"value": 0.2, "n": 100, "k": 20}, CONFIDENCE
    )
    assert low == pytest.approx(-0.020249, abs=2e-6)
    assert high == pytest.approx(0.216735, abs=2e-6)
    assert kind.difference_interval("rate", {"n": 100}, {"n": 100, "k": 20}, CONFIDENCE) == (None, None)
    assert kind.limits("ratio") == (0.0, 1.0)


def test_median_of_five_durations_with_its_order_statistic_interval() -> None:
    kind = KINDS["duration"]
    row = _aggregate(kind, pd.DataFrame({"value": [30.0, 10.0, 50.0, 20.0, 40.0]}), (0.5,))
    assert row["n"] == 5
    assert row["quantile_0"] == 30.0
    assert list(row["ordered"]) == [10.0, 20.0, 30.0, 40.0, 50.0]
    assert row["mean"] == 30.0
    assert row["std"] == pytest.approx(math.sqrt(250))  # squares 400 + 100 + 0 + 100 + 400 over 4
    # For B ~ Bin(5, ½), P(B = 0) = 1/32 = 0.03125: above 0.025, so at 95% no order statistic bounds the
    # median of five; at 90% (0.05 on each side) the bounds are x(1) and x(5).
    assert quantile_rank_interval(5, 0.5, 0.95) == (None, None)
    assert quantile_rank_interval(5, 0.5, 0.90) == (1, 5)
    ordered = row["ordered"]
    picked = {**row, "quantile": row["quantile_0"], "ci_low": ordered[0], "ci_high": ordered[4]}
    estimate = kind.estimate(picked, 0.5, 0.90)
    assert (estimate.value, estimate.low, estimate.high) == (30.0, 10.0, 50.0)
    # The mean: 30 ± t(0.975, 4) · √250 / √5 = 30 ± 2.776445 · 7.071068 = 30 ± 19.632432.
    mean = kind.estimate(row, None, CONFIDENCE)
    assert mean.value == 30.0
    assert mean.low == pytest.approx(10.367568, abs=1e-5)
    assert mean.high == pytest.approx(49.632432, abs=1e-5)
    # A percentile's difference: [low₁ − high₂, high₁ − low₂] = [10 − 20, 50 − 5].
    first, second = {"n": 5, "q_low": 10.0, "q_high": 50.0}, {"n": 5, "q_low": 5.0, "q_high": 20.0}
    assert kind.difference_interval("median", first, second, CONFIDENCE) == (-10.0, 45.0)
    # Its mean's difference is Welch's, as for a mean.
    means = {"n": 5, "mean": 10.0, "std": 2.0}, {"n": 5, "mean": 7.0, "std": 2.0}
    assert kind.difference_interval("mean", *means, CONFIDENCE) == KINDS["mean"].difference_interval(
        "mean", *means, CONFIDENCE
    )
    assert kind.reported_statistic("mean") == "mean"
    assert kind.chooses_statistic and not KINDS["mean"].chooses_statistic
    assert kind.limits("seconds") == (0.0, None)


def test_mean_with_its_t_interval_and_welch_difference() -> None:
    kind = KINDS["mean"]
    row = _aggregate(kind, pd.DataFrame({"value": [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, None]}))
    assert row["n"] == 8
    # Mean 5; squares of the deviations 9 + 1 + 1 + 1 + 0 + 0 + 4 + 16 = 32, sd = √(32/7) = 2.138090;
    # 5 ± t(0.975, 7) · 2.138090 / √8 = 5 ± 2.364624 · 0.755929 = 5 ± 1.787488.
    estimate = kind.estimate(row, None, CONFIDENCE)
    assert estimate.value == pytest.approx(5.0)
    assert estimate.low == pytest.approx(3.212512, abs=1e-5)
    assert estimate.high == pytest.approx(6.787488, abs=1e-5)
    # 10 ± sd 2 against 7 ± sd 2, five each: v = 4/5 = 0.8 a side, df = 1.6² / (2 · 0.8² / 4) = 8;
    # 3 ± t(0.975, 8) · √1.6 = 3 ± 2.306004 · 1.264911 = 3 ± 2.916890.
    low, high = kind.difference_interval(
        "mean", {"n": 5, "mean": 10.0, "std": 2.0}, {"n": 5, "mean": 7.0, "std": 2.0}, CONFIDENCE
    )
    assert low == pytest.approx(0.083110, abs=1e-5)
    assert high == pytest.approx(5.916890, abs=1e-5)
    assert kind.limits("points") == (0.0, 100.0)
    assert kind.limits("score") == (None, None)
    assert kind.limits("replies per ticket") == (0.0, None)


def test_nps_of_ten_responses() -> None:
    kind = KINDS["nps"]
    # Five promoters, three passives, two detractors.
    row = _aggregate(kind, pd.DataFrame({"value": [1, 1, 1, 1, 1, 0, 0, 0, -1, -1]}))
    assert (row["n"], row["promoters"], row["detractors"]) == (10, 5, 2)
    # NPS = 0.5 − 0.2 = 0.3 → 30; variance (0.5 + 0.2 − 0.09) / 10 = 0.061, se = 0.246982;
    # 0.3 ± z · 0.246982 = 0.3 ± 0.484075 → [−18.4075, 78.4075] in points.
    estimate = kind.estimate(row, None, CONFIDENCE)
    assert estimate.value == pytest.approx(30.0)
    assert estimate.low == pytest.approx(-18.4075, abs=1e-3)
    assert estimate.high == pytest.approx(78.4075, abs=1e-3)
    # 30 against −30 (two promoters, five detractors): 0.6 ± z · √(0.061 + 0.061) = 0.6 ± 0.684586.
    low, high = kind.difference_interval(
        "score",
        {"n": 10, "promoters": 5, "detractors": 2},
        {"n": 10, "promoters": 2, "detractors": 5},
        CONFIDENCE,
    )
    assert low == pytest.approx(-8.4586, abs=1e-3)
    assert high == pytest.approx(128.4586, abs=1e-3)
    assert kind.limits("NPS points") == (-100.0, 100.0)


def test_rate_with_its_exact_poisson_interval() -> None:
    kind = KINDS["rate"]
    # Three events over two hours of exposure.
    row = _aggregate(kind, pd.DataFrame({"value": [1.0, 0.0, 2.0], "exposure": [0.5, 1.0, 0.5]}))
    assert (row["n"], row["k"], row["exposure"]) == (3, 3.0, 2.0)
    # Garwood for 3 events: χ²(0.025, 6)/2 = 0.618672, χ²(0.975, 8)/2 = 8.767273; over 2 hours.
    estimate = kind.estimate(row, None, CONFIDENCE)
    assert estimate.value == 1.5
    assert estimate.low == pytest.approx(0.309336, abs=1e-6)
    assert estimate.high == pytest.approx(4.383637, abs=1e-6)
    # 3/2 against 1/4: 1.25 ± z · √(3/4 + 1/16) = 1.25 ± 1.959964 · 0.901388 = 1.25 ± 1.766688.
    low, high = kind.difference_interval(
        "rate", {"n": 3, "k": 3, "exposure": 2}, {"n": 1, "k": 1, "exposure": 4}, CONFIDENCE
    )
    assert low == pytest.approx(-0.516688, abs=1e-6)
    assert high == pytest.approx(3.016688, abs=1e-6)
    assert kind.estimate({"n": 0, "k": 0, "exposure": 0}, None, CONFIDENCE).value is None


def test_rate_complement_mirrors_the_rate() -> None:
    kind = KINDS["rate_complement"]
    # One leaver over ten average heads: attrition 0.1, retention 0.9. Garwood for 1 event:
    # χ²(0.025, 2)/2 = 0.025318, χ²(0.975, 4)/2 = 5.571643; over 10 → [0.002532, 0.557164], mirrored.
    estimate = kind.estimate({"n": 10, "k": 1.0, "exposure": 10.0}, None, CONFIDENCE)
    assert estimate.value == pytest.approx(0.9)
    assert estimate.low == pytest.approx(1 - 0.557164, abs=1e-6)
    assert estimate.high == pytest.approx(1 - 0.0025318, abs=1e-6)
    rows = {"n": 3, "k": 3, "exposure": 2}, {"n": 1, "k": 1, "exposure": 4}
    low, high = kind.difference_interval("rate", *rows, CONFIDENCE)
    assert low == pytest.approx(-3.016688, abs=1e-6)
    assert high == pytest.approx(0.516688, abs=1e-6)
    assert kind.limits("ratio") == (0.0, 1.0)


def test_ratio_of_sums_with_its_ratio_estimator_interval() -> None:
    kind = KINDS["ratio"]
    # Three agent-days (handled, staffed): (2, 4), (3, 4), (5, 8).
    row = _aggregate(kind, pd.DataFrame({"value": [2.0, 3.0, 5.0], "exposure": [4.0, 4.0, 8.0]}))
    assert (row["n"], row["sum_y"], row["sum_x"]) == (3, 10.0, 16.0)
    assert (row["sum_yy"], row["sum_xx"], row["sum_xy"]) == (38.0, 96.0, 60.0)
    # R = 10/16 = 0.625; residuals y − R·x = −0.5, 0.5, 0 → s² = 0.5/2 = 0.25;
    # se = √(0.25/3) / (16/3) = 0.054127; 0.625 ± t(0.975, 2) · se = 0.625 ± 4.302653 · 0.054127.
    estimate = kind.estimate(row, None, CONFIDENCE)
    assert estimate.value == 0.625
    assert estimate.standard_error == pytest.approx(0.054127, abs=1e-6)
    assert estimate.low == pytest.approx(0.392112, abs=1e-5)
    assert estimate.high == pytest.approx(0.857888, abs=1e-5)
    # 0.625 against 0.5, se 0.05 on three units each: df = 0.005² / (2 · 0.0025² / 2) = 4;
    # 0.125 ± t(0.975, 4) · √0.005 = 0.125 ± 2.776445 · 0.070711 = 0.125 ± 0.196324.
    low, high = kind.difference_interval(
        "ratio", {"n": 3, "value": 0.625, "se": 0.05}, {"n": 3, "value": 0.5, "se": 0.05}, CONFIDENCE
    )
    assert low == pytest.approx(-0.071324, abs=1e-5)
    assert high == pytest.approx(0.321324, abs=1e-5)


def test_values_read_as_text() -> None:
    assert KINDS["proportion"].format_value(0.3, "ratio") == "30.0%"
    assert KINDS["proportion"].format_record(True, "ratio") == "yes"
    assert KINDS["proportion"].format_record(False, "ratio") == "no"
    assert KINDS["nps"].format_value(30.0, "NPS points") == "+30.0"
    assert KINDS["nps"].format_value(-12.5, "NPS points") == "−12.5"
    assert KINDS["nps"].format_record(-1.0, "NPS points") == "−1"
    assert KINDS["nps"].format_record(1.0, "NPS points") == "+1"
    duration = KINDS["duration"]
    assert duration.format_value(45.0, "seconds") == "45 s"
    assert duration.format_value(90.0, "seconds") == "1.5 min"
    assert duration.format_value(5400.0, "seconds") == "1.5 h"
    assert duration.format_value(172800.0, "seconds") == "2.0 d"
    assert duration.format_value(899.64, "days") == "899.6 d"
    assert KINDS["count"].format_value(1234.0, "tickets") == "1,234"
    assert KINDS["mean"].format_value(2.5, "replies per ticket") == "2.50"
    assert KINDS["rate"].format_value(0.05, "ratio") == "5.0%"
    assert KINDS["rate"].format_value(3.456, "calls per hour") == "3.46"
    assert KINDS["rate_complement"].format_value(0.9, "ratio") == "90.0%"
    assert KINDS["ratio"].format_value(0.625, "ratio") == "62.5%"
    for kind in KINDS.values():
        assert kind.format_value(None, "ratio") == "—"
        assert kind.format_value(float("nan"), "seconds") == "—"
        assert kind.format_record(None, "ratio") == "—"
    # Units outside the catalogue, as the CLI prints them.
    assert format_quantity(2.25, "tickets per day") == "2.25"
    assert format_quantity(30.0, "agents") == "30"
