"""The fewest agents meeting a target, shrinkage, and the many-interval Erlang C search."""

from __future__ import annotations

import numpy as np
import pytest

from kpidesk.staffing import (
    StaffingTarget,
    erlang_c,
    evaluate_agents,
    parse_interval,
    parse_target,
    required_agents,
    required_agents_erlang_c,
    scheduled_agents,
)

EIGHTY_TWENTY = StaffingTarget(service_level=0.8, threshold_s=20)


def test_eighty_twenty_on_ten_erlangs_needs_fourteen_agents() -> None:
    # 13 agents: SL(20) = 0.795595 < 0.8; 14 agents: 0.888350 (see test_erlang).
    assert erlang_c(100, 1800, 180, 13, 20).service_level == pytest.approx(0.795595, abs=1e-6)
    requirement = required_agents(100, 1800, 180, EIGHTY_TWENTY)
    assert (requirement.figures.agents, requirement.scheduled) == (14, 14)
    assert requirement.figures.p_wait == pytest.approx(0.1741, abs=5e-5)


def test_search_starts_at_floor_of_traffic_plus_one() -> None:
    # A = 96 · 180 / 1800 = 9.6 Erlangs: floor(A) + 1 = 10 agents give SL(20) = 0.178265, which meets 15/20.
    # A search from round(A + 1) = 11 would answer 11.
    assert erlang_c(96, 1800, 180, 10, 20).service_level == pytest.approx(0.178265, abs=1e-6)
    lenient = StaffingTarget(service_level=0.15, threshold_s=20)
    assert required_agents(96, 1800, 180, lenient).figures.agents == 10


def test_each_criterion_and_their_combination() -> None:
    # ASA ≤ 10 s: 13 agents give 17.12 s, 14 give 7.84 s.
    assert required_agents(100, 1800, 180, StaffingTarget(max_asa_s=10)).figures.agents == 14
    # Occupancy ≤ 0.65: 10 / n ≤ 0.65 → n ≥ 15.38 → 16.
    assert required_agents(100, 1800, 180, StaffingTarget(max_occupancy=0.65)).figures.agents == 16
    # 80/20 alone needs 14; with the cap, the cap decides.
    both = StaffingTarget(service_level=0.8, threshold_s=20, max_occupancy=0.65)
    assert required_agents(100, 1800, 180, both).figures.agents == 16


def test_erlang_a_needs_fewer_agents_when_callers_abandon() -> None:
    # With a 300 s mean patience, 13 agents give SL 0.858 with 2.5% abandoning (12 give 0.772).
    assert evaluate_agents(100, 1800, 180, 12, 20, model="erlang-a", patience_s=300).service_level < 0.8
    requirement = required_agents(100, 1800, 180, EIGHTY_TWENTY, model="erlang-a", patience_s=300)
    assert requirement.figures.agents == 13
    assert requirement.figures.abandonment == pytest.approx(0.02496, abs=1e-5)
    capped = StaffingTarget(max_abandonment=0.01)
    assert required_agents(100, 1800, 180, capped, model="erlang-a", patience_s=300).figures.agents == 15


def test_shrinkage() -> None:
    # 14 on the phones with 30% shrinkage: 14 / 0.7 = 20 exactly; 15 / 0.7 = 21.43 → 22.
    assert required_agents(100, 1800, 180, EIGHTY_TWENTY, shrinkage=0.3).scheduled == 20
    assert scheduled_agents(15, 0.3) == 22
    assert scheduled_agents(0, 0.3) == 0
    with pytest.raises(ValueError, match="shrinkage"):
        scheduled_agents(14, 1.0)


def test_no_calls_need_no_agents() -> None:
    assert required_agents(0, 1800, 180, EIGHTY_TWENTY).figures.agents == 0


def test_many_intervals_at_once_match_one_by_one() -> None:
    rng = np.random.default_rng(5)
    calls = np.r_[0.0, rng.uniform(0, 500, 300)]
    aht = rng.uniform(60, 600, 301)
    target = StaffingTarget(service_level=0.9, threshold_s=30, max_asa_s=25, max_occupancy=0.9)
    many = required_agents_erlang_c(calls, 1800, aht, target)
    one_by_one = [required_agents(c, 1800, a, target).figures.agents for c, a in zip(calls, aht, strict=True)]
    assert many.tolist() == one_by_one
    assert many[0] == 0


def test_unreachable_and_bad_targets() -> None:
    with pytest.raises(ValueError, match="at least one target"):
        StaffingTarget()
    with pytest.raises(ValueError, match="between 0% and 100%"):
        StaffingTarget(service_level=1.0)
    with pytest.raises(ValueError, match="patience"):
        required_agents(100, 1800, 180, EIGHTY_TWENTY, model="erlang-a")
    with pytest.raises(ValueError, match="unknown queueing model"):
        required_agents(100, 1800, 180, EIGHTY_TWENTY, model="erlang-x")


@pytest.mark.parametrize(
    "text,expected",
    [("80/20", (0.8, 20)), ("80%/20s", (0.8, 20)), (" 90 / 15 ", (0.9, 15)), ("99.5/10", (0.995, 10))],
)
def test_parse_target(text: str, expected: tuple[float, float]) -> None:
    assert parse_target(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["80", "eighty/20", "100/20", "0/20", "80/-5"])
def test_parse_target_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_target(text)


def test_parse_interval() -> None:
    assert [parse_interval(t) for t in ("30m", "1h", "900s", "15", "30min")] == [1800, 3600, 900, 900, 1800]
    with pytest.raises(ValueError, match="interval"):
        parse_interval("half an hour")
