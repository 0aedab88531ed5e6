"""Who may see what: each role's teams, and the refusals, which name no one."""

from __future__ import annotations

import pytest

from kpidesk.views import Audience, Forbidden


def test_an_admin_sees_the_organisation_and_every_team() -> None:
    admin = Audience("admin")
    admin.check_team(None)
    admin.check_team("billing")
    assert admin.teams_visible(["billing", "sales"]) == ["billing", "sales"]


def test_a_manager_sees_only_their_teams() -> None:
    lead = Audience("manager", teams=("billing",))
    lead.check_team("billing")
    assert lead.teams_visible(["billing", "sales"]) == ["billing"]
    with pytest.raises(Forbidden, match="may not see this team"):
        lead.check_team("sales")
    with pytest.raises(Forbidden, match="administrators"):
        lead.check_team(None)


def test_an_agent_sees_only_their_own_figures() -> None:
    agent = Audience("agent", agent_id="A002", agent_team="billing")
    agent.check_agent("A002")
    with pytest.raises(Forbidden) as refused:
        agent.check_agent("A003")
    assert "A003" not in str(refused.value)
    assert agent.teams_visible(["billing", "sales"]) == ["billing"]


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        Audience("owner")
