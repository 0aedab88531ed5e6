"""The demo's users: one of each role, with fixed passwords that `kpidesk demo` prints."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kpidesk.accounts._store import AccountStore

if TYPE_CHECKING:
    from kpidesk.workspace import Workspace

__all__ = ["DEMO_USERS", "demo_users"]

#: (name, password, role, teams, agent id): agent A002 works in team billing in the demo data.
DEMO_USERS = (
    ("admin", "demo-admin-pass", "admin", (), None),
    ("manager", "demo-manager-pass", "manager", ("billing",), None),
    ("agent", "demo-agent-pass", "agent", ("billing",), "A002"),
)


def demo_users(workspace: Workspace | str | Path) -> list[tuple[str, str, str]]:
    """Create the demo's admin, billing manager and agent A002 in the workspace (replacing users of the
    same names); (name, password, role) of each, to print how to log in."""
    directory = workspace if isinstance(workspace, str | Path) else workspace.path
    store = AccountStore.of_workspace(directory)
    existing = {user.name for user in store.users()}
    created = []
    for name, password, role, teams, agent_id in DEMO_USERS:
        if name in existing:
            store.remove_user(name)
        store.add_user(name, password, role, teams=teams, agent_id=agent_id)
        created.append((name, password, role))
    return created
