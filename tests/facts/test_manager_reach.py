"""manager_reach, derived with the facts: when each ticket of tests/management_fixture.py reached a manager
and whether it went further, and derived again when the agents' roles change."""

from __future__ import annotations

from pathlib import Path

import kpidesk
from kpidesk.workspace import Workspace


def _reach(ws: Workspace) -> dict[str, bool]:
    with ws.connect(read_only=True) as con:
        rows = con.execute("SELECT ticket_id, went_further FROM manager_reach ORDER BY ticket_id").fetchall()
    return {str(ticket): bool(further) for ticket, further in rows}


def test_the_tickets_that_reached_a_manager_and_went_further(management_workspace: Workspace) -> None:
    kpidesk.refresh_facts(management_workspace)
    # The fixture's table: M03 stops at level 2 and M10 has no events; M02 goes back to a1, M06 above
    # level 3, M07 to a1 after its reopen; M04 only moves between managers, M08 escalates to 3 again.
    assert _reach(management_workspace) == {
        "M01": False,
        "M02": True,
        "M04": False,
        "M05": False,
        "M06": True,
        "M07": True,
        "M08": False,
        "M09": False,
        "M11": False,
    }


def test_a_new_role_derives_the_reach_again(management_workspace: Workspace, tmp_path: Path) -> None:
    kpidesk.refresh_facts(management_workspace)
    agents = tmp_path / "agents.csv"
    agents.write_text("agent_id,name,team_id,role\nm2,Rana,technical,agent\n", encoding="utf-8")
    kpidesk.import_files([agents], "agents", workspace=management_workspace)
    reach = _reach(management_workspace)
    # m2 is no longer a manager: M05 (assigned only to m2) never reached one, and M04 went further when
    # m1 handed it to m2.
    assert "M05" not in reach
    assert reach["M04"] is True
    assert len(reach) == 8
