"""Values formatted per language, worked out by hand. In Hebrew and Arabic a value is a first-strong isolate
(FSI … PDI) and its number a left-to-right isolate (LRI … PDI), so a sign or percent sign stays put."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
import pytest

from kpidesk.i18n import (
    MISSING,
    format_change,
    format_date,
    format_duration,
    format_number,
    format_percent,
    format_value,
)
from kpidesk.metrics import CATALOGUE

FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"


def rtl(number: str, words: str = "") -> str:
    """A value as Hebrew and Arabic write it: the number isolated left to right, then its unit."""
    return f"{FSI}{LRI}{number}{PDI}{' ' + words if words else ''}{PDI}"


@pytest.mark.parametrize(
    ("value", "unit", "en", "he", "ar"),
    [
        # 0.529 of tickets: 52.9 %.
        (0.529, "ratio", "52.9%", rtl("52.9%"), rtl("52.9%")),
        (1.0, "ratio", "100.0%", rtl("100.0%"), rtl("100.0%")),
        # 2568 s / 60 = 42.8 min; 3960 s / 3600 = 1.1 h; 198720 s / 86400 = 2.3 d; 37 s stays seconds.
        (2568, "seconds", "42.8 min", rtl("42.8", "דק׳"), rtl("42.8", "د")),
        (3960, "seconds", "1.1 h", rtl("1.1", "שע׳"), rtl("1.1", "س")),
        (198720, "seconds", "2.3 d", rtl("2.3", "ימים"), rtl("2.3", "يوم")),
        (37, "seconds", "37 s", rtl("37", "שנ׳"), rtl("37", "ث")),
        # Tenure in days: one decimal.
        (412.0, "days", "412.0 d", rtl("412.0", "ימים"), rtl("412.0", "يوم")),
        # Counts of things: whole numbers with the group separator.
        (12345, "tickets", "12,345", rtl("12,345"), rtl("12,345")),
        (40, "agents", "40", rtl("40"), rtl("40")),
        # NPS points always carry a sign (a score from −100 to +100).
        (32, "NPS points", "+32.0", rtl("+32.0"), rtl("+32.0")),
        (-5.25, "NPS points", "−5.2", rtl("−5.2"), rtl("−5.2")),
        # Anything else (scores, replies per ticket, per hour): two decimals.
        (4.256, "score", "4.26", rtl("4.26"), rtl("4.26")),
        (1.5, "replies per ticket", "1.50", rtl("1.50"), rtl("1.50")),
    ],
)
def test_format_value(value: float, unit: str, en: str, he: str, ar: str) -> None:
    assert (
        format_value(value, unit, "en"),
        format_value(value, unit, "he"),
        format_value(value, unit, "ar"),
    ) == (
        en,
        he,
        ar,
    )


@pytest.mark.parametrize("missing", [None, math.nan, float("nan"), pd.NA, pd.NaT])
@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_missing_values_show_a_dash(missing: object, lang: str) -> None:
    for unit in {m.unit for m in CATALOGUE} | {"pp"}:
        assert format_value(missing, unit, lang) == MISSING == "—"
        assert format_change(missing, unit, lang) == "—"
    assert format_number(missing, lang) == "—"
    assert format_percent(missing, lang) == "—"
    assert format_duration(missing, lang) == "—"
    assert format_date(missing, lang) == "—"


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_no_nan_or_none_for_any_unit(lang: str) -> None:
    for unit in {m.unit for m in CATALOGUE}:
        for value in (0, 0.5, 12.0, 123456.789, -3.0):
            text = format_value(value, unit, lang) + format_change(value, unit, lang)
            assert not any(word in text for word in ("nan", "None", "inf", "False"))


@pytest.mark.parametrize(
    ("change", "unit", "en", "he", "ar"),
    [
        # A rate's change in percentage points: (0.541 − 0.529) × 100 = 1.2 pp.
        (1.2, "pp", "+1.2 pp", rtl("+1.2", "נק׳ אחוז"), rtl("+1.2", "نقطة مئوية")),
        (-0.75, "pp", "−0.8 pp", rtl("−0.8", "נק׳ אחוז"), rtl("−0.8", "نقطة مئوية")),
        # A duration's change in its largest unit: −2568 s = −42.8 min.
        (-2568, "seconds", "−42.8 min", rtl("−42.8", "דק׳"), rtl("−42.8", "د")),
        (3, "tickets", "+3", rtl("+3"), rtl("+3")),
        (0, "tickets", "+0", rtl("+0"), rtl("+0")),
        (-4, "NPS points", "−4.0", rtl("−4.0"), rtl("−4.0")),
        (0.25, "score", "+0.25", rtl("+0.25"), rtl("+0.25")),
    ],
)
def test_format_change_has_an_explicit_sign(change: float, unit: str, en: str, he: str, ar: str) -> None:
    assert (
        format_change(change, unit, "en"),
        format_change(change, unit, "he"),
        format_change(change, unit, "ar"),
    ) == (
        en,
        he,
        ar,
    )


def test_numbers_use_latin_digits_and_the_locale_separators() -> None:
    assert format_number(12345.678, "en") == "12,345.678"
    assert format_number(12345.678, "he") == rtl("12,345.678")
    # Arabic with Latin digits (CLDR's `latn` numbering system) writes the same separators as English.
    assert format_number(12345.678, "ar") == rtl("12,345.678")
    assert format_number(2.5, "en", digits=2) == "2.50"
    assert format_number(-1234.5, "en", digits=0) == "−1,234"
    assert format_number(7, "ar", digits=0) == rtl("7")
    for lang in ("he", "ar"):
        assert not any("\u0660" <= ch <= "\u0669" for ch in format_number(9876543.21, lang, digits=2))


def test_format_percent() -> None:
    assert format_percent(0.529, "en") == "52.9%"
    assert format_percent(0.12345, "en", digits=2) == "12.35%"
    assert format_percent(0.5, "en", digits=0) == "50%"
    assert format_percent(-0.031, "he") == rtl("−3.1%")
    assert format_percent(0.529, "ar") == rtl("52.9%")


def test_format_duration_picks_the_largest_unit() -> None:
    # 59 s stays seconds; 60 s is 1.0 min; 3599 s is 60.0 min (59.98 rounds up); 86400 s is 1.0 d.
    assert [format_duration(s, "en") for s in (0, 59, 60, 3599, 3600, 86399, 86400)] == [
        "0 s",
        "59 s",
        "1.0 min",
        "60.0 min",
        "1.0 h",
        "24.0 h",
        "1.0 d",
    ]
    assert format_duration(2568, "he") == rtl("42.8", "דק׳")
    assert format_duration(2568, "ar") == rtl("42.8", "د")


def test_format_date() -> None:
    day = date(2026, 3, 14)
    assert format_date(day, "en") == "Mar 14, 2026"
    assert format_date(day, "en", "long") == "March 14, 2026"
    assert format_date(day, "he") == f"{FSI}14 במרץ 2026{PDI}"
    # Arabic's medium date is numeric, with right-to-left marks between its parts (CLDR).
    assert format_date(day, "ar") == f"{FSI}14\u200f/03\u200f/2026{PDI}"
    assert format_date(day, "ar", "long") == f"{FSI}14 مارس 2026{PDI}"
    # A datetime, a pandas timestamp or an ISO date all name the same day.
    assert format_date(datetime(2026, 3, 14, 23, 59), "en") == "Mar 14, 2026"
    assert format_date(pd.Timestamp("2026-03-14"), "en") == "Mar 14, 2026"
    assert format_date("2026-03-14", "he") == format_date(day, "he")


def test_right_to_left_values_are_isolated_and_english_ones_are_not() -> None:
    for lang in ("he", "ar"):
        for text in (
            format_value(2568, "seconds", lang),
            format_percent(0.5, lang),
            format_number(3, lang),
            format_change(1, "pp", lang),
            format_date(date(2026, 1, 1), lang),
        ):
            assert text.startswith(FSI) and text.endswith(PDI), repr(text)
    assert not any(ch in format_value(2568, "seconds", "en") for ch in (FSI, LRI, PDI))


def test_an_unknown_language_is_named() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'; expected one of: en, he, ar"):
        format_value(1, "tickets", "fr")
