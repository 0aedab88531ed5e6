"""Who may see what, decided on the server in the query layer: every figure a page, the API or a download
shows passes through here, whatever the template does with it.

- an **admin** sees everything;
- a **manager** sees the teams they manage (and no organisation-wide figure of other teams);
- an **agent** sees their own numbers and their team's average — never another agent's name or value,
  and no team average where it would reveal one colleague's value: a team average is shown only when at
  least `MIN_PEERS` agents contribute to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from kpidesk import KpideskError

__all__ = ["MIN_PEERS", "ROLES", "Audience", "Forbidden", "scope_rows"]

ROLES = ("admin", "manager", "agent")
#: The fewest agents a team average is shown to an agent for: with two, the average and one's own value
#: give the colleague's.
MIN_PEERS = 3


class Forbidden(KpideskError):
    """A request for figures the user may not see; the message names no one and no value."""


@dataclass(frozen=True)
class Audience:
    """Whoever is looking: their role, the teams they manage (managers), their own agent id and team
    (agents)."""

    role: str
    teams: tuple[str, ...] = ()
    agent_id: str | None = None
    agent_team: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {', '.join(ROLES)}")

    @property
    def sees_organisation(self) -> bool:
        return self.role == "admin"

    def teams_visible(self, teams: Sequence[str]) -> list[str]:
        """Of `teams`, the ones this audience may look at as a team."""
        if self.role == "admin":
            return list(teams)
        if self.role == "manager":
            return [t for t in teams if t in self.teams]
        return [t for t in teams if t == self.agent_team]

    def check_team(self, team: str | None) -> None:
        """Refuse a team (None: the whole organisation) this audience may not see."""
        if team is None:
            if not self.sees_organisation:
                raise Forbidden("the organisation's figures are for administrators; choose one of your teams")
            return
        if not self.teams_visible([team]):
            raise Forbidden("you may not see this team's figures")

    def check_agent(self, agent_id: str) -> None:
        """Refuse one agent's figures to anyone but that agent, their managers and admins (managers are
        checked on the agent's team by the caller)."""
        if self.role == "agent" and agent_id != self.agent_id:
            raise Forbidden("you may see only your own figures")


def scope_rows(frame: pd.DataFrame, team: str | None, agent: str | None) -> pd.DataFrame:
    """The rows of `kpidesk.kpis` results that are one agent's (`agent`), else one team's (`team`), else
    all of them (the organisation's, asked without `by`)."""
    if agent is not None:
        return frame[frame["agent"].map(lambda v: v == agent)]
    if team is not None:
        return frame[frame["team"].map(lambda v: v == team)]
    return frame
