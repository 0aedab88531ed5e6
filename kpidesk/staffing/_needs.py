"""What a roster must cover: agents required per local interval, from a staffing plan or a file.

A requirements file has `interval_start` (local time; a time without a UTC offset is read in the
roster's time zone) and `required` agents, one row per interval. A plan saved by `kpidesk staffing plan
--as csv` or `--as json` is read too: its `scheduled_agents` are the requirement, and its forecast calls,
handle time and patience let the roster say what service level its agents deliver.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.staffing._csv_rows import read_csv_rows
from kpidesk.staffing._plan import StaffingPlan
from kpidesk.staffing._requirement import MODELS, StaffingTarget

__all__ = ["NEEDS_COLUMNS", "Needs", "QueueModel", "needs_from_plan", "read_needs"]

#: One row per interval: local start, UTC epoch second, agents required, and the load when known.
NEEDS_COLUMNS = ("interval_start", "start", "required", "calls", "aht_s", "patience_s")


@dataclass(frozen=True)
class QueueModel:
    """How the plan was staffed, so a roster's agents can be evaluated the same way."""

    model: str
    target: StaffingTarget
    shrinkage: float


@dataclass(frozen=True)
class Needs:
    """Agents required per interval (`NEEDS_COLUMNS`), the interval length and the local time zone."""

    intervals: pd.DataFrame
    minutes: int
    zone: ZoneInfo
    queue: QueueModel | None
    source: str

    @property
    def has_load(self) -> bool:
        """Whether calls and handle time are known, so the service level can be evaluated."""
        return self.queue is not None and bool(self.intervals.calls.notna().any())


def needs_from_plan(plan: StaffingPlan, zone: ZoneInfo, source: str = "the staffing plan") -> Needs:
    """A plan's `scheduled_agents` as what to cover, with its load and target."""
    frame = plan.intervals
    starts = pd.to_datetime(frame.interval_start_utc, utc=True)
    return Needs(
        pd.DataFrame(
            {
                "interval_start": [s.tz_convert(zone) for s in starts],
                "start": [int(s.timestamp()) for s in starts],
                "required": frame.scheduled_agents.astype(int).to_numpy(),
                "calls": frame.forecast_calls.astype(float).to_numpy(),
                "aht_s": frame.aht_s.astype(float).to_numpy(),
                "patience_s": frame.patience_s.astype(float).to_numpy(),
            }
        ),
        plan.minutes,
        zone,
        QueueModel(plan.model, plan.target, plan.shrinkage),
        source,
    )


def _moment(text: str, zone: ZoneInfo, where: str) -> pd.Timestamp:
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise InvalidRequest(
            f"{where}: expected a local time such as 2026-12-06T08:00 or 2026-12-06T08:00+02:00, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return pd.Timestamp(moment).tz_convert(zone)


def _number(text: Any, where: str, *, whole: bool) -> float:
    if text is None or (isinstance(text, str) and not text.strip()):
        return math.nan
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise InvalidRequest(f"{where}: expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise InvalidRequest(f"{where}: expected a number ≥ 0, got {text!r}")
    if whole and value != int(value):
        raise InvalidRequest(f"{where}: expected a whole number of agents, got {text!r}")
    return value


def _column_position(names: list[str], column: str) -> str:
    return f"column {names.index(column) + 1} ({column})" if column in names else column


def read_needs(
    path: Path, zone: ZoneInfo, *, minutes: int | None = None, queue: QueueModel | None = None
) -> Needs:
    """Read a requirements file or a saved plan (CSV or JSON); mistakes name the line and column.

    `queue` is how the load is evaluated when the file has calls and handle times but does not say it
    (a CSV plan); a JSON plan says it itself."""
    if not path.exists():
        raise InvalidRequest(f"{path}: no such file")
    if path.suffix.lower() == ".json":
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InvalidRequest(
                f"{path}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
            ) from None
        rows = document.get("intervals") if isinstance(document, dict) else document
        if not isinstance(rows, list):
            raise InvalidRequest(
                f"{path}: expected a list of intervals, or a plan from `kpidesk staffing plan --as json`"
            )
        if isinstance(document, dict) and document.get("model") in MODELS and "target" in document:
            target = document["target"]
            queue = QueueModel(
                document["model"],
                StaffingTarget(
                    service_level=target.get("service_level"),
                    threshold_s=float(target.get("service_level_seconds") or 20.0),
                    max_asa_s=target.get("max_asa_s"),
                    max_abandonment=target.get("max_abandonment"),
                    max_occupancy=target.get("max_occupancy"),
                ),
                float(document.get("shrinkage") or 0.0),
            )
            minutes = minutes or document.get("minutes")
        records = []
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise InvalidRequest(f"{path}: interval {index + 1}: expected an object with interval_start")
            records.append((f"interval {index + 1}", row))
        names = sorted({k for _, r in records for k in r})
    else:
        names, lines = read_csv_rows(path, "interval_start,required")
        records = [(f"line {line}", dict[str, Any](row)) for line, row in lines]
    required_column = "required" if "required" in names else "scheduled_agents"
    for needed in ("interval_start", required_column):
        if needed not in names:
            raise InvalidRequest(
                f"{path}: no {needed} column; expected interval_start (local time) and required (agents), "
                f"or a plan from `kpidesk staffing plan --as csv`"
            )
    is_plan = required_column == "scheduled_agents"
    out = []
    seen: dict[int, str] = {}
    for where, row in records:
        place = f"{path}, {where}"
        moment = _moment(
            str(row.get("interval_start") or ""),
            zone,
            f"{place}, {_column_position(names, 'interval_start')}",
        )
        epoch = int(moment.timestamp())
        if epoch in seen:
            raise InvalidRequest(f"{place}: interval {moment.isoformat()} again (first on {seen[epoch]})")
        seen[epoch] = where
        required = _number(
            row.get(required_column), f"{place}, {_column_position(names, required_column)}", whole=True
        )
        if math.isnan(required):
            raise InvalidRequest(
                f"{place}, {_column_position(names, required_column)}: expected agents, found nothing"
            )
        out.append(
            {
                "interval_start": moment,
                "start": epoch,
                "required": int(required),
                "calls": _number(row.get("forecast_calls", row.get("calls")), f"{place}, calls", whole=False),
                "aht_s": _number(
                    row.get("aht_s"), f"{place}, {_column_position(names, 'aht_s')}", whole=False
                ),
                "patience_s": _number(
                    row.get("patience_s"), f"{place}, {_column_position(names, 'patience_s')}", whole=False
                ),
            }
        )
    if not out:
        raise InvalidRequest(f"{path}: no intervals in the file")
    frame = pd.DataFrame(out).sort_values("start", ignore_index=True)
    gaps = frame.start.diff().dropna()
    if minutes is None:
        if gaps.empty:
            raise InvalidRequest(f"{path}: one interval only; say how long it is with --interval")
        minutes = int(gaps.min() // 60)
    if minutes <= 0 or 1440 % minutes:
        raise InvalidRequest(f"{path}: intervals of {minutes} minutes; expected a length that divides a day")
    if (gaps % (minutes * 60)).any() or (gaps < minutes * 60).any():
        off_grid = ((gaps % (minutes * 60) != 0) | (gaps < minutes * 60)).to_numpy()
        bad = int(gaps.index.to_numpy()[off_grid.argmax()])
        raise InvalidRequest(
            f"{path}: interval {frame.interval_start[bad].isoformat()} is not on the {minutes}-minute grid "
            "of the others"
        )
    if not is_plan and "calls" not in names:
        queue = None
    return Needs(frame[list(NEEDS_COLUMNS)], minutes, zone, queue, str(path))
