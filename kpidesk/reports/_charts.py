"""A report's charts as PNG images drawn on the server (Vega-Lite through vl-convert): the weekly trend
of each headline metric and the targets' progress. PNG, not SVG, because mail programs and WeasyPrint do
not lay out right-to-left text inside SVG; the words on the charts are the report's language, drawn in a
Noto font that has its script, and on right-to-left reports time runs from right to left."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kpidesk.reports._content import ReportContent, TrendPoint
from kpidesk.reports._render_texts import BIDI_CONTROLS

__all__ = ["CHART_FONTS", "Chart", "chart_specs", "draw"]

#: The font the charts' words are drawn in, per language: each has the script's letters and Latin digits.
CHART_FONTS = {"he": "Noto Sans Hebrew", "ar": "Noto Sans Arabic", "en": "Noto Sans"}
#: The units a duration axis is drawn in, largest first: (seconds in one, its name).
_AXIS_UNITS = ((86400.0, "days"), (3600.0, "hours"), (60.0, "minutes"), (1.0, "seconds"))
_WIDTH = 250
_TREND_HEIGHT = 110
_STATUS_COLOURS = {"good": "#1b7f3b", "bad": "#b3261e", "risk": "#a15c00", "": "#5b6675"}
#: The pixel density of the images: twice the CSS size, sharp on high-density screens and in print.
SCALE = 2


@dataclass(frozen=True)
class Chart:
    """One chart: its name in the e-mail (`cid:` + name), what it shows in words, its Vega-Lite spec and
    the width (CSS pixels) it is shown at; a `wide` chart takes a row of its own, the others two a row."""

    cid: str
    alt: str
    spec: Mapping[str, Any]
    width: int
    wide: bool


def _plain(text: str) -> str:
    """A formatted text without its bidi controls (the chart's text renderer draws them as boxes)."""
    return text.translate(BIDI_CONTROLS)


def _unit_title(unit: str, lang: str) -> str:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    return {"days": _("days"), "hours": _("hours"), "minutes": _("minutes"), "seconds": _("seconds")}[unit]


def _axis(unit: str, values: Sequence[float], lang: str) -> tuple[float, str, str | None]:
    """How to draw values of `unit` on an axis: the divisor (a duration in the one unit that fits its
    typical value), the axis title, and the d3 format (percent for a rate)."""
    from kpidesk.i18n import term

    if unit == "seconds":
        typical = statistics.median([abs(v) for v in values]) if values else 0.0
        seconds, name = next(((s, n) for s, n in _AXIS_UNITS if typical >= s), _AXIS_UNITS[-1])
        return seconds, _unit_title(name, lang), None
    if unit == "ratio":
        return 1.0, "%", ".0%"
    if unit == "days":
        return 1.0, _unit_title("days", lang), None
    return 1.0, term("unit", unit, lang), None


def _config(lang: str) -> dict[str, Any]:
    from kpidesk.i18n import direction

    rtl = direction(lang) == "rtl"
    font = CHART_FONTS.get(lang, CHART_FONTS["en"])
    return {
        "view": {"stroke": None},
        "font": font,
        "title": {"anchor": "end" if rtl else "start", "fontSize": 13, "font": font},
        "axis": {"labelFont": font, "titleFont": font, "labelFontSize": 10, "titleFontSize": 10},
    }


def trend_spec(content: ReportContent, metric: str, unit: str) -> dict[str, Any] | None:
    """The weekly values of one headline metric: a line, whole weeks as filled points, partial ones
    hollow; time runs right to left on a right-to-left report, the value axis standing on the right."""
    from kpidesk.i18n import direction, format_date, metric_name

    lang = content.language
    rtl = direction(lang) == "rtl"
    points: list[TrendPoint] = [p for p in content.trend if p.metric == metric]
    known = [p.value for p in points if p.value is not None]
    if not known:
        return None
    divisor, title, number_format = _axis(unit, known, lang)
    values = [
        {
            "week": p.period_start.isoformat(),
            "value": None if p.value is None else p.value / divisor,
            "partial": p.partial,
            "label": _plain(format_date(p.period_start, lang)),
        }
        for p in sorted(points, key=lambda p: p.period_start)
    ]
    x = {
        "field": "week",
        "type": "temporal",
        "title": None,
        "scale": {"reverse": rtl},
        "axis": {"format": "%-d %b", "labelAngle": 0, "labelOverlap": True, "tickCount": "week"},
    }
    y_axis: dict[str, Any] = {"title": None, "orient": "right" if rtl else "left", "tickCount": 4}
    if number_format:
        y_axis["format"] = number_format
    y = {"field": "value", "type": "quantitative", "axis": y_axis, "scale": {"zero": unit != "ratio"}}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": {"text": metric_name(metric, lang), "subtitle": title},
        "width": _WIDTH,
        "height": _TREND_HEIGHT,
        "padding": 8,
        "data": {"values": values},
        "layer": [
            {"mark": {"type": "line", "strokeWidth": 2, "color": "#2f6db5"}, "encoding": {"x": x, "y": y}},
            {
                "transform": [{"filter": "isValid(datum.value) && !datum.partial"}],
                "mark": {"type": "point", "filled": True, "size": 30, "color": "#2f6db5"},
                "encoding": {"x": x, "y": y},
            },
            {
                "transform": [{"filter": "isValid(datum.value) && datum.partial"}],
                "mark": {"type": "point", "filled": False, "size": 45, "strokeWidth": 2, "color": "#2f6db5"},
                "encoding": {"x": x, "y": y},
            },
        ],
        "config": _config(lang),
    }


def targets_spec(content: ReportContent) -> dict[str, Any] | None:
    """Each target's progress on its own scale: the value (coloured by status), the projected range for
    the rest of the period as a bar, and the goal as a red tick; mirrored on a right-to-left report."""
    from kpidesk.i18n import direction, metric_name, term
    from kpidesk.views import STATUS_CSS

    lang = content.language
    rtl = direction(lang) == "rtl"
    rows = []
    for row in content.targets:
        value, goal = row.get("value"), row.get("target")
        if value is None or goal is None or value != value:
            continue
        unit = str(row["unit"])
        numbers = [float(value), float(goal)]
        projected = [row.get(c) for c in ("projected_low", "projected_high")]
        has_range = all(p is not None and p == p for p in projected)
        if has_range:
            numbers += [float(p) for p in projected if p is not None]
        divisor, axis_title, number_format = _axis(unit, numbers, lang)
        colour = _STATUS_COLOURS[STATUS_CSS.get(str(row["status"]), "")]
        datum: dict[str, Any] = {"value": float(value) / divisor, "goal": float(goal) / divisor}
        if has_range:
            datum.update(low=float(projected[0] or 0) / divisor, high=float(projected[1] or 0) / divisor)
        x_axis: dict[str, Any] = {"title": axis_title, "tickCount": 5}
        if number_format:
            x_axis["format"] = number_format
        low_end = 0.0 if unit != "ratio" else min(numbers) / divisor * 0.95
        domain = [min(low_end, min(numbers) / divisor), max(numbers) / divisor * 1.08]
        x = {
            "type": "quantitative",
            "axis": x_axis,
            "scale": {"reverse": rtl, "domain": domain, "nice": False},
        }
        layers: list[dict[str, Any]] = []
        if has_range:
            layers.append(
                {
                    "mark": {"type": "bar", "height": 10, "color": "#c9d6e8"},
                    "encoding": {"x": {**x, "field": "low"}, "x2": {"field": "high"}},
                }
            )
        layers += [
            {
                "mark": {"type": "point", "filled": True, "size": 90, "color": colour},
                "encoding": {"x": {**x, "field": "value"}},
            },
            {
                "mark": {"type": "tick", "thickness": 3, "size": 22, "color": "#b3261e"},
                "encoding": {"x": {**x, "field": "goal"}},
            },
        ]
        title = f"{metric_name(str(row['metric']), lang)}: {term('target-status', str(row['status']), lang)}"
        rows.append(
            {
                "title": title,
                "width": _WIDTH * 2 + 60,
                "height": 24,
                "data": {"values": [datum]},
                "layer": layers,
            }
        )
    if not rows:
        return None
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "padding": 8,
        "vconcat": rows,
        "spacing": 14,
        "config": {**_config(lang), "title": {**_config(lang)["title"], "fontSize": 11}},
    }


def chart_specs(content: ReportContent) -> list[Chart]:
    """The report's charts: one weekly trend per headline metric that has values, then the targets."""
    from kpidesk.i18n import metric_name, translator

    lang = content.language
    _ = translator(lang).gettext
    charts = []
    for card in content.cards:
        spec = trend_spec(content, card.metric, card.unit)
        if spec is not None:
            alt = _("{metric} by week").format(metric=metric_name(card.metric, lang))
            charts.append(Chart(f"trend-{card.metric}", alt, spec, _WIDTH + 60, wide=False))
    spec = targets_spec(content)
    if spec is not None:
        alt = _("Targets: value, projected range and goal")
        charts.append(Chart("targets", alt, spec, _WIDTH * 2 + 120, wide=True))
    return charts


def draw(chart: Chart, lang: str) -> bytes:
    """The chart as a PNG at twice its size, months written in `lang`."""
    import vl_convert

    from kpidesk.i18n import time_locale

    return bytes(
        vl_convert.vegalite_to_png(dict(chart.spec), scale=SCALE, time_format_locale=time_locale(lang))
    )
