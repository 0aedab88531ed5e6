"""The Ciw simulation against the Erlang C worked example and an explicit Erlang A birth–death chain."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest
from erlang_reference import birth_death_erlang_a

from kpidesk.staffing._simulation import MEASURES, simulate_interval, simulate_plan

# The published Erlang C worked example: 100 calls in 30 minutes, AHT 180 s, 14 agents, T = 20 s.
# A = 100 · 180 / 1800 = 10 Erlangs; Pw = (A^N/N! · N/(N−A)) / (Σᵢ₌₀^{N−1} Aⁱ/i! + A^N/N! · N/(N−A)) = 0.1741;
# ASA = Pw · AHT / (N − A) = 0.1741 · 180 / 4 = 7.84 s; occupancy = A / N = 0.714;
# SL = 1 − Pw · exp(−(N − A) · T / AHT) = 1 − 0.1741 · exp(−0.444) = 0.888 (above the 80% target).
_A, _N, _AHT, _T = 10.0, 14, 180.0, 20.0
_TOP = _A**_N / math.factorial(_N) * _N / (_N - _A)
_PW = _TOP / (sum(_A**i / math.factorial(i) for i in range(_N)) + _TOP)
ERLANG_C_EXAMPLE = {
    "service_level": 1 - _PW * math.exp(-(_N - _A) * _T / _AHT),
    "asa": _PW * _AHT / (_N - _A),
    "p_wait": _PW,
    "abandonment": 0.0,
    "occupancy": _A / _N,
}
# The widest 99% half-width each measure may have at 120 replications of 8 hours, about 1.5 times what
# these runs give: wider would mean an interval that could not catch a wrong formula.
MAX_HALF_WIDTH = {
    "service_level": 0.015,
    "asa": 1.3,
    "p_wait": 0.017,
    "abandonment": 0.004,
    "occupancy": 0.01,
}


def _by_measure(figures: pd.DataFrame) -> pd.DataFrame:
    return figures.set_index("measure")


def _assert_inside(figures: pd.DataFrame, expected: dict[str, float]) -> None:
    table = _by_measure(figures)
    for measure in MEASURES:
        low, high = table.loc[measure, "ci_low"], table.loc[measure, "ci_high"]
        assert low <= expected[measure] <= high, (measure, expected[measure], low, high)
        assert (high - low) / 2 <= MAX_HALF_WIDTH[measure], (measure, low, high)


def test_worked_example_numbers() -> None:
    assert ERLANG_C_EXAMPLE["p_wait"] == pytest.approx(0.1741, abs=5e-5)
    assert ERLANG_C_EXAMPLE["asa"] == pytest.approx(7.84, abs=5e-3)
    assert ERLANG_C_EXAMPLE["occupancy"] == pytest.approx(0.714, abs=5e-4)
    assert ERLANG_C_EXAMPLE["service_level"] == pytest.approx(0.8884, abs=5e-5)


def test_erlang_c_worked_example_inside_simulated_intervals() -> None:
    figures = simulate_interval(
        calls=100,
        interval_s=1800,
        aht_s=180,
        agents=14,
        threshold_s=20,
        replications=120,
        seed=1,
        confidence=0.99,
    )
    assert list(figures["measure"]) == list(MEASURES)
    assert (figures["replications"] == 120).all()
    _assert_inside(figures, ERLANG_C_EXAMPLE)
    abandonment = _by_measure(figures).loc["abandonment"]
    assert abandonment["mean"] == abandonment["ci_low"] == abandonment["ci_high"] == 0.0


def test_reference_chain_tends_to_erlang_c() -> None:
    # With patience far beyond any wait, Erlang A is Erlang C: the chain must find the worked example.
    reference = birth_death_erlang_a(100, 1800, 180, 14, 1e8, 20)
    for measure in MEASURES:
        assert reference[measure] == pytest.approx(ERLANG_C_EXAMPLE[measure], rel=1e-5, abs=1e-6), measure


def test_reference_chain_is_self_consistent() -> None:
    reference = birth_death_erlang_a(100, 1800, 180, 12, 300, 20)
    # Answered share from the tagged caller equals 1 − abandonment, and occupancy is λ(1 − ab)·AHT / n.
    assert reference["occupancy"] == pytest.approx(10 * (1 - reference["abandonment"]) / 12, rel=1e-9)
    assert 0 < reference["service_level"] < 1 - reference["abandonment"]
    assert reference["mean_wait"] > reference["asa"] * (1 - reference["abandonment"])


def test_erlang_a_inside_simulated_intervals() -> None:
    reference = birth_death_erlang_a(100, 1800, 180, 12, 300, 20)
    figures = simulate_interval(
        calls=100,
        interval_s=1800,
        aht_s=180,
        agents=12,
        threshold_s=20,
        patience_s=300,
        replications=120,
        seed=2,
        confidence=0.99,
    )
    _assert_inside(figures, reference)


def test_same_seed_same_figures_and_callers_random_state_kept() -> None:
    random.seed(7)
    before = random.getstate()
    first = simulate_interval(
        calls=60,
        interval_s=1800,
        aht_s=240,
        agents=10,
        threshold_s=30,
        patience_s=120,
        replications=3,
        hours=1,
        seed=5,
    )
    assert random.getstate() == before
    second = simulate_interval(
        calls=60,
        interval_s=1800,
        aht_s=240,
        agents=10,
        threshold_s=30,
        patience_s=120,
        replications=3,
        hours=1,
        seed=5,
    )
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.parametrize(
    "change",
    [
        {"agents": 10},  # Erlang C at 10 Erlangs: no steady state
        {"agents": 0},
        {"replications": 1},
        {"patience_s": 0.0},
        {"confidence": 1.0},
        {"calls": 0},
    ],
)
def test_rejects_what_cannot_be_simulated(change: dict[str, float]) -> None:
    arguments: dict[str, float] = {
        "calls": 100,
        "interval_s": 1800,
        "aht_s": 180,
        "agents": 14,
        "threshold_s": 20,
        "replications": 2,
        "hours": 0.5,
    } | change
    with pytest.raises(ValueError):
        simulate_interval(**arguments)  # type: ignore[arg-type]


def test_simulate_plan_skips_empty_interval_and_reports_progress() -> None:
    plan = pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-03-04 09:00", periods=3, freq="30min"),
            "forecast_calls": [100.0, 0.0, 60.0],
            "aht_s": [180.0, 180.0, 240.0],
            "agents": [14, 0, 10],
            "interval_s": [1800.0] * 3,
            "patience_s": [np.nan, np.nan, 120.0],
        }
    )
    calls: list[tuple[int, int]] = []
    result = simulate_plan(
        plan,
        threshold_s=20,
        replications=8,
        hours=4,
        seed=3,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert list(result["interval_start"]) == list(plan["interval_start"])
    parts = ("mean", "low", "high")
    assert list(result.columns) == ["interval_start", *(f"{m}_{p}" for m in MEASURES for p in parts)]

    empty = result.iloc[1].drop("interval_start")
    assert empty.isna().all()
    for index in (0, 2):
        row = result.iloc[index]
        for measure in MEASURES:
            assert row[f"{measure}_low"] <= row[f"{measure}_mean"] <= row[f"{measure}_high"], (index, measure)
        assert 0.5 < row["service_level_mean"] <= 1
        assert 0 < row["p_wait_mean"] < 0.5
    assert result.loc[0, "abandonment_mean"] == 0.0
    assert result.loc[0, "occupancy_mean"] == pytest.approx(10 / 14, abs=0.04)
    reference = birth_death_erlang_a(60, 1800, 240, 10, 120, 20)
    assert result.loc[2, "abandonment_mean"] == pytest.approx(reference["abandonment"], abs=0.03)
    assert result.loc[2, "occupancy_mean"] == pytest.approx(reference["occupancy"], abs=0.05)


def test_intervals_stay_within_what_is_possible() -> None:
    """One call an interval over three one-hour replications: the Student-t interval around each share
    is wider than [0, 1] and is cut back to it; the mean wait's interval stops at zero."""
    table = simulate_interval(
        calls=1, interval_s=1800, aht_s=317, agents=1, threshold_s=20, replications=3, hours=1
    ).set_index("measure")
    for measure in ("service_level", "p_wait", "occupancy"):
        low, high = table.loc[measure, "ci_low"], table.loc[measure, "ci_high"]
        assert 0.0 <= low <= table.loc[measure, "mean"] <= high <= 1.0, measure
    # With three replications the t-quantile is 4.30: a spread this wide reaches below zero uncut.
    assert table.loc["service_level", "ci_low"] == 0.0
    assert table.loc["service_level", "ci_high"] == 1.0
    assert table.loc["asa", "ci_low"] == 0.0 < table.loc["asa", "mean"]
