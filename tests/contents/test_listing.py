"""`kpidesk.list_values`: the values of each `--by` dimension with their counts and dates, against the
figures worked out by hand in tests/contents_fixture.py and counted from the demo's files."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import kpidesk
from kpidesk.contents import LISTINGS, find_listing
from kpidesk.metrics import DIMENSIONS
from kpidesk.workspace import Workspace


def _rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in frame.itertuples(index=False)]


def test_agents_with_names_teams_counts_and_dates(two_sources: Workspace) -> None:
    frame = kpidesk.list_values("agents", workspace=two_sources)
    assert list(frame.columns) == ["agent", "name", "team", "tickets", "calls", "first_seen", "last_seen"]
    assert _rows(frame) == [
        ("a1", "Dana Levi", "billing", 2, 1, date(2026, 3, 1), date(2026, 3, 4)),
        # a2's name is blank: None, never the text.
        ("a2", None, "billing", 1, 0, date(2026, 3, 3), date(2026, 3, 3)),
        ("a3", "Noa", "support", 0, 1, date(2026, 3, 4), date(2026, 3, 4)),
        (None, None, None, 1, 1, date(2026, 3, 5), date(2026, 3, 5)),
    ]


def test_teams_queues_channels_sources(two_sources: Workspace) -> None:
    assert _rows(kpidesk.list_values("teams", workspace=two_sources)) == [
        ("billing", 3, 1, 2, date(2026, 3, 1), date(2026, 3, 4)),
        ("support", 1, 1, 1, date(2026, 3, 4), date(2026, 3, 5)),
        (None, 0, 1, 0, date(2026, 3, 5), date(2026, 3, 5)),
    ]
    assert _rows(kpidesk.list_values("queues", workspace=two_sources)) == [
        ("q1", 2, date(2026, 3, 4), date(2026, 3, 4)),
        ("q2", 1, date(2026, 3, 5), date(2026, 3, 5)),
    ]
    assert _rows(kpidesk.list_values("channels", workspace=two_sources)) == [
        ("chat", 1, date(2026, 3, 3), date(2026, 3, 3)),
        ("email", 2, date(2026, 3, 1), date(2026, 3, 4)),
        (None, 1, date(2026, 3, 5), date(2026, 3, 5)),
    ]
    assert _rows(kpidesk.list_values("sources", workspace=two_sources)) == [
        ("alpha", 2, 0, date(2026, 3, 1), date(2026, 3, 3)),
        ("beta", 2, 3, date(2026, 3, 4), date(2026, 3, 5)),
    ]
    assert _rows(kpidesk.list_values("priorities", workspace=two_sources)) == [
        ("high", 1, date(2026, 3, 1), date(2026, 3, 1)),
        ("low", 1, date(2026, 3, 5), date(2026, 3, 5)),
        ("normal", 2, date(2026, 3, 3), date(2026, 3, 4)),
    ]
    assert _rows(kpidesk.list_values("calendars", workspace=two_sources)) == [
        ("default", 4, 3, date(2026, 3, 1), date(2026, 3, 5))
    ]
    assert kpidesk.list_values("segments", workspace=two_sources).empty


def test_every_listing_is_a_by_dimension() -> None:
    assert {listing.dimension for listing in LISTINGS.values()} == set(DIMENSIONS)
    assert all(DIMENSIONS[listing.dimension] == listing.column for listing in LISTINGS.values())


def test_singular_names_and_unknown_kinds() -> None:
    assert find_listing("agent").name == "agents" and find_listing("Queues").name == "queues"
    with pytest.raises(ValueError, match=r"^unknown dimension agnts; did you mean agents\?$"):
        find_listing("agnts")
    with pytest.raises(ValueError, match=r"^unknown dimension teem; did you mean team"):
        find_listing("teem")
    with pytest.raises(ValueError, match=r"^unknown dimension xyz; expected one of: agents, teams, queues, "):
        find_listing("xyz")


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_demo_values_match_its_files(small_demo: Workspace) -> None:
    data = small_demo.path / "data"
    calls = _csv_rows(data / "calls.csv")
    queues = kpidesk.list_values("queues", workspace=small_demo)
    assert dict(zip(queues["queue"], queues["calls"], strict=True)) == Counter(r["queue"] for r in calls)
    tickets = _csv_rows(data / "tickets.csv")
    channels = kpidesk.list_values("channels", workspace=small_demo)
    assert dict(zip(channels["channel"], channels["tickets"], strict=True)) == Counter(
        r["channel"] for r in tickets
    )
    roster = _csv_rows(data / "agents.csv")
    agents = kpidesk.list_values("agents", workspace=small_demo)
    named = agents[agents["agent"].notna()]
    assert sorted(zip(named["agent"], named["name"], named["team"], strict=True)) == sorted(
        (r["agent_id"], r["name"], r["team_id"]) for r in roster
    )
    answered = Counter(r["agent_id"] or None for r in calls)
    assert dict(zip(agents["agent"], agents["calls"], strict=True)) == {
        **{r["agent_id"]: 0 for r in roster},
        **answered,
    }
