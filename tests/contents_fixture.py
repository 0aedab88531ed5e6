"""Two sources imported through the real importer, one import undone and one row rejected: the workspace
`kpidesk status` and `kpidesk list` are tested on, with every figure worked out by hand below.

Timestamps carry their offset, so the local dates (Asia/Jerusalem, UTC+2 in March 2026) are worked out
from them: A2, created 2026-03-02 23:30 UTC, falls on 2026-03-03 local.

Imports, in order:
  1. alpha tickets  A1, A2 imported; A3 rejected (status `bogus`, line 4)
  2. alpha agents   a1 Dana Levi (billing), a2 blank name (billing), a3 Noa (support)
  3. beta tickets   B1 (agent a1, team billing), B2 (no agent, team support, no channel)
  4. beta calls     C1 (a1, queue q1), C2 (a3, q1), C3 (no agent, q2, abandoned)
  5. alpha tickets  A4 — undone

So alpha holds 2 tickets (2026-03-01 → 2026-03-03) and 3 agents, beta 2 tickets (2026-03-04 →
2026-03-05) and 3 calls (2026-03-04 → 2026-03-05). Per value, from the facts:
  agents  a1: tickets A1, B1 = 2, calls C1 = 1, 2026-03-01 → 2026-03-04; a2: tickets A2 = 1, no name;
          a3: calls C2 = 1; none: ticket B2, call C3
  teams   billing: A1, A2, B1 = 3 tickets, C1 = 1 call (a1's team), 2 agents; support: B2, C2 (a3's team),
          1 agent; none: C3
  queues  q1: 2 calls, q2: 1
  channels email: A1, B1 = 2; chat: A2 = 1; none: B2
"""

from __future__ import annotations

from pathlib import Path

import kpidesk
from kpidesk.workspace import Workspace

ALPHA_TICKETS = """ticket_id,created_at,channel,priority,status,agent_id,team_id
A1,2026-03-01T06:00:00+00:00,email,high,solved,a1,billing
A2,2026-03-02T23:30:00+00:00,chat,normal,open,a2,billing
A3,2026-03-03T10:00:00+00:00,email,normal,bogus,a1,billing
"""
AGENTS = """agent_id,name,team_id
a1,Dana Levi,billing
a2,,billing
a3,Noa,support
"""
BETA_TICKETS = """ticket_id,created_at,channel,priority,status,agent_id,team_id
B1,2026-03-04T07:00:00+00:00,email,normal,solved,a1,billing
B2,2026-03-05T08:00:00+00:00,,low,open,,support
"""
BETA_CALLS = """call_id,queue,arrived_at,answered_at,abandoned_at,ended_at,agent_id
C1,q1,2026-03-04T08:00:00+00:00,2026-03-04T08:00:30+00:00,,2026-03-04T08:05:00+00:00,a1
C2,q1,2026-03-04T09:00:00+00:00,2026-03-04T09:00:10+00:00,,2026-03-04T09:04:00+00:00,a3
C3,q2,2026-03-05T09:00:00+00:00,,2026-03-05T09:01:00+00:00,,
"""
LATE_TICKET = """ticket_id,created_at,channel,priority,status,agent_id,team_id
A4,2026-03-20T08:00:00+00:00,email,normal,open,a2,billing
"""


def load_two_sources(ws: Workspace) -> None:
    data = ws.path / "data"
    data.mkdir()

    def write(name: str, text: str) -> Path:
        path = data / name
        path.write_text(text, encoding="utf-8")
        return path

    kpidesk.import_files([write("alpha-tickets.csv", ALPHA_TICKETS)], "tickets", workspace=ws, source="alpha")
    kpidesk.import_files([write("agents.csv", AGENTS)], "agents", workspace=ws, source="alpha")
    kpidesk.import_files([write("beta-tickets.csv", BETA_TICKETS)], "tickets", workspace=ws, source="beta")
    kpidesk.import_files([write("beta-calls.csv", BETA_CALLS)], "calls", workspace=ws, source="beta")
    kpidesk.import_files([write("late.csv", LATE_TICKET)], "tickets", workspace=ws, source="alpha")
    kpidesk.undo_import(5, workspace=ws)
