"""Agents' names beside their ids in KPI results grouped by agent (tests/contents_fixture.py)."""

from __future__ import annotations

import csv

import kpidesk
from kpidesk.workspace import Workspace


def test_kpis_by_agent_carry_the_agents_names(two_sources: Workspace) -> None:
    frame = kpidesk.kpis(two_sources, metrics=["volume"], by=["agent"], period="all")
    assert list(frame.columns).index("agent_name") == list(frame.columns).index("agent") + 1
    # a1 is named; a2's name is blank and B2 has no agent: None, never the text.
    assert sorted(
        (r["agent"] if isinstance(r["agent"], str) else "", r["agent_name"], r["value"])
        for r in frame.to_dict(orient="records")
    ) == [("", None, 1.0), ("a1", "Dana Levi", 2.0), ("a2", None, 1.0)]


def test_names_follow_their_dimension_among_several(two_sources: Workspace) -> None:
    frame = kpidesk.kpis(two_sources, metrics=["volume"], by=["team", "agent"], period="all")
    columns = list(frame.columns)
    assert columns[columns.index("team") : columns.index("team") + 3] == ["team", "agent", "agent_name"]
    rows = {(r["team"], r["agent"]): r["agent_name"] for r in frame.to_dict(orient="records")}
    assert rows[("billing", "a1")] == "Dana Levi" and rows[("billing", "a2")] is None


def test_without_agent_no_name_column(two_sources: Workspace) -> None:
    frame = kpidesk.kpis(two_sources, metrics=["volume"], by=["team"], period="all")
    assert not any(c.endswith("_name") for c in frame.columns)


def test_the_demo_agents_names_are_those_of_its_roster(small_demo: Workspace) -> None:
    with (small_demo.path / "data" / "agents.csv").open(encoding="utf-8", newline="") as f:
        roster = {r["agent_id"]: r["name"] for r in csv.DictReader(f)}
    frame = kpidesk.kpis(small_demo, metrics=["volume"], by=["agent"], period="all")
    named = frame[frame["agent"].notna()]
    assert len(named) > 20
    assert all(roster[a] == n for a, n in zip(named["agent"], named["agent_name"], strict=True))
