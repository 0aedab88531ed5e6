"""Survey responses written by hand over the helpdesk of tests/ticket_fixture.py, whose every survey KPI is
worked out on paper in tests/metrics/test_survey_metrics.py; and a seeded generator for the Spark parity test.

Times are UTC (Jerusalem is UTC+2 in March 2026); weeks start on Sunday: week 1 is 1–7 March, week 2 is
8–14 March. Ticket facts give T1 agent a1, T2 agent a3, the other tickets no agent; every ticket is in team
billing; channels T1 T3 T6 T8 email, T2 chat, T4 phone.

| source    | id      | kind  | score | scale | sent  | responded    | tkt | agent | team    | comment      |
| --------- | ------- | ----- | ----- | ----- | ----- | ------------ | --- | ----- | ------- | ------------ |
| desk      | S01     | csat  | 5     | 1–5   | 1 Mar | 1 Mar 10:00  | T1  |       |         | Great help   |
| desk      | S02     | csat  | 4     | 1–5   | 2 Mar | 2 Mar 09:00  | T2  | a2    | support | Fine         |
| desk      | S03     | csat  | 3     | 1–5   | 3 Mar | 3 Mar 13:00  | T4  |       |         |              |
| desk      | S04     | csat  | 1     | 1–5   | 8 Mar | 9 Mar 08:00  | T6  |       |         | Too slow     |
| desk      | S05     | csat  | —     | 1–5   | 4 Mar |              | T5  |       |         |              |
| desk      | S06     | csat  | 2     | 1–5   |       | 10 Mar 08:00 | T3  |       |         | (blank)      |
| desk      | C1      | ces   | 6     | 1–7   | 2 Mar | 2 Mar 11:00  | T2  |       |         | Easy         |
| desk      | C2      | ces   | 4     | 1–7   | 3 Mar | 3 Mar 11:00  | T4  |       |         |              |
| desk      | C3      | ces   | 5     | 1–7   | 4 Mar | 4 Mar 11:00  | T1  |       |         |              |
| desk      | C4      | ces   | —     | 1–7   | 5 Mar |              | T1  |       |         |              |
| zen       | Z1      | csat  | 1     | 0–1   | 2 Mar | 2 Mar 09:00  | --- | a1    | billing | Thanks!      |
| zen       | Z2      | csat  | 0     | 0–1   | 2 Mar | 3 Mar 09:00  | --- | a2    | support | Still broken |
| zen       | Z3      | csat  | —     | 0–1   | 3 Mar |              | --- |       |         |              |
| legacy    | L1      | csat  | 9     | 0–10  |       | 2 Mar 12:00  | T8  |       |         |              |
| delighted | N01–N10 | nps   | below | 0–10  |       | 5 Mar 08:0…  | --- |       |         | N09: below   |
| hr        | E1      | enps  | 10    | 0–10  | 1 Mar | 2 Mar 08:00  | --- |       |         |              |
| hr        | E2      | enps  | 3     | 0–10  | 1 Mar | 2 Mar 08:00  | --- |       |         |              |
| hr        | E3      | pulse | 9     | 0–10  | 1 Mar | 2 Mar 08:00  | --- |       |         |              |
| hr        | E4      | pulse | 5     | 1–5   | 1 Mar | 2 Mar 08:00  | --- |       |         |              |
| hr        | E5      | enps  | 7     | —     | 1 Mar | 2 Mar 08:00  | --- |       |         |              |
| hr        | E6      | enps  | —     | 0–10  | 1 Mar |              | --- |       |         |              |

N01–N10 score 10 9 9 10 9 8 7 6 0 8 (N10 declares no scale); N09's comment is "Never again".
desk, zen and hr date their sends; legacy and delighted never do. Sends are at 08:00 unless said.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import duckdb
import numpy as np
from ticket_fixture import insert_rows, ts

SURVEY_COLUMNS = (
    "source",
    "response_id",
    "kind",
    "score",
    "scale_min",
    "scale_max",
    "sent_at",
    "responded_at",
    "ticket_id",
    "customer_id",
    "agent_id",
    "team_id",
    "comment",
)


def _s(
    source: str,
    response_id: str,
    kind: str,
    score: float | None,
    scale: tuple[int, int] | None,
    sent: str | None,
    responded: str | None,
    ticket: str | None = None,
    agent: str | None = None,
    team: str | None = None,
    comment: str | None = None,
) -> dict[str, Any]:
    return {
        "source": source,
        "response_id": response_id,
        "kind": kind,
        "score": score,
        "scale_min": scale[0] if scale else None,
        "scale_max": scale[1] if scale else None,
        "sent_at": ts(sent) if sent else None,
        "responded_at": ts(responded) if responded else None,
        "ticket_id": ticket,
        "customer_id": None,
        "agent_id": agent,
        "team_id": team,
        "comment": comment,
    }


_FIVE, _SEVEN, _BINARY, _ELEVEN = (1, 5), (1, 7), (0, 1), (0, 10)
_NPS_SCORES = (10, 9, 9, 10, 9, 8, 7, 6, 0, 8)

SURVEYS = [
    _s("desk", "S01", "csat", 5, _FIVE, "2026-03-01 08:00", "2026-03-01 10:00", "T1", comment="Great help"),
    _s(
        "desk", "S02", "csat", 4, _FIVE, "2026-03-02 08:00", "2026-03-02 09:00", "T2", "a2", "support", "Fine"
    ),
    _s("desk", "S03", "csat", 3, _FIVE, "2026-03-03 12:00", "2026-03-03 13:00", "T4"),
    _s("desk", "S04", "csat", 1, _FIVE, "2026-03-08 08:00", "2026-03-09 08:00", "T6", comment="Too slow"),
    _s("desk", "S05", "csat", None, _FIVE, "2026-03-04 08:00", None, "T5"),
    _s("desk", "S06", "csat", 2, _FIVE, None, "2026-03-10 08:00", "T3", comment="  "),
    _s("desk", "C1", "ces", 6, _SEVEN, "2026-03-02 08:00", "2026-03-02 11:00", "T2", comment="Easy"),
    _s("desk", "C2", "ces", 4, _SEVEN, "2026-03-03 08:00", "2026-03-03 11:00", "T4"),
    _s("desk", "C3", "ces", 5, _SEVEN, "2026-03-04 08:00", "2026-03-04 11:00", "T1"),
    _s("desk", "C4", "ces", None, _SEVEN, "2026-03-05 08:00", None, "T1"),
    _s(
        "zen",
        "Z1",
        "csat",
        1,
        _BINARY,
        "2026-03-02 08:00",
        "2026-03-02 09:00",
        None,
        "a1",
        "billing",
        "Thanks!",
    ),
    _s(
        "zen",
        "Z2",
        "csat",
        0,
        _BINARY,
        "2026-03-02 10:00",
        "2026-03-03 09:00",
        None,
        "a2",
        "support",
        "Still broken",
    ),
    _s("zen", "Z3", "csat", None, _BINARY, "2026-03-03 08:00", None),
    _s("legacy", "L1", "csat", 9, _ELEVEN, None, "2026-03-02 12:00", "T8"),
    *[
        _s(
            "delighted",
            f"N{i + 1:02d}",
            "nps",
            score,
            None if i == 9 else _ELEVEN,
            None,
            f"2026-03-05 08:{i:02d}",
            comment="Never again" if i == 8 else None,
        )
        for i, score in enumerate(_NPS_SCORES)
    ],
    _s("hr", "E1", "enps", 10, _ELEVEN, "2026-03-01 08:00", "2026-03-02 08:00"),
    _s("hr", "E2", "enps", 3, _ELEVEN, "2026-03-01 08:00", "2026-03-02 08:00"),
    _s("hr", "E3", "pulse", 9, _ELEVEN, "2026-03-01 08:00", "2026-03-02 08:00"),
    _s("hr", "E4", "pulse", 5, _FIVE, "2026-03-01 08:00", "2026-03-02 08:00"),
    _s("hr", "E5", "enps", 7, None, "2026-03-01 08:00", "2026-03-02 08:00"),
    _s("hr", "E6", "enps", None, _ELEVEN, "2026-03-01 08:00", None),
]


def load_surveys(con: duckdb.DuckDBPyConnection) -> None:
    insert_rows(con, "surveys", SURVEY_COLUMNS, SURVEYS)


def generate_surveys(
    ticket_ids: list[str], agent_ids: list[str], *, seed: int, start: datetime, days: int
) -> list[dict[str, Any]]:
    """Surveys of every kind over `days` days from `start`, in whole minutes: about a third of the tickets
    (source `demo`) get a CSAT (1–5) or CES (1–7) survey, a fifth of those unanswered; NPS (0–10) and
    eNPS / pulse surveys without tickets, some without a send time or a declared scale."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []

    def instant() -> datetime:
        return start + timedelta(minutes=int(rng.integers(0, days * 1440)))

    for n, ticket in enumerate(ticket_ids[::3]):
        kind, scale = ("csat", _FIVE) if rng.random() < 0.7 else ("ces", _SEVEN)
        sent = instant()
        answered = rng.random() > 0.2
        score = float(rng.integers(scale[0], scale[1] + 1)) if answered else None
        agent = agent_ids[int(rng.integers(0, len(agent_ids)))] if n % 4 else None
        row = _s(
            "demo",
            f"D{n:05d}",
            kind,
            score,
            scale,
            None,
            None,
            ticket,
            agent,
            comment="comment" if answered and n % 5 == 0 else None,
        )
        row["sent_at"] = sent
        row["responded_at"] = sent + timedelta(hours=int(rng.integers(1, 72))) if answered else None
        rows.append(row)
    for n in range(300):
        kind = ("nps", "enps", "pulse")[n % 3]
        if kind == "pulse":
            scale: tuple[int, int] | None = _FIVE if n % 2 else _ELEVEN
        else:
            scale = None if n % 7 == 0 else _ELEVEN
        low, high = scale or _ELEVEN
        row = _s(
            "survey-tool",
            f"P{n:05d}",
            kind,
            float(rng.integers(low, high + 1)),
            scale,
            None,
            None,
            agent=agent_ids[n % len(agent_ids)],
        )
        row["responded_at"] = instant()
        row["sent_at"] = None if n % 5 == 0 else row["responded_at"] - timedelta(hours=2)
        rows.append(row)
    return rows
