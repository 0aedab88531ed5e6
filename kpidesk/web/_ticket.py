"""One ticket's explanation (`kpidesk.explain`) for what the audience may see (see `kpidesk.views`):

- an **admin** may open any ticket;
- a **manager** a ticket of one of their teams (another team's: `Forbidden`);
- an **agent** a ticket assigned to them; any other — another agent's, or one that does not exist —
  answers `TicketHidden` alike, so the answer tells nothing of whether it exists.

Agents outside what the audience may see (a colleague who replied on an agent's ticket, another team's
agent on a manager's) appear in the events without their id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kpidesk import InvalidRequest, KpideskError
from kpidesk.views import Audience, Forbidden

__all__ = ["HIDDEN_AGENT", "TicketHidden", "TicketView", "ticket_view"]

#: The id shown in place of an agent the audience may not see.
HIDDEN_AGENT = ""
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}")


class TicketHidden(KpideskError, LookupError):
    """No such ticket for this viewer: it does not exist or is not theirs (the answer does not say which)."""


@dataclass(frozen=True)
class TicketView:
    """The explanation's parts the audience may see: its facts, each metric's trace and the events (local
    instants of the ticket's calendar, `timezone`)."""

    source: str
    ticket_id: str
    timezone: str
    facts: dict[str, Any]
    traces: tuple[dict[str, Any], ...]
    events: tuple[dict[str, Any], ...]


def ticket_view(workspace: Any, audience: Audience, source: str, ticket_id: str) -> TicketView:
    import kpidesk

    for text in (source, ticket_id):
        if not _ID.fullmatch(text):
            raise InvalidRequest("expected a source and a ticket id of letters, digits and _ . : @ -")
    try:
        explained = kpidesk.explain(ticket_id, workspace=workspace, source=source)
    except KpideskError:
        raise TicketHidden("no such ticket") from None
    facts = dict(explained.facts)
    if audience.role == "agent" and (audience.agent_id is None or facts.get("agent_id") != audience.agent_id):
        raise TicketHidden("no such ticket")
    if audience.role == "manager" and facts.get("team_id") not in audience.teams:
        raise Forbidden("you may not see this team's figures")
    visible = _visible_agents(workspace, audience)
    events = []
    for event in explained.events:
        shown = dict(event)
        for key in ("actor_id", "agent_id"):
            is_agent = key == "agent_id" or shown.get("actor_type") == "agent"
            if is_agent and shown.get(key) is not None and not visible(str(shown[key])):
                shown[key] = HIDDEN_AGENT
        events.append(shown)
    if facts.get("agent_id") is not None and not visible(str(facts["agent_id"])):
        facts["agent_id"] = HIDDEN_AGENT
    return TicketView(
        explained.source,
        explained.ticket_id,
        explained.timezone,
        facts,
        tuple(dict(t.__dict__) for t in explained.traces),
        tuple(events),
    )


def _visible_agents(workspace: Any, audience: Audience) -> Any:
    """Whether the audience may see an agent's id: admins all, managers their teams', agents their own."""
    if audience.role == "admin":
        return lambda agent: True
    if audience.role == "agent":
        return lambda agent: agent == audience.agent_id
    with workspace.connect(read_only=True) as con:
        rows = con.execute("SELECT agent_id, team_id FROM agents").fetchall()
    ours = {str(a) for a, t in rows if t in audience.teams}
    return lambda agent: agent in ours
