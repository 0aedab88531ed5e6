"""What each of a source's own figures is compared with, and the rules that say why two values differ.

A comparison names the figure of `source_figures`, the kpidesk value it is set against (SQL over the
facts), and an ordered list of reason rules. Every rule is explicit: a predicate over the unit's values
and context (its first status, whether it was ever solved, its group changes, …) and the words that
explain it. The first rule whose outcome and predicate match gives the unit's reason; a unit no rule
explains keeps the outcome's plain words, so nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from kpidesk import InvalidRequest

__all__ = [
    "COMMON_REASONS",
    "COMPARISONS",
    "OUTCOMES",
    "PLAIN",
    "Comparison",
    "Reason",
    "comparison",
]

#: How a unit's two values compare, in the order they are reported.
OUTCOMES = ("exact", "within", "differ", "source_missing", "kpidesk_missing", "neither")

#: Words for an outcome that no rule explains further.
PLAIN = {
    "differ": "no rule explains the difference",
    "source_missing": "the source has no {field}",
    "kpidesk_missing": "kpidesk has no value",
    "neither": "neither has a value",
}

Predicate = Callable[[pd.DataFrame], "pd.Series[bool]"]


@dataclass(frozen=True)
class Reason:
    """A rule: units of `outcome` matching `applies` differ (or cannot be compared) for `words`.

    `words` may name the source's field as `{field}`.
    """

    key: str
    outcome: str
    words: str
    applies: Predicate


@dataclass(frozen=True)
class Comparison:
    """One figure of the sources set against the value kpidesk derives for the same unit.

    `kpidesk` is SQL over the facts table of the unit kind (aliased `k`): ticket_facts for tickets,
    call_facts for calls. `unit` is how the values read: seconds, count or yes/no.
    """

    figure: str
    metric: str
    unit_kind: str
    unit: str
    kpidesk: str
    reasons: tuple[Reason, ...]
    description: str


def _later(frame: pd.DataFrame) -> pd.Series:
    return frame.source_value > frame.kpidesk_value


def _earlier(frame: pd.DataFrame) -> pd.Series:
    return frame.source_value < frame.kpidesk_value


def _opened_solved(frame: pd.DataFrame) -> pd.Series:
    return frame.first_status.isin(["solved", "closed"])


def _closed_unsolved(frame: pd.DataFrame) -> pd.Series:
    return ~frame.ever_solved.astype(bool) & frame.ever_closed.astype(bool)


def _group_changes_only(frame: pd.DataFrame) -> pd.Series:
    return (frame.kpidesk_value > frame.source_value) & (frame.group_changes == frame.source_value)


def _group_changes_and_more(frame: pd.DataFrame) -> pd.Series:
    return (frame.group_changes < frame.source_value) & (frame.source_value < frame.kpidesk_value)


def _agent_opened(frame: pd.DataFrame) -> pd.Series:
    return frame.agent_opened.astype(bool)


def _wait_ends_at_answer(frame: pd.DataFrame) -> pd.Series:
    """kpidesk's wait is longer by exactly the time from the source's end of wait to the answer."""
    gap = (frame.answered_at - frame.source_at).dt.total_seconds()
    extra = frame.kpidesk_value - frame.source_value
    return frame.source_at.notna() & frame.answered_at.notna() & ((extra - gap).abs() <= frame.precision_s)


def _never_queued(frame: pd.DataFrame) -> pd.Series:
    return frame.arrived_at.isna()


def _not_answered(frame: pd.DataFrame) -> pd.Series:
    return frame.answered_at.isna()


def _always(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(True, index=frame.index)


def _not_imported(frame: pd.DataFrame) -> pd.Series:
    return ~frame.known.astype(bool)


#: Reasons tried before any comparison's own.
COMMON_REASONS = (
    Reason(
        "not_imported",
        "kpidesk_missing",
        "not in kpidesk: the source has a figure for a ticket or call that was not imported (see "
        "rejected_rows)",
        _not_imported,
    ),
)

_SOURCE_NOT_SOLVED = (
    Reason(
        "opened_solved", "source_missing", "opened already solved: the source has no {field}", _opened_solved
    ),
    Reason(
        "closed_unsolved",
        "source_missing",
        "closed without being solved first: the source has no {field}",
        _closed_unsolved,
    ),
    Reason("not_solved", "neither", "not solved: neither has a resolution", _always),
)


def _seconds_between(start: str, stop: str) -> str:
    return f"epoch(k.{stop}) - epoch(k.{start})"


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "full_resolution_time",
        "full_resolution_time",
        "ticket",
        "seconds",
        _seconds_between("created_at", "last_solved_at"),
        (
            *_SOURCE_NOT_SOLVED,
            Reason(
                "restamped",
                "differ",
                "re-stamped resolution: the source's {field} is later than kpidesk's last solve",
                _later,
            ),
            Reason(
                "solved_later",
                "differ",
                "the source's {field} is earlier than kpidesk's last solve",
                _earlier,
            ),
            Reason("no_solve", "kpidesk_missing", "kpidesk sees no solve of the ticket", _always),
        ),
        "created → last solve in calendar seconds, against the source's own resolution time",
    ),
    Comparison(
        "first_resolution_time",
        "first_resolution_time",
        "ticket",
        "seconds",
        _seconds_between("created_at", "first_solved_at"),
        (
            *_SOURCE_NOT_SOLVED,
            Reason(
                "first_later",
                "differ",
                "the source's first resolution is later than kpidesk's first solve",
                _later,
            ),
            Reason(
                "first_earlier",
                "differ",
                "the source's first resolution is earlier than kpidesk's first solve",
                _earlier,
            ),
            Reason("no_solve", "kpidesk_missing", "kpidesk sees no solve of the ticket", _always),
        ),
        "created → first solve in calendar seconds, against the source's first resolution time",
    ),
    Comparison(
        "first_reply_time",
        "first_reply_time",
        "ticket",
        "seconds",
        _seconds_between("frt_start_at", "first_reply_at"),
        (
            Reason(
                "agent_opened",
                "differ",
                "agent-opened ticket: the source times it from creation to the agent's next public "
                "comment, kpidesk from the customer's first message after the agent's",
                _agent_opened,
            ),
            Reason(
                "reply_later",
                "differ",
                "the source's first reply is later than kpidesk's first public agent reply",
                _later,
            ),
            Reason(
                "reply_earlier",
                "differ",
                "the source's first reply is earlier than kpidesk's first "
                "public agent reply (a bot, system or private message counts there)",
                _earlier,
            ),
            Reason("unanswered", "neither", "unanswered: neither has a first reply", _always),
            Reason(
                "no_public_reply",
                "kpidesk_missing",
                "kpidesk sees no public agent reply (bot and system messages and private notes never count)",
                _always,
            ),
        ),
        "first-reply clock start → first public agent reply in calendar seconds",
    ),
    Comparison(
        "reopens",
        "reopen_rate",
        "ticket",
        "count",
        "k.reopens",
        (
            Reason(
                "source_more_reopens",
                "differ",
                "the source counts reopens its status changes do not show",
                _later,
            ),
            Reason(
                "kpidesk_more_reopens",
                "differ",
                "kpidesk counts more moves from solved back to open than the source",
                _earlier,
            ),
        ),
        "moves from solved back to an open status",
    ),
    Comparison(
        "reassignments",
        "reassignments",
        "ticket",
        "count",
        "k.reassignments",
        (
            Reason(
                "group_only",
                "differ",
                "the source counts changes of group only; kpidesk also counts a new assignee within "
                "the group",
                _group_changes_only,
            ),
            Reason(
                "group_only_and_unseen",
                "differ",
                "the source counts changes of group only, and more of them than its updates show",
                _group_changes_and_more,
            ),
            Reason(
                "source_more_reassignments",
                "differ",
                "the source counts more reassignments than its updates show",
                _later,
            ),
        ),
        "changes of group or assignee after the first assignment",
    ),
    Comparison(
        "agent_replies",
        "agent_replies",
        "ticket",
        "count",
        "k.agent_replies",
        (
            Reason(
                "source_more_replies",
                "differ",
                "the source counts replies kpidesk does not (a bot's or a private one)",
                _later,
            ),
            Reason(
                "kpidesk_more_replies",
                "differ",
                "kpidesk counts more public agent messages than the source's replies",
                _earlier,
            ),
        ),
        "public agent messages",
    ),
    Comparison(
        "wait_time",
        "asa",
        "call",
        "seconds",
        "k.wait_s",
        (
            Reason(
                "never_queued",
                "kpidesk_missing",
                "the call never reached the agents' queue: kpidesk has no wait",
                _never_queued,
            ),
            Reason(
                "wait_ends_at_answer",
                "differ",
                "kpidesk's wait ends when an agent answers, the source's when the caller leaves the queue",
                _wait_ends_at_answer,
            ),
        ),
        "arrival in the agents' queue → answer (or abandon), against the source's queue time",
    ),
    Comparison(
        "handle_time",
        "aht",
        "call",
        "seconds",
        "k.handle_s",
        (
            Reason(
                "not_answered_either",
                "neither",
                "the call was not answered: neither has a handle time",
                _not_answered,
            ),
        ),
        "talk + hold + wrap of an answered call, against the source's service time",
    ),
)

_BY_NAME = {c.figure: c for c in COMPARISONS}
_BY_METRIC = {c.metric: c for c in COMPARISONS}


def comparison(name: str) -> Comparison:
    """The comparison of a figure, by the figure's name or the kpidesk metric it is compared with."""
    found = _BY_NAME.get(name) or _BY_METRIC.get(name)
    if found is None:
        names = ", ".join(c.figure for c in COMPARISONS)
        raise InvalidRequest(f"no comparison for {name!r}; the figures compared are: {names}")
    return found
