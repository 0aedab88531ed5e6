"""The trends page in the reader's language: the table's texts (period, value, n, interval), the chart's
Vega-Lite spec (durations on the axis in one unit that fits them, mirrored on right-to-left pages, partial
periods drawn hollow) and the month and day names the chart's axis writes dates with."""

from __future__ import annotations

import json
import statistics
from typing import Any

from kpidesk.web._trends import Trend, TrendRow

__all__ = ["present_trend", "trend_spec", "trend_table"]

#: The units a duration axis is drawn in, largest first: (seconds in one, its name).
_AXIS_UNITS = ((86400.0, "days"), (3600.0, "hours"), (60.0, "minutes"), (1.0, "seconds"))
#: How the x axis writes a period's first day (d3 time format).
_AXIS_FORMAT = {"day": "%-d %b", "week": "%-d %b", "month": "%b %Y"}
_TEAM_SERIES = "team"


def _unit_title(unit: str, lang: str) -> str:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    return {"days": _("days"), "hours": _("hours"), "minutes": _("minutes"), "seconds": _("seconds")}[unit]


def _series_text(series: str | None, lang: str) -> str:
    """The name of one line of a metric measured several ways (the SLA attained on each `sla_metric`)."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    if series is None:
        return ""
    names = {
        "first_reply": _("on first replies"),
        "reply": _("on replies"),
        "resolution": _("on resolutions"),
    }
    return names.get(series, series.replace("_", " "))


def present_trend(trend: Trend, lang: str) -> dict[str, Any]:
    """The template context of a trend in `lang`: heading, span, target text, notes, rows and the spec."""
    from kpidesk.i18n import (
        format_date,
        format_value,
        metric_definition,
        metric_name,
        term,
        time_locale,
        translator,
    )

    _ = translator(lang).gettext
    if trend.agent is not None:
        scope = _("My numbers")
    elif trend.team is not None:
        scope = _("Team {team}").format(team=trend.team)
    else:
        scope = _("Whole organisation")
    clock = _("business hours") if trend.business_hours else _("calendar hours")
    span = _("{start} to {end}, by {period}, {clock}").format(
        start=format_date(trend.start, lang),
        end=format_date(trend.end, lang),
        period=term("period", trend.period, lang),
        clock=clock,
    )
    target_text = ""
    if trend.target is not None:
        target_text = _("Target: {value}").format(value=format_value(trend.target.value, trend.unit, lang))
    elif trend.target_elsewhere:
        target_text = (
            _("The target on this metric is set in business hours; choose business hours to see it.")
            if not trend.business_hours
            else _("The target on this metric is set in calendar hours; clear business hours to see it.")
        )
    rows = [_row(trend, row, lang) for row in trend.rows]
    notes = [_("The band is the 95% interval of each period's value.")]
    if any(row.partial for row in trend.rows):
        notes.append(
            _(
                "Hollow points are partial periods: the dates asked for or the data end inside them, so "
                "they are not comparable with whole periods."
            )
        )
    if trend.agent is not None:
        notes.append(
            _(
                "The dashed line is your team, shown only in periods where at least {n} agents contribute."
            ).format(n=_min_peers(lang))
        )
    return {
        "metric": trend.metric,
        "metric_name": metric_name(trend.metric, lang),
        "definition": metric_definition(trend.metric, lang),
        "scope": scope,
        "span": span,
        "period": trend.period,
        "team": trend.team,
        "for_agent": trend.agent is not None,
        "start": trend.start,
        "end": trend.end,
        "business_hours": trend.business_hours,
        "target_text": target_text,
        "has_series": any(row.series is not None for row in trend.rows),
        "notes": " ".join(notes),
        "interval_header": _("95% interval"),
        "rows": rows,
        "spec": json.dumps(trend_spec(trend, rows, lang), ensure_ascii=False),
        "time_locale": json.dumps(time_locale(lang), ensure_ascii=False),
    }


def _period_text(row: TrendRow, period: str, lang: str) -> str:
    from kpidesk.i18n import format_date

    if period == "day":
        return format_date(row.period_start, lang)
    if period == "month":
        return format_date(row.period_start, lang, "LLLL y")
    return f"{format_date(row.period_start, lang)} – {format_date(row.period_end, lang)}"


def _row(trend: Trend, row: TrendRow, lang: str) -> dict[str, Any]:
    from kpidesk.i18n import MISSING, format_date, format_number, format_value, translator

    _ = translator(lang).gettext
    out: dict[str, Any] = {
        "period_text": _period_text(row, trend.period, lang),
        "series_text": _series_text(row.series, lang),
        "partial": row.partial,
        "partial_text": "",
        "value": row.value,
        "value_text": _("not available") if row.value is None else format_value(row.value, trend.unit, lang),
        "reason": "" if row.value is not None else _reason(row.reason, lang),
        "n_text": MISSING if row.value is None else format_number(row.n, lang, digits=0),
        "interval_text": MISSING,
        "team_text": "",
    }
    if row.partial and row.covered_from is not None and row.covered_to is not None:
        out["partial_text"] = _("partial: {start} – {end}").format(
            start=format_date(row.covered_from, lang), end=format_date(row.covered_to, lang)
        )
    elif row.partial:
        out["partial_text"] = _("partial")
    if row.ci_low is not None and row.ci_high is not None:
        out["interval_text"] = (
            f"{format_value(row.ci_low, trend.unit, lang)} – {format_value(row.ci_high, trend.unit, lang)}"
        )
    if trend.agent is not None:
        if row.team_hidden:
            out["team_text"] = _("not shown: fewer than {n} agents").format(n=_min_peers(lang))
        else:
            out["team_text"] = format_value(row.team_value, trend.unit, lang)
    return out


def _min_peers(lang: str) -> str:
    from kpidesk.i18n import format_number
    from kpidesk.views import MIN_PEERS

    return format_number(MIN_PEERS, lang, digits=0)


def _reason(reason: str | None, lang: str) -> str:
    """Why a period has no value. The engine's reasons are English sentences naming sources and fields;
    in Hebrew and Arabic the page says it in general words (the English stays in the API)."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    if not reason or reason.startswith("no data"):
        return _("No data in this period.")
    if lang == "en":
        return reason
    return _("The imported data cannot measure it in this period.")


def _axis_unit(trend: Trend) -> tuple[float, str | None]:
    """What the y axis counts in: a duration in the one unit that fits its typical value (as
    `format_value` would write it), days in days; the unit's name (None: the metric's own unit)."""
    if trend.unit == "seconds":
        values = [abs(r.value) for r in trend.rows if r.value is not None]
        typical = statistics.median(values) if values else 0.0
        return next(((s, name) for s, name in _AXIS_UNITS if typical >= s), _AXIS_UNITS[-1])
    if trend.unit == "days":
        return 1.0, "days"
    return 1.0, None


def trend_spec(trend: Trend, texts: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """A Vega-Lite chart of the trend: the interval as a band, the value as a line (whole periods as
    filled points, partial ones hollow), an agent's team as a dashed line, and the target as a rule. On
    right-to-left pages time runs right to left and the y axis stands on the right."""
    from kpidesk.i18n import direction, format_value, term, translator

    _ = translator(lang).gettext
    rtl = direction(lang) == "rtl"
    scale, axis_unit = _axis_unit(trend)
    if axis_unit is not None:
        title = _unit_title(axis_unit, lang)
    elif trend.unit == "ratio":
        title = "%"
    else:
        title = term("unit", trend.unit, lang)

    def scaled(value: float | None) -> float | None:
        return None if value is None else value / scale

    values = []
    for row, text in zip(trend.rows, texts, strict=True):
        values.append(
            {
                "start": row.period_start.isoformat(),
                "value": scaled(row.value),
                "low": scaled(row.ci_low),
                "high": scaled(row.ci_high),
                "partial": row.partial,
                "line": text["series_text"] or _("Value"),
                "period": text["period_text"]
                + (f" ({text['partial_text']})" if text["partial_text"] else ""),
                "shown": text["value_text"],
                "interval": text["interval_text"],
            }
        )
        if trend.agent is not None and row.team_value is not None:
            values.append(
                {
                    "start": row.period_start.isoformat(),
                    "team": scaled(row.team_value),
                    "line": _("Team"),
                    "period": text["period_text"],
                    "shown": text["team_text"],
                }
            )
    x: dict[str, Any] = {
        "field": "start",
        "type": "temporal",
        "title": None,
        "scale": {"reverse": rtl},
        "axis": {
            "format": _AXIS_FORMAT[trend.period],
            "labelAngle": 0,
            "labelOverlap": True,
            **({"tickCount": {"interval": "month", "step": 1}} if trend.period == "month" else {}),
        },
    }
    y_axis: dict[str, Any] = {"title": title, "orient": "right" if rtl else "left"}
    if trend.unit == "ratio":
        y_axis["format"] = ".0%"
    y = {"type": "quantitative", "axis": y_axis, "scale": {"zero": trend.unit != "ratio"}}
    tooltip = [
        {"field": "period", "title": _("Period")},
        {"field": "shown", "title": _("Value")},
        {"field": "interval", "title": _("Interval")},
    ]
    several = any(row.series is not None for row in trend.rows)
    colour = (
        {"color": {"field": "line", "type": "nominal", "title": None, "legend": {"orient": "top"}}}
        if several
        else {}
    )
    own = {"filter": "isValid(datum.value)"}
    layers: list[dict[str, Any]] = [
        {
            # The band breaks where a period has no interval, as the line does: never drawn across a gap.
            "transform": [{"filter": "datum.line !== null && !isValid(datum.team)"}],
            "mark": {"type": "area", "opacity": 0.18, "invalid": "break-paths-show-domains"},
            "encoding": {"x": x, "y": {**y, "field": "low"}, "y2": {"field": "high"}, **colour},
        },
        {
            # Each period's interval as a whisker too, so a period between two gaps still shows its own.
            "transform": [{"filter": "isValid(datum.low) && isValid(datum.high)"}],
            "mark": {"type": "rule", "opacity": 0.35, "strokeWidth": 1},
            "encoding": {"x": x, "y": {**y, "field": "low"}, "y2": {"field": "high"}, **colour},
        },
        {
            "transform": [{"filter": "datum.line !== null && !isValid(datum.team)"}],
            "mark": {"type": "line", "invalid": "break-paths-show-domains", "strokeWidth": 2},
            "encoding": {"x": x, "y": {**y, "field": "value"}, **colour},
        },
        {
            "transform": [own, {"filter": "!datum.partial"}],
            "mark": {"type": "point", "filled": True, "size": 45},
            "encoding": {"x": x, "y": {**y, "field": "value"}, "tooltip": tooltip, **colour},
        },
        {
            "transform": [own, {"filter": "datum.partial"}],
            "mark": {"type": "point", "filled": False, "size": 70, "strokeWidth": 2, "fill": "white"},
            "encoding": {"x": x, "y": {**y, "field": "value"}, "tooltip": tooltip, **colour},
        },
    ]
    if trend.agent is not None:
        layers.append(
            {
                "transform": [{"filter": "isValid(datum.team)"}],
                "mark": {
                    "type": "line",
                    "point": True,
                    "strokeDash": [5, 4],
                    "color": "#7a8494",
                    "invalid": "break-paths-show-domains",
                },
                "encoding": {
                    "x": x,
                    "y": {**y, "field": "team"},
                    "tooltip": [tooltip[0], {"field": "shown", "title": _("Team")}],
                },
            }
        )
    if trend.target is not None:
        label = _("Target: {value}").format(value=format_value(trend.target.value, trend.unit, lang))
        target = {"data": {"values": [{"target": trend.target.value / scale, "label": label}]}}
        layers.append(
            {
                **target,
                "mark": {"type": "rule", "color": "#b3261e", "strokeDash": [6, 3], "strokeWidth": 1.5},
                "encoding": {"y": {**y, "field": "target"}},
            }
        )
        layers.append(
            {
                **target,
                "mark": {
                    "type": "text",
                    "color": "#b3261e",
                    "align": "left" if rtl else "right",
                    "baseline": "bottom",
                    "dy": -3,
                    "x": 0 if rtl else "width",
                },
                "encoding": {"y": {**y, "field": "target"}, "text": {"field": "label"}},
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "height": 320,
        "padding": 12,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "layer": layers,
        "config": {
            "view": {"stroke": None},
            "font": "Noto Sans, Noto Sans Hebrew, Noto Sans Arabic, DejaVu Sans, sans-serif",
            "legend": {"orient": "left" if rtl else "right"},
        },
    }


def trend_table(context: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The trend's table as a header and rows of texts, as the page shows them (for downloads)."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    header = [_("Period")]
    if context["has_series"]:
        header.append(_("Line"))
    header += [_("Value"), _("n"), _("95% interval")]
    if context["for_agent"]:
        header.append(_("Team"))
    rows = []
    for r in context["rows"]:
        period = r["period_text"] + (f" ({r['partial_text']})" if r["partial_text"] else "")
        value = r["value_text"] if r["value"] is not None else f"{r['value_text']}: {r['reason']}"
        row = [period]
        if context["has_series"]:
            row.append(r["series_text"])
        row += [value, r["n_text"], r["interval_text"]]
        if context["for_agent"]:
            row.append(r["team_text"])
        rows.append(row)
    return header, rows
