"""The detector on a real call log: the Anonymous Bank's calls of August 1999 (an Israeli bank), imported
with its example mapping. The counts it judges are checked against a count of the raw file made with
pandas alone, and its alerts are the ones docs/alerts.md lists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from bank_fixture import BankImport
from real_datasets import BANK_LOG

from kpidesk.alerts import GRAINS_BY_NAME, SOURCES, VolumeRule, parse_alert_rules, scan
from kpidesk.calendars import BusinessCalendar

pytestmark = pytest.mark.dataset

#: The rule docs/alerts.md runs on the log: one month of history, so days compare with the same weekday
#: from the 4th occurrence on, and an hour with the same hour of any working day from the 11th on.
RULE = """\
alerts:
  - name: bank-calls
    kind: volume
    of: calls
    grain: [day, hour]
    min_history: {day: 3, hour: 10}
    floor: {day: 100, hour: 25}
    compare: {day: weekday, hour: day_type}
"""
#: (grain, window, direction, calls, baseline, z rounded) of every alert raised, as docs/alerts.md lists them.
ALERTS = [
    ("day", datetime(1999, 8, 25), "down", 1200, 1713.0, -5.41),
    ("hour", datetime(1999, 8, 16, 15), "down", 55, 136.0, -4.2),
    ("hour", datetime(1999, 8, 22, 22), "up", 175, 55.5, 7.33),
]
JUDGED = {"day": 10, "hour": 312}


def _raw_counts() -> dict[str, dict[datetime, int]]:
    """Offered calls per local day and hour counted from the CSV with pandas, following the importer's
    documented rules: PHANTOM records are not calls; a hung-up call with a service start, a served one
    without, and a service start before the queue entry are rejected; a call arrives at its queue entry,
    or at its service start when it never queued; a time over 12 hours before the IVR entry is the next
    day."""
    raw = pd.read_csv(BANK_LOG, dtype=str)
    never = "0:00:00"

    def seconds(column: pd.Series) -> pd.Series:
        parts = column.str.split(":", expand=True).astype(int)
        return parts[0] * 3600 + parts[1] * 60 + parts[2]

    queue, service, ivr = seconds(raw.q_start), seconds(raw.ser_start), seconds(raw.vru_entry)
    served, queued = raw.ser_start != never, raw.q_start != never
    valid = (
        (raw.outcome != "PHANTOM")
        & ~((raw.outcome == "HANG") & served)
        & ~((raw.outcome == "AGENT") & ~served)
        & ~(queued & served & (service < queue) & (queue - service < 12 * 3600))
    )
    arrival = queue.where(queued, service)
    next_day = (arrival < ivr - 12 * 3600).astype(int)
    start = (
        pd.to_datetime(raw["date"], format="%y%m%d")
        + pd.to_timedelta(next_day, unit="D")
        + pd.to_timedelta(arrival, unit="s")
    )[valid & (queued | served)]
    return {
        grain: {k.to_pydatetime(): int(n) for k, n in start.dt.floor(freq).value_counts().items()}
        for grain, freq in (("day", "D"), ("hour", "h"))
    }


def test_the_counts_judged_are_the_files_and_the_alerts_are_the_documented_ones(
    bank_import: BankImport,
) -> None:
    ws = bank_import.workspace
    calendar = BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar])
    (rule,) = parse_alert_rules(RULE, Path("reports.yaml"))
    assert isinstance(rule, VolumeRule)
    raw = _raw_counts()
    assert sum(raw["day"].values()) == 38_501
    found = []
    with ws.connect(read_only=True) as con:
        for name in rule.grains:
            series = SOURCES["calls"].series(con, calendar.zone.key, name, datetime(1999, 9, 1, tzinfo=UTC))
            assert dict(series.counts) == raw[name]
            grain = GRAINS_BY_NAME[name]
            last = datetime(1999, 8, 31) if name == "day" else datetime(1999, 8, 31, 23)
            windows = list(grain.windows(datetime(1999, 8, 1), last))
            thresholds = rule.thresholds(name)
            assert series.first_day is not None
            results = scan(
                series.counts, series.first_day, windows, grain, calendar, thresholds, rule.compare[name]
            )
            assert sum(not r.learning for r in results) == JUDGED[name]
            for r in results:
                if r.raised:
                    assert r.baseline is not None and r.z is not None
                    found.append((name, r.start, r.raised, r.value, r.baseline.value, round(r.z, 2)))
    assert found == ALERTS
