"""Four weeks of simulated calls with a known arrival pattern, for staffing plans.

Israeli local time (Asia/Jerusalem, UTC+2 in February 2026). Queue `billing`, calls per 30-minute
interval drawn from Poisson distributions with these means:

| local days         | 08:00–12:00 | 12:00–15:00 | 15:00–17:00 |
| ------------------ | ----------- | ----------- | ----------- |
| Sunday             | 52          | 78          | 39          |
| Monday–Thursday    | 40          | 60          | 30          |
| Friday             | 10 (08–12 only)                         |
| Saturday           | no calls                                |

Every caller would wait an exponential time of mean 20 s and has an exponential patience of mean
200 s: the shorter one decides (answered after the wait, or abandoned at the patience). Handle time is
talk (exponential, mean 150 s) plus 30 s of wrap-up: AHT 180 s. A second queue, `sales`, has 5 calls an
interval on weekdays' mornings, so that the plan of one queue is seen to leave the other out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd
from call_fixture import CALL_COLUMNS

ZONE = ZoneInfo("Asia/Jerusalem")
HISTORY_START = date(2026, 2, 1)  # a Sunday
HISTORY_DAYS = 28
MEAN_PATIENCE_S = 200.0
MEAN_WAIT_S = 20.0
AHT_S = 180.0


def mean_calls(day: date, hour: float, queue: str = "billing") -> float:
    """The Poisson mean of calls in the 30-minute interval starting at local `hour` of `day`."""
    weekday = day.weekday()  # Monday 0 … Sunday 6
    if queue == "sales":
        return 5.0 if weekday in (6, 0, 1, 2, 3) and 8 <= hour < 12 else 0.0
    if weekday == 5:
        return 0.0
    if weekday == 4:
        return 10.0 if 8 <= hour < 12 else 0.0
    base = 40.0 if 8 <= hour < 12 else 60.0 if 12 <= hour < 15 else 30.0 if 15 <= hour < 17 else 0.0
    return base * (1.3 if weekday == 6 else 1.0)


def simulated_calls(seed: int = 11) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for offset in range(HISTORY_DAYS):
        day = HISTORY_START + timedelta(days=offset)
        for slot in range(48):
            hour = slot / 2
            for queue in ("billing", "sales"):
                count = rng.poisson(mean_calls(day, hour, queue))
                start = datetime(day.year, day.month, day.day, int(hour), 30 * (slot % 2), tzinfo=ZONE)
                for k in range(count):
                    arrived = start + timedelta(seconds=float(rng.uniform(0, 1800)))
                    wait, patience = rng.exponential(MEAN_WAIT_S), rng.exponential(MEAN_PATIENCE_S)
                    row: dict[str, Any] = dict.fromkeys(CALL_COLUMNS)
                    at = arrived.astimezone(UTC).replace(tzinfo=None)
                    row.update(source="pbx", call_id=f"{queue}-{day}-{slot}-{k}", queue=queue, arrived_at=at)
                    if wait <= patience:
                        talk = float(rng.exponential(AHT_S - 30))
                        answered = at + timedelta(seconds=wait)
                        row.update(
                            answered_at=answered,
                            talk_s=talk,
                            hold_s=0.0,
                            wrap_s=30.0,
                            outcome="answered",
                            ended_at=answered + timedelta(seconds=talk + 30),
                        )
                    else:
                        left = at + timedelta(seconds=patience)
                        row.update(abandoned_at=left, ended_at=left, outcome="abandoned")
                    rows.append(row)
    return rows


def load_plan_history(con: duckdb.DuckDBPyConnection) -> None:
    frame = pd.DataFrame(simulated_calls(), columns=list(CALL_COLUMNS))
    con.register("plan_calls", frame)
    columns = ", ".join(f'"{c}"' for c in CALL_COLUMNS)
    con.execute(f"INSERT INTO calls ({columns}) SELECT {columns} FROM plan_calls")
    con.unregister("plan_calls")
