"""Handle time and caller patience of a queue, from its calls, for the queueing models.

Patience cannot be read off abandoned calls alone: a caller who was answered after 40 s would have
waited at least 40 s, so answered waits are censored observations of patience. For exponential patience
the maximum-likelihood rate is abandons / total queue time of all timed calls (answered and abandoned),
the mean patience its inverse, and the interval that of a Poisson rate (Garwood), inverted. With no
abandon the data give no finite patience: Erlang C (infinite patience) is then the model.

Per interval of the week (local weekday and time of day), the estimates are pooled towards the queue's:
AHT = (handle time + m · AHT_queue) / (handled + m) with m = `prior_calls`, and the abandon rate
(abandons + c) / (queue time + c / rate_queue) with c = `prior_abandons` (the mean of a gamma prior),
so a quiet interval borrows from the queue and a busy one speaks for itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from kpidesk.metrics import poisson_rate_interval

__all__ = ["QueueEstimates", "estimate_queue", "interval_key"]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class QueueEstimates:
    """A queue's handle time and patience, over the whole history and per interval of the week."""

    aht_s: float | None
    handled: int
    patience_s: float | None
    patience_low_s: float | None
    patience_high_s: float | None
    timed_abandons: int
    queue_time_s: float
    #: weekday (0 = Monday), time_of_day ("HH:MM" local), handled, aht_s, timed_abandons, queue_time_s,
    #: patience_s — the pooled values.
    by_interval: pd.DataFrame

    def describe(self) -> str:
        aht = (
            "no handled calls" if self.aht_s is None else f"AHT {self.aht_s:.1f} s over {self.handled} calls"
        )
        if self.patience_s is None:
            patience = f"no abandon in {self.queue_time_s:,.0f} s of queue time: patience unbounded"
        else:
            patience = (
                f"mean patience {self.patience_s:.0f} s ({self.patience_low_s:.0f}–"
                f"{self.patience_high_s:.0f} s) from {self.timed_abandons} abandons over "
                f"{self.queue_time_s:,.0f} s of queue time"
            )
        return f"{aht}; {patience}"


def interval_key(starts: pd.Series) -> pd.DataFrame:
    """Local weekday (0 = Monday) and "HH:MM" of each tz-aware local interval start."""
    return pd.DataFrame(
        {
            "weekday": [s.weekday() for s in starts],
            "time_of_day": [s.strftime("%H:%M") for s in starts],
        },
        index=starts.index,
    )


def estimate_queue(
    history: pd.DataFrame, *, prior_calls: float = 30.0, prior_abandons: float = 5.0, confidence: float = 0.95
) -> QueueEstimates:
    """Estimates from `call_intervals` rows of one queue (handled, handle_sum_s, queue_time_s,
    timed_abandons per interval)."""
    handled = int(history.handled.sum()) if len(history) else 0
    handle_sum = float(history.handle_sum_s.sum()) if len(history) else 0.0
    abandons = int(history.timed_abandons.sum()) if len(history) else 0
    queue_time = float(history.queue_time_s.sum()) if len(history) else 0.0
    aht = handle_sum / handled if handled else None
    patience = low = high = None
    if abandons and queue_time > 0:
        patience = queue_time / abandons
        rate_low, rate_high = poisson_rate_interval(abandons, queue_time, confidence)
        high = 1 / rate_low if rate_low else math.inf
        low = 1 / rate_high if rate_high else None

    keys = (
        interval_key(history.interval_start)
        if len(history)
        else pd.DataFrame(columns=["weekday", "time_of_day"])
    )
    sums = (
        pd.concat([keys, history[["handled", "handle_sum_s", "timed_abandons", "queue_time_s"]]], axis=1)
        .groupby(["weekday", "time_of_day"], as_index=False)
        .sum()
    )
    if aht is not None:
        sums["aht_s"] = (sums.handle_sum_s + prior_calls * aht) / (sums.handled + prior_calls)
    else:
        sums["aht_s"] = math.nan
    if patience is not None:
        rate = 1 / patience
        pooled_time = sums.queue_time_s + prior_abandons / rate
        sums["patience_s"] = pooled_time / (sums.timed_abandons + prior_abandons)
    else:
        sums["patience_s"] = math.nan
    by_interval = sums[
        ["weekday", "time_of_day", "handled", "aht_s", "timed_abandons", "queue_time_s", "patience_s"]
    ]
    return QueueEstimates(aht, handled, patience, low, high, abandons, queue_time, by_interval)
