"""The month and day names a chart's time axis writes dates with, in each language (Babel's CLDR data as
a d3 time-format locale), for the web app's charts drawn in the browser and the reports' drawn on the
server."""

from __future__ import annotations

from typing import Any

__all__ = ["time_locale"]


def time_locale(lang: str) -> dict[str, Any]:
    """The d3 time-format locale of `lang`, so a chart's axis writes months in the page's language."""
    from babel import dates

    days = dates.get_day_names("wide", locale=lang)
    short_days = dates.get_day_names("abbreviated", locale=lang)
    months = dates.get_month_names("wide", context="stand-alone", locale=lang)
    short_months = dates.get_month_names("abbreviated", context="stand-alone", locale=lang)
    sunday_first = [6, 0, 1, 2, 3, 4, 5]
    periods = dates.get_period_names(locale=lang)
    return {
        "dateTime": "%x %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": [str(periods.get("am", "AM")), str(periods.get("pm", "PM"))],
        "days": [str(days[i]) for i in sunday_first],
        "shortDays": [str(short_days[i]) for i in sunday_first],
        "months": [str(months[i]) for i in range(1, 13)],
        "shortMonths": [str(short_months[i]) for i in range(1, 13)],
    }
