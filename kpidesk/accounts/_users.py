"""Users and their roles: who may see what.

An admin sees everything; a manager sees the teams they manage; an agent sees their own numbers (their
agent id in the warehouse) and their team's average."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from kpidesk.accounts._errors import AccountError

__all__ = ["MAX_NAME_LENGTH", "ROLES", "User", "check_user", "user_columns", "user_from_row"]

ROLES = ("admin", "manager", "agent")
MAX_NAME_LENGTH = 64


@dataclass(frozen=True)
class User:
    name: str
    role: str
    #: A manager's teams (what they may see); an agent's team.
    teams: tuple[str, ...]
    #: An agent's id in the warehouse (whose numbers they see); None for the other roles.
    agent_id: str | None
    created_at: datetime
    #: The language the user last chose (he, ar, en); None until they choose one.
    language: str | None = None


def _check_word(what: str, value: str) -> str:
    if not value or value != value.strip():
        raise AccountError(f"{what} {value!r} is empty or starts or ends with a space")
    if len(value) > MAX_NAME_LENGTH:
        raise AccountError(f"{what} {value[:20]!r}… is longer than {MAX_NAME_LENGTH} characters")
    if not value.isprintable():
        raise AccountError(f"{what} {value!r} holds a control character")
    return value


def check_user(name: str, role: str, teams: Sequence[str], agent_id: str | None) -> tuple[str, ...]:
    """The user's teams, once each and in order, after checking that name, role, teams and agent id fit
    together: a manager manages at least one team, an agent has an agent id, an admin needs neither."""
    _check_word("user name", name)
    if any(c.isspace() for c in name):
        raise AccountError(f"user name {name!r} holds a space; use letters, digits, dots or dashes")
    if role not in ROLES:
        raise AccountError(f"unknown role {role}; choose one of {', '.join(ROLES)}")
    unique = tuple(dict.fromkeys(_check_word("team", team) for team in teams))
    if agent_id is not None:
        _check_word("agent id", agent_id)
    if role == "admin" and (unique or agent_id is not None):
        raise AccountError("an admin sees every team and agent: give no team and no agent id")
    if role == "manager":
        if not unique:
            raise AccountError(f"manager {name} needs at least one team to manage")
        if agent_id is not None:
            raise AccountError("a manager sees their teams' agents: give no agent id")
    if role == "agent":
        if agent_id is None:
            raise AccountError(f"agent {name} needs the agent id the warehouse knows them by")
        if len(unique) > 1:
            raise AccountError(f"an agent belongs to one team, not {len(unique)}")
    return unique


def user_columns(table: str = "") -> str:
    """The columns `user_from_row` reads, in its order (of the `users` table aliased `table`, if given)."""
    prefix = f"{table}." if table else ""
    return ", ".join(f"{prefix}{c}" for c in ("name", "role", "teams", "agent_id", "created_at", "language"))


def user_from_row(row: sqlite3.Row | tuple[str, str, str, str | None, float, str | None]) -> User:
    """A user from the columns of `user_columns()`."""
    name, role, teams, agent_id, created_at, language = row
    return User(
        name=name,
        role=role,
        teams=tuple(json.loads(teams)),
        agent_id=agent_id,
        created_at=datetime.fromtimestamp(created_at, UTC),
        language=language,
    )
