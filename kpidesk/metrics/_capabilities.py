"""What a source must hold for a metric to be measured from it.

A helpdesk export without messages cannot tell a first reply time; a social-media log whose threads are
never solved cannot tell a backlog. Each capability is one object: the area whose units show it and a
test of one unit. A source holds the capability when any of its units passes, so it is decided from what
the warehouse holds, never from the name of the format. Metrics name the capabilities they need in the
catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis.expr.types as ir

__all__ = ["ANSWERS", "HANDLE_TIMES", "LEVELS", "MESSAGES", "SOLVES", "Capability"]


@dataclass(frozen=True)
class Capability:
    """`area` names the units (see `Metric.area`) that show it; `shown_by` tests one unit; `lacking`
    completes the sentence "<source> …" when no unit of a source passes."""

    id: str
    area: str
    lacking: str
    shown_by: Callable[[ir.Table], ir.BooleanValue]


MESSAGES = Capability(
    "messages",
    "tickets",
    "holds no public agent message",
    lambda f: (f.agent_replies > 0) | f.first_reply_at.notnull(),
)
SOLVES = Capability(
    "solves",
    "tickets",
    "never records a ticket as solved",
    lambda f: f.last_solved_at.notnull(),
)
LEVELS = Capability(
    "levels",
    "tickets",
    "records no support level or escalation",
    lambda f: f.escalated | (f.max_level > 0),
)
ANSWERS = Capability(
    "answers",
    "calls",
    "records no answered call",
    lambda c: c.answered,
)
HANDLE_TIMES = Capability(
    "handle_times",
    "calls",
    "records no talk, hold or wrap-up time",
    lambda c: c.handle_s.notnull(),
)
