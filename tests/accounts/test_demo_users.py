"""The demo's users: one of each role, each able to log in with the password `kpidesk demo` prints; the
agent is A002, who works in team billing in the demo data."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpidesk.accounts import AccountStore, demo_users
from kpidesk.demo import generate_tickets

EXPECTED = [
    ("admin", "demo-admin-pass", "admin"),
    ("manager", "demo-manager-pass", "manager"),
    ("agent", "demo-agent-pass", "agent"),
]


def test_one_user_of_each_role_logs_in(tmp_path: Path) -> None:
    assert demo_users(tmp_path) == EXPECTED
    store = AccountStore.of_workspace(tmp_path)
    assert [(u.name, u.role, u.teams, u.agent_id) for u in store.users()] == [
        ("admin", "admin", (), None),
        ("agent", "agent", ("billing",), "A002"),
        ("manager", "manager", ("billing",), None),
    ]
    for name, password, _ in EXPECTED:
        assert store.verify_password(name, password, "127.0.0.1") == store.user(name)


def test_running_it_again_replaces_the_demo_users(tmp_path: Path) -> None:
    demo_users(tmp_path)
    store = AccountStore.of_workspace(tmp_path)
    store.set_password("admin", "someone changed it")
    store.add_user("dana", "correct horse battery", "admin")
    assert demo_users(str(tmp_path)) == EXPECTED
    assert store.verify_password("admin", "demo-admin-pass", "127.0.0.1") is not None
    assert [u.name for u in store.users()] == ["admin", "agent", "dana", "manager"]


@pytest.mark.parametrize("seed", [3, 7])
def test_the_demo_agent_is_a_billing_agent_in_the_demo_data(seed: int) -> None:
    agents = {row["agent_id"]: row for row in generate_tickets(50, seed=seed).agents.to_pylist()}
    assert (agents["A002"]["team_id"], agents["A002"]["role"], agents["A002"]["left_at"]) == (
        "billing",
        "agent",
        None,
    )
