"""A small call center, written by hand, whose every call KPI is worked out on paper in
tests/metrics/test_call_metrics.py; and a seeded generator of many calls for the Spark parity test.

Times are UTC. The default calendar is Israel's: Asia/Jerusalem (UTC+2 in early March 2026),
Sunday–Thursday 09:00–17:00. Sunday 1 March 2026 opens at 07:00 UTC.

| call | queue   | agent | arrived (UTC)   | answered / left     | wait | talk, hold, wrap | handle |
| ---- | ------- | ----- | --------------- | ------------------- | ---- | ---------------- | ------ |
| C01  | billing | a1    | Sun 1 Mar 08:00 | answered 08:00:10   | 10   | 300, 0, 30       | 330    |
| C02  | billing | a1    | Sun 08:10       | answered 08:10:15   | 15   | 240, 60, 60      | 360    |
| C03  | billing | a2    | Sun 08:20       | answered 08:20:45   | 45   | 400, —, 20       | 420    |
| C04  | billing | a2    | Sun 08:30       | answered 08:32:00   | 120  | 500, 100, 0      | 600    |
| C05  | billing | —     | Sun 08:40       | abandoned 08:40:05  | 5    |                  |        |
| C06  | billing | —     | Sun 08:50       | abandoned 08:51:00  | 60   |                  |        |
| C07  | tech    | a1    | Sun 09:00       | answered 09:00:20   | 20   | —, —, —          | none   |
| C08  | tech    | a2    | Sun 09:10       | answered 09:10:05   | 5    | 200, —, —        | 200    |
| C09  | tech    | —     | Sun 09:20       | ended 09:20:08      | 8    |                  |        |
| C10  | tech    | —     | never queued    | ended in the IVR    |      |                  |        |
| C11  | billing | a1    | Mon 2 Mar 06:59 | answered 07:01:00   | 120  | 180, 0, 60       | 240    |
| C12  | billing | a1    | Sun 8 Mar 07:00 | answered 07:00:30   | 30   | 100, 0, 20       | 120    |

C09 has no abandoned_at: it left the queue when it ended. C11 arrived at 08:59 local, a minute before
opening, so its wait is 120 s on the clock and 60 business seconds. Agent a1 is in team billing, a2 in
team technical.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import duckdb
import numpy as np
from ticket_fixture import insert_rows, ts

CALL_COLUMNS = (
    "source",
    "call_id",
    "queue",
    "customer_id",
    "arrived_at",
    "answered_at",
    "abandoned_at",
    "ended_at",
    "agent_id",
    "talk_s",
    "hold_s",
    "wrap_s",
    "outcome",
    "ticket_id",
)
AGENT_COLUMNS = ("agent_id", "name", "team_id", "role")


def _call(
    call_id: str,
    queue: str,
    arrived: str | None,
    *,
    agent: str | None = None,
    answered: str | None = None,
    abandoned: str | None = None,
    ended: str | None = None,
    parts: tuple[float | None, float | None, float | None] = (None, None, None),
) -> dict[str, Any]:
    talk, hold, wrap = parts
    return {
        "source": "pbx",
        "call_id": call_id,
        "queue": queue,
        "customer_id": f"k{call_id}",
        "arrived_at": ts(arrived) if arrived else None,
        "answered_at": ts(answered) if answered else None,
        "abandoned_at": ts(abandoned) if abandoned else None,
        "ended_at": ts(ended) if ended else None,
        "agent_id": agent,
        "talk_s": talk,
        "hold_s": hold,
        "wrap_s": wrap,
        "outcome": "answered" if answered else ("ivr" if arrived is None else "abandoned"),
        "ticket_id": None,
    }


CALLS = [
    _call(
        "C01",
        "billing",
        "2026-03-01 08:00:00",
        agent="a1",
        answered="2026-03-01 08:00:10",
        ended="2026-03-01 08:05:10",
        parts=(300, 0, 30),
    ),
    _call(
        "C02",
        "billing",
        "2026-03-01 08:10:00",
        agent="a1",
        answered="2026-03-01 08:10:15",
        ended="2026-03-01 08:15:15",
        parts=(240, 60, 60),
    ),
    _call(
        "C03",
        "billing",
        "2026-03-01 08:20:00",
        agent="a2",
        answered="2026-03-01 08:20:45",
        ended="2026-03-01 08:27:25",
        parts=(400, None, 20),
    ),
    _call(
        "C04",
        "billing",
        "2026-03-01 08:30:00",
        agent="a2",
        answered="2026-03-01 08:32:00",
        ended="2026-03-01 08:42:00",
        parts=(500, 100, 0),
    ),
    _call(
        "C05", "billing", "2026-03-01 08:40:00", abandoned="2026-03-01 08:40:05", ended="2026-03-01 08:40:05"
    ),
    _call(
        "C06", "billing", "2026-03-01 08:50:00", abandoned="2026-03-01 08:51:00", ended="2026-03-01 08:51:00"
    ),
    _call(
        "C07",
        "tech",
        "2026-03-01 09:00:00",
        agent="a1",
        answered="2026-03-01 09:00:20",
        ended="2026-03-01 09:04:00",
    ),
    _call(
        "C08",
        "tech",
        "2026-03-01 09:10:00",
        agent="a2",
        answered="2026-03-01 09:10:05",
        ended="2026-03-01 09:13:25",
        parts=(200, None, None),
    ),
    _call("C09", "tech", "2026-03-01 09:20:00", ended="2026-03-01 09:20:08"),
    _call("C10", "tech", None, ended="2026-03-01 09:30:00"),
    _call(
        "C11",
        "billing",
        "2026-03-02 06:59:00",
        agent="a1",
        answered="2026-03-02 07:01:00",
        ended="2026-03-02 07:04:00",
        parts=(180, 0, 60),
    ),
    _call(
        "C12",
        "billing",
        "2026-03-08 07:00:00",
        agent="a1",
        answered="2026-03-08 07:00:30",
        ended="2026-03-08 07:02:10",
        parts=(100, 0, 20),
    ),
]

AGENTS = [
    {"agent_id": "a1", "name": "Noa", "team_id": "billing", "role": "agent"},
    {"agent_id": "a2", "name": "Samir", "team_id": "technical", "role": "agent"},
]


def load_calls(con: duckdb.DuckDBPyConnection) -> None:
    insert_rows(con, "calls", CALL_COLUMNS, CALLS)
    insert_rows(con, "agents", AGENT_COLUMNS, AGENTS)


def generate_calls(
    n_calls: int, agent_ids: list[str], *, seed: int, start: datetime, days: int
) -> list[dict[str, Any]]:
    """`n_calls` calls arriving over `days` days from `start` across three queues, in whole seconds.

    About 5% never queue, 15% abandon (some with only an end time), the rest are answered by one of
    `agent_ids` with talk, hold and wrap times of which some are missing.
    """
    rng = np.random.default_rng(seed)
    rows = []
    queues = ("billing", "sales", "technical")
    for i in range(n_calls):
        arrived = start + timedelta(seconds=int(rng.integers(0, days * 86_400)))
        fate = rng.random()
        wait = int(rng.lognormal(3.0, 1.0))
        row: dict[str, Any] = dict.fromkeys(CALL_COLUMNS)
        row.update(
            source="pbx",
            call_id=f"G{i:05d}",
            queue=queues[int(rng.integers(0, 3))],
            customer_id=f"g{int(rng.integers(0, n_calls // 3))}",
        )
        if fate < 0.05:
            row.update(ended_at=arrived, outcome="ivr")
        elif fate < 0.20:
            left = arrived + timedelta(seconds=wait)
            row.update(arrived_at=arrived, ended_at=left, outcome="abandoned")
            if fate < 0.17:
                row["abandoned_at"] = left
        else:
            answered = arrived + timedelta(seconds=wait)
            parts = [
                float(int(rng.lognormal(m, 0.6))) if rng.random() > p else None
                for m, p in ((5.5, 0.05), (3.5, 0.4), (3.8, 0.2))
            ]
            talk = parts[0] or 0.0
            row.update(
                arrived_at=arrived,
                answered_at=answered,
                outcome="answered",
                ended_at=answered + timedelta(seconds=int(talk)),
                agent_id=agent_ids[int(rng.integers(0, len(agent_ids)))],
                talk_s=parts[0],
                hold_s=parts[1],
                wrap_s=parts[2],
            )
        rows.append(row)
    return rows
