"""Expected calls per local interval in the days ahead, checked against the seasonal naive on held-back weeks.

A staffing plan is only as good as its arrivals forecast, and a forecast is only worth using when it beats
"same interval last week". So `forecast_arrivals` first holds back the last weeks of history, forecasts them
with the model and with the seasonal naive, and reports both errors beside the real forecast.

The model is a Poisson GLM with log link on the counts per interval (statsmodels):

    log E[calls] = trend·day + level(day) + shape(day class, interval of day)

`level` is one per weekday, and one shared by all holidays in place of their weekday's (a holiday is quiet
whatever weekday it falls on). `shape` is one curve over the local intervals of the day for working days
and one for non-working days (the calendar's closed weekdays and its holidays). Intervals are told apart by
their wall clock, so a spring-forward day lacks its skipped hour and a fall-back day has the repeated hour
twice, both with the same expected calls.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from kpidesk import KpideskError
from kpidesk.calendars import BusinessCalendar, local_interval_start, local_midnight
from kpidesk.metrics import INTERVAL_MINUTES

__all__ = ["ArrivalForecast", "ForecastError", "forecast_arrivals"]

_QUARTER_S = 900
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: The level of holidays, after the weekdays 0 (Monday) to 6 (Sunday).
_HOLIDAY = 7
_WORKING, _NON_WORKING = 0, 1
#: The trend is kept only when its Wald test rejects "no trend" at this level.
_TREND_ALPHA = 0.05
_MAX_ITERATIONS = 100


class ForecastError(KpideskError, ValueError):
    """The history cannot give a forecast (too short, wrong interval length, dates out of order)."""


@dataclass(frozen=True)
class ArrivalForecast:
    """The forecast per future local interval, and how model and seasonal naive did on held-back weeks.

    `intervals`: interval_start (local, the calendar's zone), interval_start_utc, forecast (expected calls),
    forecast_low and forecast_high (the prediction interval of the count), seasonal_naive and holiday (its
    name or None). `accuracy`: one row per method ("model", "seasonal_naive") over the intervals from
    `holdout_start` to `holdout_end`: mae, rmse, wape (Σ|error| / Σ actual, NaN without calls), bias
    (mean forecast − actual) and intervals (how many). `method` says in words what was fitted.
    """

    intervals: pd.DataFrame
    accuracy: pd.DataFrame
    holdout_start: date
    holdout_end: date
    method: str


@dataclass(frozen=True)
class _Model:
    """A fitted model: coefficients of the cells and levels that had calls; anything else is forecast 0."""

    cells: dict[tuple[int, int], float]
    levels: dict[int, float]
    seen_levels: frozenset[int]
    closed_weekdays: tuple[int, ...]
    trend: float
    last_day: date
    dispersion: float
    trend_note: str

    def _base(self, level: int, day_class: int, slot: int) -> float:
        cell = self.cells.get((day_class, slot))
        weight = self.levels.get(level)
        return 0.0 if cell is None or weight is None else math.exp(cell + weight)

    def base(self, level: int, day_class: int, slot: int) -> float:
        """Expected calls at the last day's trend level; unseen holidays borrow from ordinary days."""
        if level != _HOLIDAY or _HOLIDAY in self.seen_levels:
            return self._base(level, day_class, slot)
        if self.closed_weekdays:
            return float(np.mean([self._base(d, _NON_WORKING, slot) for d in self.closed_weekdays]))
        quietest = min(range(7), key=lambda d: self.levels.get(d, -math.inf))
        return self._base(quietest, _WORKING, slot)

    def means(self, frame: pd.DataFrame) -> np.ndarray:
        """Expected calls per interval; after the last day of history the trend holds its level there."""
        weeks = np.array([min((d - self.last_day).days, 0) / 7 for d in frame.day], dtype="float64")
        cache: dict[tuple[int, int, int], float] = {}
        base = np.empty(len(frame))
        for i, key in enumerate(zip(frame.level, frame.day_class, frame.slot, strict=True)):
            if key not in cache:
                cache[key] = self.base(*key)
            base[i] = cache[key]
        return base * np.exp(self.trend * weeks)


def _grid(first: date, last: date, minutes: int, zone: ZoneInfo) -> np.ndarray:
    """UTC epochs of every local interval from `first` to `last`, the way `call_intervals` builds them."""
    lo, hi = local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)
    return np.array(
        sorted({local_interval_start(b, minutes, zone) for b in range(lo, hi, _QUARTER_S)}), dtype="int64"
    )


def _describe(epochs: np.ndarray, calendar: BusinessCalendar, minutes: int) -> pd.DataFrame:
    """Each interval's local day, weekday-or-holiday level, day class and interval of the day."""
    local = pd.DatetimeIndex(pd.to_datetime(epochs, unit="s", utc=True)).tz_convert(calendar.zone)
    days = list(local.date)
    facts = {d: (calendar.holiday_name(d), bool(calendar.hours_on(d))) for d in set(days)}
    holiday = pd.Series([facts[d][0] for d in days], dtype=object)
    working = np.array([facts[d][1] for d in days], dtype=bool)
    return pd.DataFrame(
        {
            "epoch": epochs,
            "day": days,
            "slot": np.asarray((local.hour * 60 + local.minute) // minutes, dtype="int64"),
            "level": np.where(holiday.notna().to_numpy(), _HOLIDAY, np.asarray(local.day_of_week)),
            "day_class": np.where(working, _WORKING, _NON_WORKING),
            "holiday": holiday,
        }
    )


def _history_counts(history: pd.DataFrame, calendar: BusinessCalendar, minutes: int) -> pd.DataFrame:
    """The history on the full grid of its local days, `minutes` long, rows of one interval summed."""
    empty = pd.DataFrame({"epoch": np.array([], dtype="int64"), "offered": np.array([], dtype="float64")})
    if history.empty:
        return empty
    column = "interval_start_utc" if "interval_start_utc" in history.columns else "interval_start"
    moments = pd.to_datetime(history[column])
    moments = moments.dt.tz_localize("UTC") if moments.dt.tz is None else moments.dt.tz_convert("UTC")
    epochs = ((moments - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy(dtype="int64")
    steps = np.diff(np.unique(epochs))
    if steps.size and steps.min() > minutes * 60:
        raise ForecastError(
            f"the history is in {int(steps.min()) // 60}-minute intervals, longer than the {minutes}-minute "
            f"intervals asked for; build it with call_intervals(minutes={minutes})"
        )
    zone = calendar.zone
    binned = (
        pd.DataFrame(
            {
                "epoch": [local_interval_start(int(e), minutes, zone) for e in epochs],
                "offered": pd.to_numeric(history["offered"]).fillna(0).to_numpy(dtype="float64"),
            }
        )
        .groupby("epoch")["offered"]
        .sum()
    )
    first = pd.Timestamp(int(binned.index.min()), unit="s", tz="UTC").tz_convert(zone).date()
    last = pd.Timestamp(int(binned.index.max()), unit="s", tz="UTC").tz_convert(zone).date()
    grid = _grid(first, last, minutes, zone)
    return pd.DataFrame({"epoch": grid, "offered": binned.reindex(grid, fill_value=0.0).to_numpy()})


def _glm(counts: np.ndarray, design: np.ndarray) -> Any | None:
    """The Poisson fit, or None when IRLS does not converge to finite coefficients."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        # statsmodels says "perfect prediction" whenever the fit equals the counts; with the cells and
        # levels without calls left out, that is an exact fit, not a coefficient running off.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        try:
            # The cells add up to a constant (no rank check needed). A saturated fit has no residual
            # degrees of freedom; `_dispersion` then takes 1.
            with np.errstate(divide="ignore", invalid="ignore"):
                model = sm.GLM(counts, design, family=sm.families.Poisson(), hasconst=True)
                result = model.fit(maxiter=_MAX_ITERATIONS)
        except (ConvergenceWarning, np.linalg.LinAlgError, ValueError):
            return None
    if not np.all(np.isfinite(result.params)):
        return None
    return result


def _dispersion(result: Any) -> float:
    """Pearson χ² over the residual degrees of freedom: 1 for Poisson counts, above 1 when overdispersed."""
    df_resid = float(result.df_resid)
    return float(result.pearson_chi2) / df_resid if df_resid > 0 else 1.0


def _fit(frame: pd.DataFrame, calendar: BusinessCalendar) -> _Model:
    """Fit on `frame` (described intervals with `offered`); cells and levels without a call stay out."""
    last_day: date = max(frame.day)
    closed = tuple(d for d in range(7) if not calendar.weekly[d])
    seen = frozenset(int(v) for v in frame.level.unique())
    offered = frame.offered.to_numpy(dtype="float64")
    cell_keys = [(int(c), int(s)) for c, s in zip(frame.day_class, frame.slot, strict=True)]
    cell_totals: dict[tuple[int, int], float] = defaultdict(float)
    level_totals: dict[int, float] = defaultdict(float)
    for key, level, calls in zip(cell_keys, frame.level, offered, strict=True):
        cell_totals[key] += calls
        level_totals[int(level)] += calls
    cells = sorted(k for k, v in cell_totals.items() if v > 0)
    levels = sorted(k for k, v in level_totals.items() if v > 0)
    if not cells:
        return _Model({}, {}, seen, closed, 0.0, last_day, 1.0, "no calls in the history")
    cell_column = {k: i for i, k in enumerate(cells)}
    # One level per day class is the reference (0): the class's cells already carry its overall level.
    home = {d: _NON_WORKING if d in closed else _WORKING for d in range(7)} | {_HOLIDAY: _NON_WORKING}
    references = {min((lv for lv in levels if home[lv] == c), default=None) for c in (_WORKING, _NON_WORKING)}
    free_levels = [lv for lv in levels if lv not in references]
    level_column = {lv: len(cells) + i for i, lv in enumerate(free_levels)}
    keep = np.array([k in cell_column for k in cell_keys]) & frame.level.isin(levels).to_numpy()
    rows = frame[keep]
    y = offered[keep]
    weeks = np.array([(d - last_day).days / 7 for d in rows.day], dtype="float64")
    width = len(cells) + len(free_levels)
    design = np.zeros((len(rows), width + 1))
    index = np.arange(len(rows))
    design[index, [cell_column[k] for k, kept in zip(cell_keys, keep, strict=True) if kept]] = 1.0
    level_cols = np.array([level_column.get(int(lv), -1) for lv in rows.level])
    design[index[level_cols >= 0], level_cols[level_cols >= 0]] = 1.0
    design[:, width] = weeks

    def model(result: Any, trend: float, note: str) -> _Model:
        params = np.asarray(result.params)
        level_coef = {lv: (float(params[level_column[lv]]) if lv in level_column else 0.0) for lv in levels}
        cell_coef = {k: float(params[i]) for k, i in cell_column.items()}
        return _Model(cell_coef, level_coef, seen, closed, trend, last_day, _dispersion(result), note)

    note = "no trend (less than 2 weeks to fit)"
    if (last_day - min(frame.day)).days + 1 >= 14:
        with_trend = _glm(y, design)
        if with_trend is None:
            note = "no trend (the fit with a trend did not converge)"
        else:
            slope = float(with_trend.params[width])
            se = float(with_trend.bse[width]) * math.sqrt(max(_dispersion(with_trend), 1.0))
            p = float(2 * stats.norm.sf(abs(slope / se))) if se > 0 else 1.0
            change = math.expm1(slope)
            if p < _TREND_ALPHA:
                kept = f"a linear trend of {change:+.1%} a week (p = {p:.2g}), held at its last level"
                return model(with_trend, slope, kept)
            note = f"no trend ({change:+.1%} a week is not significant, p = {p:.2g})"
    without = _glm(y, design[:, :width])
    if without is None:
        raise ForecastError("the model did not converge on this history; check the offered counts")
    return model(without, 0.0, note)


def _bounds(mean: np.ndarray, dispersion: float, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles of the count around its mean: Poisson, or negative binomial of variance φ·mean if φ > 1."""
    low, high = np.zeros_like(mean), np.zeros_like(mean)
    positive = mean > 0
    if positive.any():
        m = mean[positive]
        dist = stats.nbinom(m / (dispersion - 1), 1 / dispersion) if dispersion > 1 else stats.poisson(m)
        low[positive] = dist.ppf((1 - confidence) / 2)
        high[positive] = dist.ppf((1 + confidence) / 2)
    return low, high


def _seasonal_naive(history: pd.DataFrame, target: pd.DataFrame) -> np.ndarray:
    """The same wall-clock interval on the same weekday of the history's last week (repeated beyond it).

    A repeated fall-back hour counts as the mean of its two occurrences; an interval the source day lacks
    (its spring-forward hour) is taken from the week before, else 0.
    """
    values = history.groupby(["day", "slot"]).offered.mean().to_dict()
    first, last = min(history.day), max(history.day)
    out = np.zeros(len(target))
    for i, (day, slot) in enumerate(zip(target.day, target.slot, strict=True)):
        source = day - timedelta(days=7 * math.ceil((day - last).days / 7))
        while source >= first and (source, slot) not in values:
            source -= timedelta(days=7)
        out[i] = values.get((source, slot), 0.0)
    return out


def _accuracy(method: str, forecast: np.ndarray, actual: np.ndarray) -> dict[str, object]:
    error = forecast - actual
    total = float(actual.sum())
    return {
        "method": method,
        "mae": float(np.abs(error).mean()),
        "rmse": float(np.sqrt((error**2).mean())),
        "wape": float(np.abs(error).sum() / total) if total > 0 else math.nan,
        "bias": float(error.mean()),
        "intervals": len(error),
    }


def _describe_method(model: _Model, minutes: int, confidence: float, calendar: BusinessCalendar) -> str:
    if not model.cells:
        return f"every {minutes}-minute interval forecast 0: the history has no calls"
    if model.dispersion > 1:
        spread = (
            f"negative binomial with the fitted quasi-Poisson dispersion {model.dispersion:.2f} "
            f"(variance {model.dispersion:.2f} × mean)"
        )
    else:
        spread = f"Poisson (fitted dispersion {model.dispersion:.2f} ≤ 1)"
    if _HOLIDAY in model.seen_levels:
        holidays = "a holiday level from the history's holidays"
    elif model.closed_weekdays:
        names = ", ".join(_WEEKDAYS[d] for d in model.closed_weekdays)
        holidays = f"no holiday in the history, so a holiday is forecast as the mean of {names}"
    else:
        holidays = "no holiday in the history, so a holiday is forecast as the quietest weekday"
    return (
        f"Poisson GLM with log link on {minutes}-minute intervals of {calendar.zone.key}: weekday level, "
        f"interval-of-day shape for working and non-working days, {holidays}; {model.trend_note}; "
        f"{confidence:.0%} prediction interval of the count from the {spread}"
    )


def forecast_arrivals(
    history: pd.DataFrame,
    calendar: BusinessCalendar,
    *,
    minutes: int,
    start: date,
    end: date,
    holdout_weeks: int = 1,
    confidence: float = 0.8,
) -> ArrivalForecast:
    """Expected offered calls per `minutes`-long local interval of `calendar` from `start` to `end`.

    `history` is `call_intervals` output for one queue (rows of the same interval are summed; intervals
    missing from its local days count as 0). The last `holdout_weeks` weeks are held back: the model and
    the seasonal naive, both built on the weeks before, forecast them and `accuracy` compares both with
    what happened. The forecast itself is then refitted on all the history.

    Cells (interval of the day × day class) and levels (weekday or holiday) that never had a call are
    forecast 0 and left out of the fit, where their coefficients would run to minus infinity. When the
    history has no holiday, a holiday is forecast as the mean of the calendar's closed weekdays at the same
    interval (non-working shape), or as the quietest weekday (working shape) when none is closed. A half
    day counts as a working day of its weekday.

    The trend (linear in days on the log scale) needs two weeks to fit and is kept only when significant
    at 5% (Wald test, standard error widened by the quasi-Poisson dispersion when above 1). It is not
    extrapolated: it tells where the level stands on the last day of history, and the forecast holds that
    level, so a month of growth or decline never compounds into a runaway. (On the Anonymous Bank log,
    extrapolating it even capped at ±20% lost to the seasonal naive on 30- and 60-minute intervals.)

    The prediction interval (central `confidence`) is for the count around the fitted mean: Poisson, or
    the negative binomial with the same mean and the quasi-Poisson variance (dispersion × mean) when the
    fitted dispersion is above 1. It leaves out the uncertainty of the mean itself.
    """
    if minutes not in INTERVAL_MINUTES:
        raise ForecastError(f"unknown interval of {minutes} minutes; expected one of 15, 30 or 60")
    if end < start:
        raise ForecastError(f"the last date to forecast ({end}) is before the first ({start})")
    if holdout_weeks < 1:
        raise ForecastError(f"holdout_weeks must be at least 1 to measure accuracy, got {holdout_weeks}")
    if not 0 < confidence < 1:
        raise ForecastError(f"confidence must be between 0 and 1, e.g. 0.8, got {confidence}")
    counts = _history_counts(history, calendar, minutes)
    past = _describe(counts.epoch.to_numpy(), calendar, minutes)
    past["offered"] = counts.offered.to_numpy()
    days = (max(past.day) - min(past.day)).days + 1 if len(past) else 0
    needed = holdout_weeks + 1
    if days < 7 * needed:
        raise ForecastError(
            f"needs at least {needed} full weeks of history, got {days} days ({holdout_weeks} held back to "
            f"measure accuracy and at least 1 to fit)"
        )
    last: date = max(past.day)
    if start <= last:
        raise ForecastError(
            f"the forecast starts on {start}, but the history runs to {last}; forecast days after the history"
        )
    holdout_start = last - timedelta(days=7 * holdout_weeks - 1)
    held = past.day >= holdout_start
    fitted, actual = past[~held], past[held]
    check = _fit(fitted, calendar)
    truth = actual.offered.to_numpy()
    accuracy = pd.DataFrame(
        [
            _accuracy("model", check.means(actual), truth),
            _accuracy("seasonal_naive", _seasonal_naive(fitted, actual), truth),
        ]
    )
    model = _fit(past, calendar)
    future = _describe(_grid(start, end, minutes, calendar.zone), calendar, minutes)
    mean = model.means(future)
    low, high = _bounds(mean, model.dispersion, confidence)
    moments = pd.DatetimeIndex(pd.to_datetime(future.epoch.to_numpy(), unit="s", utc=True))
    intervals = pd.DataFrame(
        {
            "interval_start": moments.tz_convert(calendar.zone),
            "interval_start_utc": moments,
            "forecast": mean,
            "forecast_low": low,
            "forecast_high": high,
            "seasonal_naive": _seasonal_naive(past, future),
            "holiday": future.holiday.to_numpy(dtype=object),
        }
    )
    return ArrivalForecast(
        intervals, accuracy, holdout_start, last, _describe_method(model, minutes, confidence, calendar)
    )
