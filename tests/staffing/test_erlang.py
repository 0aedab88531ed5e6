"""Erlang B, C and A against published worked examples, independent formulas and a birth–death chain."""

from __future__ import annotations

import math

import pytest
from erlang_reference import birth_death_erlang_a
from scipy import stats

from kpidesk.staffing import erlang_a, erlang_b, erlang_b_lines, erlang_c


def test_erlang_b_ten_erlangs_at_two_percent_needs_seventeen_lines() -> None:
    # B(n) = 10·B(n−1) / (n + 10·B(n−1)) from B(0) = 1: … B(14) = 0.056819, B(15) = 0.036497,
    # B(16) = 0.022302 (above 2%), B(17) = 0.012949 (below).
    assert erlang_b(10, 16) == pytest.approx(0.022302, abs=1e-6)
    assert erlang_b(10, 17) == pytest.approx(0.012949, abs=1e-6)
    assert erlang_b_lines(10, 0.02) == 17
    assert erlang_b(10, 0) == 1.0


def test_erlang_c_published_example() -> None:
    # 100 calls in 30 minutes, AHT 180 s: A = 100 · 180 / 1800 = 10 Erlangs. With 14 agents B(14) = 0.056819,
    # C = 14 · 0.056819 / (14 − 10 · 0.943181) = 0.795468 / 4.568191 = 0.174132;
    # SL(20) = 1 − 0.174132 · exp(−4 · 20 / 180) = 1 − 0.174132 · 0.641180 = 0.888350;
    # ASA = 0.174132 · 180 / 4 = 7.8359 s; occupancy 10 / 14 = 0.714.
    figures = erlang_c(100, 1800, 180, 14, 20)
    assert figures.p_wait == pytest.approx(0.1741, abs=5e-5)
    assert figures.asa == pytest.approx(7.84, abs=5e-3)
    assert figures.occupancy == pytest.approx(0.714, abs=5e-4)
    assert figures.service_level == pytest.approx(0.888350, abs=1e-6)
    assert (figures.abandonment, figures.stable) == (0.0, True)


def test_erlang_c_without_enough_agents_is_unstable() -> None:
    figures = erlang_c(100, 1800, 180, 10, 20)  # agents = traffic: the queue grows without bound
    assert (figures.stable, figures.service_level, figures.asa, figures.p_wait) == (False, 0.0, math.inf, 1.0)


def test_no_calls_has_nothing_to_measure() -> None:
    for figures in (erlang_c(0, 1800, 180, 3, 20), erlang_a(0, 1800, 180, 3, 300, 20)):
        assert figures.traffic == 0 and math.isnan(figures.service_level) and math.isnan(figures.occupancy)


def test_five_thousand_agents_without_overflow() -> None:
    # Erlang B equals the truncated Poisson ratio pmf(n) / cdf(n), which scipy computes in logarithms.
    expected = stats.poisson.pmf(5000, 4900) / stats.poisson.cdf(5000, 4900)
    assert erlang_b(4900, 5000) == pytest.approx(expected, rel=1e-9)
    big = erlang_c(4900 * 10, 1800, 180, 5000, 20)  # 4,900 Erlangs
    assert big.stable and 0 < big.p_wait < 1 and 0 < big.service_level < 1
    assert big.occupancy == pytest.approx(0.98)
    patient = erlang_a(4900 * 10, 1800, 180, 5000, 300, 20)
    assert all(
        math.isfinite(v)
        for v in (patient.p_wait, patient.service_level, patient.asa, patient.abandonment, patient.occupancy)
    )
    assert 0 < patient.abandonment < big.p_wait
    # Fewer agents than Erlangs: abandonment keeps Erlang A stable; about (A − n)/A of callers leave.
    short = erlang_a(5000 * 10, 1800, 180, 4500, 300, 20)
    assert short.abandonment == pytest.approx(0.1, abs=0.01) and short.occupancy < 1


@pytest.mark.parametrize(
    "calls,aht,agents,patience,threshold",
    [
        (100, 180, 12, 300, 20),
        (100, 180, 14, 120, 20),
        (60, 240, 6, 60, 30),
        (200, 300, 30, 600, 60),
        (40, 180, 2, 200, 20),
    ],
)
def test_erlang_a_matches_an_independent_birth_death_chain(
    calls: float, aht: float, agents: int, patience: float, threshold: float
) -> None:
    figures = erlang_a(calls, 1800, aht, agents, patience, threshold)
    reference = birth_death_erlang_a(calls, 1800, aht, agents, patience, threshold)
    for measure in ("service_level", "asa", "p_wait", "abandonment", "occupancy"):
        assert getattr(figures, measure) == pytest.approx(reference[measure], rel=1e-6, abs=1e-9), measure


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    c = erlang_c(100, 1800, 180, 14, 20)
    a = erlang_a(100, 1800, 180, 14, 1e9, 20)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-6)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-6)
    assert a.asa == pytest.approx(c.asa, rel=1e-5)


def test_erlang_a_with_no_agents_loses_every_caller() -> None:
    figures = erlang_a(100, 1800, 180, 0, 300, 20)
    assert (figures.service_level, figures.abandonment, figures.p_wait) == (0.0, 1.0, 1.0)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="interval"):
        erlang_c(100, 0, 180, 14, 20)
    with pytest.raises(ValueError, match="negative"):
        erlang_c(-1, 1800, 180, 14, 20)
    with pytest.raises(ValueError, match="patience"):
        erlang_a(100, 1800, 180, 14, 0, 20)
    with pytest.raises(ValueError, match="blocking"):
        erlang_b_lines(10, 0)
