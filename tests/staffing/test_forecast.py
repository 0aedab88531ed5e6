"""The arrivals forecast: exact data the model must reproduce, a seasonal-naive accuracy worked on paper,
holidays, DST days, refusals, and the real Anonymous Bank log of August 1999.

Histories are built here the way `call_intervals` returns them (local interval_start, naive UTC
interval_start_utc, offered with zero intervals included), from the UTC clock with pandas, independently
of the module's own grid. Weeks start on Sunday. Israel is UTC+2 until Fri 27 March 2026 02:00 (clocks to
03:00) and after Sun 25 October 2026 02:00 (clocks back to 01:00); Berlin changes on Sun 29 March 2026
02:00 → 03:00 and Sun 25 October 2026 03:00 → 02:00.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from bank_fixture import BankImport
from scipy import stats

import kpidesk
from kpidesk.calendars import BusinessCalendar
from kpidesk.staffing._forecast import ArrivalForecast, ForecastError, forecast_arrivals
from kpidesk.workspace import CalendarSettings

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "mappings" / "anonymous-bank.yaml"
DATASETS = ROOT / ".." / "shared" / "datasets"
BANK_LOG = DATASETS / "anonymous-bank-1999-08" / "august_calls_1999.csv"
JERUSALEM = "Asia/Jerusalem"
SUN_THU = ("sun", "mon", "tue", "wed", "thu")
EVERY_DAY = (*SUN_THU, "fri", "sat")

#: Daily level by `date.weekday()` (Monday 0 … Sunday 6): Sun 4, Mon 3, Tue 3, Wed 2, Thu 2, Fri 2, Sat 1.
LEVEL = {6: 4, 0: 3, 1: 3, 2: 2, 3: 2, 4: 2, 5: 1}
#: Calls per hour of the day on a working day, times the level: 32 calls a day at level 1.
WORK_SHAPE = {8: 1, 9: 5, 10: 5, 11: 5, 12: 3, 13: 3, 14: 3, 15: 3, 16: 3, 17: 1}
#: Calls per hour of the day on a non-working day (Friday, Saturday, holidays), times the level.
OFF_SHAPE = {10: 2, 11: 2, 20: 1}


def calendar(
    *,
    days: tuple[str, ...] = SUN_THU,
    zone: str = JERUSALEM,
    country: str | None = None,
) -> BusinessCalendar:
    return BusinessCalendar(
        CalendarSettings(
            name="test",
            timezone=zone,
            week_start="sun",
            hours=dict.fromkeys(days, "09:00-17:00"),
            country=country,
        )
    )


def history(
    first: date, days: int, minutes: int, count: Callable[[pd.Timestamp], float], zone: str = JERUSALEM
) -> pd.DataFrame:
    """`days` local days from `first` in intervals of `minutes`, each with `count(local start)` calls."""
    tz = ZoneInfo(zone)
    lo = pd.Timestamp(datetime.combine(first, time(), tzinfo=tz))
    hi = pd.Timestamp(datetime.combine(first + timedelta(days=days), time(), tzinfo=tz))
    starts = pd.date_range(lo, hi, freq=f"{minutes}min", inclusive="left")
    return pd.DataFrame(
        {
            "interval_start": starts,
            "interval_start_utc": starts.tz_convert("UTC").tz_localize(None),
            "offered": [count(t) for t in starts],
        }
    )


def weekly(cal: BusinessCalendar, holiday_level: float | None = None) -> Callable[[pd.Timestamp], float]:
    """Noise-free counts: level × shape of the day class; holidays at `holiday_level` × the off shape."""

    def count(t: pd.Timestamp) -> float:
        day = t.date()
        if cal.holiday_name(day) is not None:
            assert holiday_level is not None
            return holiday_level * OFF_SHAPE.get(t.hour, 0)
        shape = WORK_SHAPE if cal.hours_on(day) else OFF_SHAPE
        return LEVEL[day.weekday()] * shape.get(t.hour, 0)

    return count


def by_day(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby(frame.interval_start.dt.date).size()


def accuracy(result: ArrivalForecast, method: str) -> dict[Any, Any]:
    """The accuracy row of `method` by column: mae, rmse, wape, bias and intervals."""
    return result.accuracy.set_index("method").loc[method].to_dict()


# Exact data --------------------------------------------------------------------------------------------


def test_noise_free_weekly_counts_are_reproduced_by_model_and_seasonal_naive() -> None:
    cal = calendar()
    count = weekly(cal)
    past = history(date(2026, 1, 4), 21, 60, count)
    result = forecast_arrivals(past, cal, minutes=60, start=date(2026, 1, 25), end=date(2026, 2, 7))
    out = result.intervals
    assert list(out.columns) == [
        "interval_start",
        "interval_start_utc",
        "forecast",
        "forecast_low",
        "forecast_high",
        "seasonal_naive",
        "holiday",
    ]
    assert len(out) == 14 * 24
    assert str(out.interval_start.dt.tz) == JERUSALEM and str(out.interval_start_utc.dt.tz) == "UTC"
    assert out.interval_start.iloc[0] == pd.Timestamp("2026-01-25 00:00", tz=JERUSALEM)
    assert (out.interval_start == out.interval_start_utc).all()
    expected = np.array([count(t) for t in out.interval_start])
    # e.g. Sunday 25 January 09:00: level 4 × shape 5 = 20 calls; Saturday 31 January 20:00: 1 × 1 = 1.
    assert expected[9] == 20 and expected[6 * 24 + 20] == 1
    assert out.forecast.to_numpy() == pytest.approx(expected, abs=1e-6)
    assert (out.seasonal_naive.to_numpy() == expected).all()  # the second week repeats the last one
    assert out.holiday.isna().all()
    # Hour 03:00 never had a call: forecast exactly 0, with a 0–0 interval.
    night = out[out.interval_start.dt.hour == 3]
    assert (night[["forecast", "forecast_low", "forecast_high"]].to_numpy() == 0).all()
    # The fit is exact (dispersion 0 ≤ 1), so the 80% interval is Poisson's 10% and 90% quantiles.
    assert "Poisson (fitted dispersion 0.00" in result.method
    busy = out.forecast > 0
    assert out.forecast_low[busy].tolist() == stats.poisson.ppf(0.1, expected[busy]).tolist()
    assert out.forecast_high[busy].tolist() == stats.poisson.ppf(0.9, expected[busy]).tolist()
    assert (result.holdout_start, result.holdout_end) == (date(2026, 1, 18), date(2026, 1, 24))
    assert list(result.accuracy.method) == ["model", "seasonal_naive"]
    for method in ("model", "seasonal_naive"):
        row = accuracy(result, method)
        assert row["mae"] == pytest.approx(0, abs=1e-9) and row["rmse"] == pytest.approx(0, abs=1e-9)
        assert row["bias"] == pytest.approx(0, abs=1e-9) and row["wape"] == pytest.approx(0, abs=1e-9)
        assert row["intervals"] == 7 * 24
    assert "not significant" in result.method  # no trend in flat weeks


def test_a_15_minute_history_gives_a_60_minute_forecast_of_the_hourly_sums() -> None:
    cal = calendar()
    hourly = weekly(cal)
    quarter = history(date(2026, 1, 4), 14, 15, lambda t: hourly(t) * 4)  # 4 × the hourly count each quarter
    result = forecast_arrivals(quarter, cal, minutes=60, start=date(2026, 1, 18), end=date(2026, 1, 24))
    expected = np.array([16 * hourly(t) for t in result.intervals.interval_start])
    assert result.intervals.forecast.to_numpy() == pytest.approx(expected, abs=1e-6)
    assert (result.intervals.seasonal_naive.to_numpy() == expected).all()


def test_a_declining_history_keeps_its_trend_but_does_not_extrapolate_it() -> None:
    cal = calendar(days=EVERY_DAY, zone="UTC")
    # Calls at 10:00 only, 1000 × 0.95^d on day d = 0 … 20 (4–24 January): a trend of 0.95⁷ − 1 = −30.2%
    # a week with nothing else in it.
    past = history(
        date(2026, 1, 4),
        21,
        60,
        lambda t: 1000 * 0.95 ** (t.date() - date(2026, 1, 4)).days if t.hour == 10 else 0,
        zone="UTC",
    )
    result = forecast_arrivals(past, cal, minutes=60, start=date(2026, 1, 25), end=date(2026, 3, 21))
    assert "a linear trend of -30.2% a week" in result.method and "held at its last level" in result.method
    at_ten = result.intervals[result.intervals.interval_start.dt.hour == 10].forecast
    # Held flat for the eight weeks at the level of the last day (day 20), not declining towards 0.
    assert at_ten.to_numpy() == pytest.approx(np.full(56, 1000 * 0.95**20), rel=1e-6)
    # The week held back (days 14–20) is forecast at day 13's level; the seasonal naive repeats days 7–13.
    actual = np.array([1000 * 0.95**d for d in range(14, 21)])
    model_mae = np.abs(1000 * 0.95**13 - actual).sum() / (7 * 24)
    naive_mae = np.abs(np.array([1000 * 0.95**d for d in range(7, 14)]) - actual).sum() / (7 * 24)
    assert accuracy(result, "model")["mae"] == pytest.approx(model_mae, rel=1e-6)
    assert accuracy(result, "seasonal_naive")["mae"] == pytest.approx(naive_mae, rel=1e-12)


# Seasonal naive accuracy, worked by hand ------------------------------------------------------------------

#: Calls at 10:00 UTC on Sun … Sat of the first week (4–10 January 2026) and of the second (11–17 January).
WEEK_1 = (4, 6, 5, 8, 2, 0, 1)
WEEK_2 = (5, 6, 3, 8, 4, 1, 0)


def test_seasonal_naive_accuracy_worked_by_hand() -> None:
    def count(t: pd.Timestamp) -> float:
        day = (t.date() - date(2026, 1, 4)).days
        return (WEEK_1 + WEEK_2)[day] if t.hour == 10 else 0

    cal = calendar(zone="UTC")
    result = forecast_arrivals(
        history(date(2026, 1, 4), 14, 60, count, zone="UTC"),
        cal,
        minutes=60,
        start=date(2026, 1, 18),
        end=date(2026, 1, 24),
    )
    assert (result.holdout_start, result.holdout_end) == (date(2026, 1, 11), date(2026, 1, 17))
    # The held-back week is 11–17 January; the seasonal naive forecasts it with week 1.
    # errors (forecast − actual) at 10:00: 4−5, 6−6, 5−3, 8−8, 2−4, 0−1, 1−0 = −1, 0, 2, 0, −2, −1, 1;
    # every other hour of the 7 × 24 = 168 is 0 − 0.
    # Σ|e| = 7, Σe² = 1 + 4 + 4 + 1 + 1 = 11, Σe = −1, Σ actual = 5 + 6 + 3 + 8 + 4 + 1 + 0 = 27.
    naive = accuracy(result, "seasonal_naive")
    assert naive == pytest.approx(
        {"mae": 7 / 168, "rmse": math.sqrt(11 / 168), "wape": 7 / 27, "bias": -1 / 168, "intervals": 168}
    )
    # The model fitted on week 1 alone has no trend (too short), one day per weekday level and one busy
    # hour per day class, so it reproduces week 1 exactly (Friday, without a call, is forecast 0) and
    # scores the same.
    assert accuracy(result, "model") == pytest.approx(naive, abs=1e-9)
    # The forecast proper repeats week 2 for the seasonal naive.
    at_ten = result.intervals[result.intervals.interval_start.dt.hour == 10]
    assert at_ten.seasonal_naive.tolist() == list(WEEK_2)


# Holidays -----------------------------------------------------------------------------------------------


def test_a_quiet_holiday_in_the_history_makes_a_future_holiday_quiet() -> None:
    # Israeli holidays in the three weeks 14 September – 4 October 2025: Rosh Hashanah Tue 23 and Wed 24
    # September (in the weeks fitted) and Yom Kippur Thu 2 October (in the week held back), each with
    # the non-working shape at level 1. Sukkot falls on Tuesday 7 October, in the forecast.
    cal = calendar(country="IL")
    count = weekly(cal, holiday_level=1)
    past = history(date(2025, 9, 14), 21, 60, count)
    assert past.offered[past.interval_start.dt.date == date(2025, 9, 23)].sum() == 5  # 2 + 2 + 1
    result = forecast_arrivals(past, cal, minutes=60, start=date(2025, 10, 5), end=date(2025, 10, 11))
    out = result.intervals
    sukkot = out[out.interval_start.dt.date == date(2025, 10, 7)]
    assert set(sukkot.holiday) == {"Sukkot"}
    assert out.holiday.notna().sum() == 24
    # Sukkot: 1 × (2 at 10:00, 2 at 11:00, 1 at 20:00) = 5 calls; an ordinary Tuesday has 3 × 32 = 96.
    assert sukkot.forecast.to_numpy() == pytest.approx([OFF_SHAPE.get(h, 0) for h in range(24)], abs=1e-6)
    assert sukkot.forecast.sum() == pytest.approx(5)
    assert sukkot.seasonal_naive.sum() == 96  # the benchmark knows no holidays: last Tuesday
    others = out[out.holiday.isna()]
    assert others.forecast.to_numpy() == pytest.approx([count(t) for t in others.interval_start], abs=1e-6)
    assert accuracy(result, "model")["mae"] == pytest.approx(0, abs=1e-9)
    assert "a holiday level from the history's holidays" in result.method


def test_without_holidays_in_the_history_a_holiday_is_forecast_as_the_mean_of_the_closed_days() -> None:
    # No Israeli holiday from 16 August to 5 September 2026; Rosh Hashanah is Sat 12 and Sun 13 September.
    cal = calendar(country="IL")
    count = weekly(cal)
    result = forecast_arrivals(
        history(date(2026, 8, 16), 21, 60, count),
        cal,
        minutes=60,
        start=date(2026, 9, 6),
        end=date(2026, 9, 13),
    )
    out = result.intervals
    days = out.interval_start.dt.date
    assert set(out.holiday[days >= date(2026, 9, 12)]) == {"Rosh Hashanah"}
    # Mean of Friday (level 2) and Saturday (level 1) with the off shape: 1.5 × (2, 2, 1) at 10, 11, 20.
    for day in (date(2026, 9, 12), date(2026, 9, 13)):
        holiday = out[days == day].forecast.to_numpy()
        assert holiday == pytest.approx([1.5 * OFF_SHAPE.get(h, 0) for h in range(24)], abs=1e-6)
    assert "no holiday in the history, so a holiday is forecast as the mean of Fri, Sat" in result.method


def test_without_closed_days_a_holiday_is_forecast_as_the_quietest_weekday() -> None:
    cal = calendar(days=EVERY_DAY, country="IL")
    count = weekly(cal)  # every day works: level × work shape, Saturday (level 1) the quietest
    result = forecast_arrivals(
        history(date(2026, 8, 16), 21, 60, count),
        cal,
        minutes=60,
        start=date(2026, 9, 13),
        end=date(2026, 9, 13),
    )
    assert set(result.intervals.holiday) == {"Rosh Hashanah"}
    assert result.intervals.forecast.to_numpy() == pytest.approx(
        [1 * WORK_SHAPE.get(h, 0) for h in range(24)], abs=1e-6
    )
    assert "forecast as the quietest weekday" in result.method


# DST ----------------------------------------------------------------------------------------------------

#: zone, the day of the change and its hours.
CHANGES = [
    (JERUSALEM, date(2026, 3, 27), 23),
    (JERUSALEM, date(2026, 10, 25), 25),
    ("Europe/Berlin", date(2026, 3, 29), 23),
    ("Europe/Berlin", date(2026, 10, 25), 25),
]


def by_hour(t: pd.Timestamp) -> float:
    """The level of the weekday × (wall-clock hour + 1): a call count for every hour of the day."""
    return LEVEL[t.weekday()] * (t.hour + 1)


@pytest.mark.parametrize("minutes", [15, 30, 60])
@pytest.mark.parametrize(("zone", "change", "hours"), CHANGES)
def test_forecast_days_across_a_dst_change(zone: str, change: date, hours: int, minutes: int) -> None:
    cal = calendar(days=EVERY_DAY, zone=zone)
    first = change - timedelta(days=3)  # a week from 3 days before the change, after two weeks of history
    past = history(first - timedelta(days=14), 14, minutes, by_hour, zone=zone)
    result = forecast_arrivals(past, cal, minutes=minutes, start=first, end=first + timedelta(days=6))
    out = result.intervals
    per_hour = 60 // minutes
    counts = by_day(out)
    assert counts[change] == hours * per_hour
    assert (counts.drop(change) == 24 * per_hour).all() and len(counts) == 7
    utc = out.interval_start_utc
    assert utc.is_monotonic_increasing and utc.is_unique
    assert (utc.diff().dropna() == pd.Timedelta(minutes=minutes)).all()
    # Each interval gets its wall-clock hour's count, the repeated hour both times, the skipped one never.
    assert out.forecast.to_numpy() == pytest.approx([by_hour(t) for t in out.interval_start], abs=1e-6)
    assert (out.seasonal_naive.to_numpy() == [by_hour(t) for t in out.interval_start]).all()
    wall = out[out.interval_start.dt.date == change].interval_start.dt.hour.value_counts()
    if hours == 25:
        assert wall.max() == 2 * per_hour and (wall == 2 * per_hour).sum() == 1
    else:
        assert len(wall) == 23 and (wall == per_hour).all()


@pytest.mark.parametrize(
    ("zone", "first"), [(JERUSALEM, date(2026, 3, 15)), ("Europe/Berlin", date(2026, 10, 18))]
)
def test_a_history_across_a_dst_change(zone: str, first: date) -> None:
    # The weeks fitted hold the change: Fri 27 March in Israel, whose skipped 02:00 the seasonal naive for
    # Fri 3 April takes from Fri 20 March; Sun 25 October in Berlin, whose repeated 02:00 counts for Sun
    # 1 November as the mean of its two (equal) counts. Both methods are then exact.
    cal = calendar(days=EVERY_DAY, zone=zone)
    result = forecast_arrivals(
        history(first, 21, 60, by_hour, zone=zone),
        cal,
        minutes=60,
        start=first + timedelta(days=21),
        end=first + timedelta(days=27),
    )
    for method in ("model", "seasonal_naive"):
        assert accuracy(result, method)["mae"] == pytest.approx(0, abs=1e-9)
    assert result.intervals.forecast.to_numpy() == pytest.approx(
        [by_hour(t) for t in result.intervals.interval_start], abs=1e-6
    )


# Refusals and the empty queue ---------------------------------------------------------------------------


def test_too_little_history_is_refused_in_plain_words() -> None:
    cal = calendar()
    nine = history(date(2026, 1, 4), 9, 60, weekly(cal))
    with pytest.raises(ForecastError, match=r"^needs at least 2 full weeks of history, got 9 days"):
        forecast_arrivals(nine, cal, minutes=60, start=date(2026, 1, 13), end=date(2026, 1, 19))
    twenty = history(date(2026, 1, 4), 20, 60, weekly(cal))
    with pytest.raises(ForecastError, match=r"needs at least 3 full weeks of history, got 20 days \(2 held"):
        forecast_arrivals(
            twenty, cal, minutes=60, start=date(2026, 1, 24), end=date(2026, 1, 30), holdout_weeks=2
        )
    with pytest.raises(ForecastError, match="got 0 days"):
        forecast_arrivals(nine.iloc[:0], cal, minutes=60, start=date(2026, 1, 13), end=date(2026, 1, 19))


def test_bad_requests_are_refused() -> None:
    cal = calendar()
    past = history(date(2026, 1, 4), 14, 60, weekly(cal))
    start, end = date(2026, 1, 18), date(2026, 1, 24)
    with pytest.raises(ForecastError, match="history runs to 2026-01-17; forecast days after the history"):
        forecast_arrivals(past, cal, minutes=60, start=date(2026, 1, 17), end=end)
    with pytest.raises(ForecastError, match="unknown interval of 20 minutes"):
        forecast_arrivals(past, cal, minutes=20, start=start, end=end)
    with pytest.raises(ForecastError, match=r"the last date to forecast \(2026-01-24\) is before"):
        forecast_arrivals(past, cal, minutes=60, start=end + timedelta(days=1), end=end)
    with pytest.raises(ForecastError, match="history is in 60-minute intervals, longer than the 15-minute"):
        forecast_arrivals(past, cal, minutes=15, start=start, end=end)
    with pytest.raises(ForecastError, match="confidence must be between 0 and 1"):
        forecast_arrivals(past, cal, minutes=60, start=start, end=end, confidence=80)


def test_a_queue_without_calls_is_forecast_zero() -> None:
    cal = calendar(country="IL")
    result = forecast_arrivals(
        history(date(2026, 8, 16), 21, 30, lambda t: 0),
        cal,
        minutes=30,
        start=date(2026, 9, 6),
        end=date(2026, 9, 19),
    )
    values = result.intervals[["forecast", "forecast_low", "forecast_high", "seasonal_naive"]]
    assert len(values) == 14 * 48 and (values.to_numpy() == 0).all()
    model, naive = accuracy(result, "model"), accuracy(result, "seasonal_naive")
    assert model["mae"] == naive["mae"] == model["bias"] == 0
    assert math.isnan(model["wape"]) and math.isnan(naive["wape"])  # 0 / 0 calls
    assert "the history has no calls" in result.method


# The real log: Anonymous Bank, August 1999 --------------------------------------------------------------


@pytest.fixture(scope="module")
def bank(bank_import: BankImport) -> tuple[pd.DataFrame, BusinessCalendar]:
    """All offered calls of the bank per 30 minutes of Israeli time, and the workspace's calendar."""
    ws = bank_import.workspace
    intervals = kpidesk.call_intervals(ws, minutes=30)
    return intervals, BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar])


@pytest.mark.dataset
def test_bank_forecast_accuracy_matches_a_recomputation(bank: tuple[pd.DataFrame, BusinessCalendar]) -> None:
    intervals, cal = bank
    # 38,501 offered calls, as tests/ingest/exports/test_call_log.py recomputes from the raw CSV;
    # 1 to 31 August 1999 in Israeli summer time: 31 days × 48 intervals.
    assert intervals.offered.sum() == 38_501 and len(intervals) == 31 * 48
    result = forecast_arrivals(intervals, cal, minutes=30, start=date(1999, 9, 1), end=date(1999, 9, 7))
    assert (result.holdout_start, result.holdout_end) == (date(1999, 8, 25), date(1999, 8, 31))

    # The seasonal naive recomputed with pandas: each held-back interval against the same clock time a week
    # earlier (no DST change in August, so that is 7 × 48 rows back).
    offered = intervals.offered.to_numpy(dtype=float)
    actual, naive = offered[-7 * 48 :], offered[-14 * 48 : -7 * 48]
    error = naive - actual
    assert (np.abs(error).sum(), actual.sum(), error.sum()) == (1587, 6987, 159)
    assert accuracy(result, "seasonal_naive") == pytest.approx(
        {
            "mae": 1587 / 336,
            "rmse": math.sqrt((error**2).mean()),
            "wape": 1587 / 6987,
            "bias": 159 / 336,
            "intervals": 336,
        }
    )

    # The model's figures: forecasting 25–31 August from 1–24 August must give the same errors.
    days = intervals.interval_start.dt.date
    held = forecast_arrivals(
        intervals[days < date(1999, 8, 25)], cal, minutes=30, start=date(1999, 8, 25), end=date(1999, 8, 31)
    )
    model_error = held.intervals.forecast.to_numpy() - actual
    model = accuracy(result, "model")
    assert model == pytest.approx(
        {
            "mae": np.abs(model_error).mean(),
            "rmse": math.sqrt((model_error**2).mean()),
            "wape": np.abs(model_error).sum() / 6987,
            "bias": model_error.mean(),
            "intervals": 336,
        }
    )
    assert (held.intervals.seasonal_naive.to_numpy() == naive).all()
    # On this log the model beats the seasonal naive on the held-back week (MAE 4.03 against 4.72).
    assert model["mae"] < accuracy(result, "seasonal_naive")["mae"]
    assert model["wape"] < accuracy(result, "seasonal_naive")["wape"]
    assert model["rmse"] < accuracy(result, "seasonal_naive")["rmse"]

    # The forecast week: Israel left summer time on Friday 3 September 1999, a 25-hour day.
    out = result.intervals
    assert by_day(out)[date(1999, 9, 3)] == 50 and len(out) == 6 * 48 + 50
    assert out.interval_start_utc.is_monotonic_increasing and out.interval_start_utc.is_unique
    assert (out.forecast >= 0).all() and (out.forecast_low <= out.forecast_high).all()
    # At a busy interval the 80% interval of the count holds the expected calls.
    busy = out.forecast > 10
    assert busy.sum() > 100 and (out.forecast_low[busy] < out.forecast[busy]).all()
    assert (out.forecast[busy] < out.forecast_high[busy]).all()
    assert "negative binomial" in result.method  # call counts are overdispersed
