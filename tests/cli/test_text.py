"""Figures as short terminal text: units chosen by size, intervals in their value's unit."""

from __future__ import annotations

import math

from kpidesk.cli._text import format_bounds, format_change, format_value


def test_values_in_compact_units() -> None:
    assert format_value("agents", 30.0) == "30"
    assert format_value("days", 899.64) == "899.6 d"
    assert format_value("seconds", 45.2) == "45 s"
    assert format_value("seconds", 150.0) == "2.5 min"
    assert format_value("seconds", 4320.0) == "1.2 h"  # 4,320 s = 1.2 h
    assert format_value("seconds", 129600.0) == "1.5 d"  # 36 h
    assert format_value("ratio", 0.8312) == "83.1%"
    assert format_value("NPS points", -12.34) == "−12.3"
    assert format_value("tickets", 12345.0) == "12,345"
    assert format_value("ratio", math.nan) == "—"


def test_an_interval_takes_the_scale_of_its_value() -> None:
    # 52.8 min with bounds 1,746 s and 3,540 s: 29.1 and 59.0 minutes, not "29.1 min – 59.0 min".
    assert format_bounds("seconds", 3168.0, 1746.0, 3540.0) == "29.1–59.0"
    # A value in hours keeps its interval in hours even where a bound is under an hour: 2,520 s = 0.7 h.
    assert format_bounds("seconds", 3600.0, 2520.0, 4320.0) == "0.7–1.2"
    assert format_bounds("ratio", 0.864, 0.755, 0.93) == "75.5–93.0"
    assert format_bounds("NPS points", 10.0, -4.25, 24.0) == "−4.2–+24.0"
    assert format_bounds("ratio", 0.5, None, 0.6) == ""


def test_a_change_has_its_sign_and_mark() -> None:
    assert format_change({"change": 3.1, "change_unit": "pp", "significant": True, "unit": "ratio"}) == (
        "+3.1 pp ✱"
    )
    assert format_change({"change": -5400.0, "unit": "seconds", "significant": False}) == "−1.5 h"
    assert format_change({"change": None, "unit": "seconds"}) == "—"
    # NPS points: one sign, not "++50.0".
    assert format_change({"change": 50.0, "unit": "NPS points"}) == "+50.0"
    assert format_change({"change": -7.25, "unit": "NPS points"}) == "−7.2"
