"""The overview's cards, per role, on a helpdesk made by hand: team `duo` has two agents, team `trio` three.

Every ticket is created at 12:00 in Jerusalem on a working day of June 2026 and solved an hour later;
agent D1 solves 6, D2 4, T1 3, T2 3 and T3 3.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from web_fixture import hand_made_helpdesk, solved_ticket

from kpidesk.views import Audience, Forbidden, overview
from kpidesk.workspace import Workspace

LAST = date(2026, 6, 11)
SOLVED = {"D1": ("duo", 6), "D2": ("duo", 4), "T1": ("trio", 3), "T2": ("trio", 3), "T3": ("trio", 3)}


def _rows() -> list[dict[str, Any]]:
    return [
        solved_ticket(agent, team, i, datetime(2026, 6, 7 + i % 5, 9), 10, 1)
        for agent, (team, count) in SOLVED.items()
        for i in range(count)
    ]


@pytest.fixture(scope="module")
def helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return hand_made_helpdesk(tmp_path_factory.mktemp("overview") / "ws", _rows())


def _card(result: Any, metric: str) -> Any:
    (card,) = [c for c in result.cards if c.metric == metric]
    return card


def test_an_admin_sees_the_organisation(helpdesk: Workspace) -> None:
    result = overview(helpdesk, Audience("admin"), last_day=LAST, metrics=["solved"])
    assert (result.start, result.end) == (date(2026, 5, 15), LAST)
    assert _card(result, "solved").value == 19


def test_a_manager_sees_their_team_and_nothing_else(helpdesk: Workspace) -> None:
    lead = Audience("manager", teams=("trio",))
    assert (
        _card(overview(helpdesk, lead, team="trio", last_day=LAST, metrics=["solved"]), "solved").value == 9
    )
    with pytest.raises(Forbidden):
        overview(helpdesk, lead, team="duo", last_day=LAST, metrics=["solved"])
    with pytest.raises(Forbidden):
        overview(helpdesk, lead, last_day=LAST, metrics=["solved"])


def test_an_agent_sees_their_own_numbers_beside_a_team_of_three(helpdesk: Workspace) -> None:
    me = Audience("agent", agent_id="T2", agent_team="trio")
    card = _card(overview(helpdesk, me, team="duo", last_day=LAST, metrics=["solved"]), "solved")
    assert (card.value, card.team_value) == (3, 9)


def test_no_team_average_where_it_would_reveal_the_one_colleague(helpdesk: Workspace) -> None:
    me = Audience("agent", agent_id="D1", agent_team="duo")
    result = overview(helpdesk, me, last_day=LAST, metrics=["solved"])
    card = _card(result, "solved")
    assert card.value == 6 and card.team_value is None
    assert result.team == "duo" and result.agent == "D1"
