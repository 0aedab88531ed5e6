"""Users and roles: what each role needs (a manager's teams, an agent's id), checked before anything is
written, with the reason in the message."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from kpidesk.accounts import ROLES, AccountError, AccountStore, User

PASSWORD = "correct horse battery"


def test_the_roles() -> None:
    assert ROLES == ("admin", "manager", "agent")


def test_users_are_kept_with_their_teams_and_agent(store: AccountStore) -> None:
    added = store.add_user("dana", PASSWORD, "manager", teams=["billing", "sales", "billing"])
    assert added == User("dana", "manager", ("billing", "sales"), None, datetime(2026, 3, 1, 8, tzinfo=UTC))
    store.add_user("ali", PASSWORD, "agent", teams=["billing"], agent_id="A002")
    store.add_user("root", PASSWORD, "admin")
    assert [(u.name, u.role, u.teams, u.agent_id) for u in store.users()] == [
        ("ali", "agent", ("billing",), "A002"),
        ("dana", "manager", ("billing", "sales"), None),
        ("root", "admin", (), None),
    ]
    assert store.user("dana") == added
    assert store.user("Dana") is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        added.role = "admin"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "role", "teams", "agent_id", "message"),
    [
        ("dana", "boss", (), None, "unknown role boss; choose one of admin, manager, agent"),
        ("", "admin", (), None, "user name '' is empty or starts or ends with a space"),
        (
            "dana levi",
            "admin",
            (),
            None,
            "user name 'dana levi' holds a space; use letters, digits, dots or dashes",
        ),
        ("d" * 65, "admin", (), None, "user name 'dddddddddddddddddddd'… is longer than 64 characters"),
        ("da\x1bna", "admin", (), None, "user name 'da\\x1bna' holds a control character"),
        (
            "root",
            "admin",
            ("billing",),
            None,
            "an admin sees every team and agent: give no team and no agent id",
        ),
        ("root", "admin", (), "A001", "an admin sees every team and agent: give no team and no agent id"),
        ("dana", "manager", (), None, "manager dana needs at least one team to manage"),
        ("dana", "manager", ("billing",), "A1", "a manager sees their teams' agents: give no agent id"),
        ("ali", "agent", ("billing",), None, "agent ali needs the agent id the warehouse knows them by"),
        ("ali", "agent", ("billing", "sales"), "A2", "an agent belongs to one team, not 2"),
        ("ali", "agent", (" billing",), "A2", "team ' billing' is empty or starts or ends with a space"),
    ],
)
def test_users_that_do_not_fit_their_role_are_refused(
    store: AccountStore, name: str, role: str, teams: tuple[str, ...], agent_id: str | None, message: str
) -> None:
    with pytest.raises(AccountError) as caught:
        store.add_user(name, PASSWORD, role, teams=teams, agent_id=agent_id)
    assert str(caught.value) == message
    assert store.users() == []


def test_a_taken_name_and_a_weak_password_are_refused(store: AccountStore) -> None:
    store.add_user("dana", PASSWORD, "admin")
    with pytest.raises(AccountError) as caught:
        store.add_user("dana", "another passphrase", "admin")
    assert str(caught.value) == "user dana already exists; `kpidesk users passwd dana` changes the password"
    with pytest.raises(AccountError, match=r"^the password must not be the user name$"):
        store.add_user("lee.cohen1", "LEE.COHEN1", "admin")
    with pytest.raises(AccountError, match=r"^the password must be at least 10 characters long$"):
        store.set_password("dana", "short")
    assert store.verify_password("dana", PASSWORD, "10.0.0.1") is not None


def test_unknown_users_cannot_be_changed_or_removed(store: AccountStore) -> None:
    with pytest.raises(AccountError, match=r"^unknown user ghost$"):
        store.set_password("ghost", PASSWORD)
    with pytest.raises(AccountError, match=r"^unknown user ghost$"):
        store.remove_user("ghost")
