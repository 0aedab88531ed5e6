"""The staffing plan in the reader's language: the assumptions it rests on, a summary per day, one row
per interval, and a Vega-Lite heatmap of the agents needed (day by time of day), mirrored on right-to-left
pages."""

from __future__ import annotations

import json
from typing import Any

from kpidesk import InvalidRequest
from kpidesk.web._staffing import StaffingQuery

__all__ = ["present_staffing", "staffing_table"]


def _interval_header(lang: str) -> list[str]:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    return [
        _("Day"),
        _("Starts"),
        _("Forecast calls"),
        _("Forecast range"),
        _("Handle time"),
        _("Agents needed"),
        _("Agents to schedule"),
        _("Service level"),
        _("Average speed of answer"),
        _("Abandoned"),
        _("Occupancy"),
    ]


def _day_header(lang: str) -> list[str]:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    return [
        _("Day"),
        _("Forecast calls"),
        _("Most agents at once"),
        _("Agent-hours needed"),
        _("Agent-hours to schedule"),
        _("Service level"),
    ]


def present_staffing(plan: Any, query: StaffingQuery, lang: str) -> dict[str, Any]:
    """The template context of `plan` in `lang`."""
    from kpidesk.i18n import format_date, format_duration, format_number, format_percent, translator

    _ = translator(lang).gettext
    frame = plan.intervals
    model = _("Erlang C (callers wait)") if plan.model == "erlang-c" else _("Erlang A (callers may hang up)")
    assumptions = [
        _("Target: {level} of calls answered within {seconds}").format(
            level=format_percent(query.service_level, lang, digits=0),
            seconds=format_duration(query.threshold_s, lang),
        ),
        _("Shrinkage: {share} of paid time off the phones").format(
            share=format_percent(plan.shrinkage, lang, digits=0)
        ),
        _("Intervals of {minutes} minutes, in the local time of the default calendar").format(
            minutes=format_number(plan.minutes, lang, digits=0)
        ),
        _("Queueing model: {model}").format(model=model),
        _("Forecast from the calls before the week; handle time estimated from them: {aht}").format(
            aht=format_duration(plan.estimates.aht_s, lang)
        ),
    ]
    rows = []
    cells = []
    for record in frame.to_dict(orient="records"):
        start = record["interval_start"]
        day = start.date()
        time = start.strftime("%H:%M")
        low, high = (format_number(record[c], lang, digits=1) for c in ("forecast_low", "forecast_high"))
        rows.append(
            {
                "day": format_date(day, lang),
                "time": time,
                "calls": format_number(record["forecast_calls"], lang, digits=1),
                "range": f"{low} – {high}",
                "aht": format_duration(record["aht_s"], lang),
                "agents": format_number(record["agents"], lang, digits=0),
                "scheduled": format_number(record["scheduled_agents"], lang, digits=0),
                "service_level": format_percent(record["service_level"], lang),
                "asa": format_duration(record["asa_s"], lang),
                "abandonment": format_percent(record["abandonment"], lang),
                "occupancy": format_percent(record["occupancy"], lang),
            }
        )
        cells.append(
            {
                "day": format_date(day, lang, form="short"),
                "order": day.isoformat(),
                "time": time,
                "agents": int(record["agents"]),
                "calls": round(float(record["forecast_calls"]), 1),
            }
        )
    days = []
    hours = plan.minutes / 60
    for day, group in frame.groupby(frame.interval_start.map(lambda t: t.date()), sort=True):
        calls = float(group.forecast_calls.sum())
        weighted = float((group.service_level.fillna(0) * group.forecast_calls).sum())
        days.append(
            {
                "day": format_date(day, lang),
                "calls": format_number(calls, lang, digits=1),
                "peak": format_number(int(group.agents.max()), lang, digits=0),
                "hours": format_number(float(group.agents.sum()) * hours, lang, digits=1),
                "scheduled_hours": format_number(float(group.scheduled_agents.sum()) * hours, lang, digits=1),
                "service_level": format_percent(weighted / calls, lang) if calls else "—",
            }
        )
    totals = plan.totals()
    summary = _(
        "{calls} calls forecast; {hours} agent-hours needed, {scheduled} to schedule; "
        "most agents at once: {peak}"
    ).format(
        calls=format_number(totals["forecast_calls"], lang, digits=1),
        hours=format_number(totals["agent_hours"], lang, digits=1),
        scheduled=format_number(totals["scheduled_agent_hours"], lang, digits=1),
        peak=format_number(totals["peak_agents"], lang, digits=0),
    )
    return {
        "span": _("{start} to {end}").format(
            start=format_date(query.week, lang), end=format_date(query.end, lang)
        ),
        "assumptions": assumptions,
        "summary": summary,
        "days": days,
        "day_header": _day_header(lang),
        "header": _interval_header(lang),
        "rows": rows,
        "spec": json.dumps(_heatmap(cells, lang), ensure_ascii=False),
    }


def _heatmap(cells: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Agents needed per day (x) and time of day (y); right to left, the days run from the right, the
    times' axis stands on the right and the legend on the left."""
    from kpidesk.i18n import direction, translator

    _ = translator(lang).gettext
    rtl = direction(lang) == "rtl"
    order = sorted({(c["order"], c["day"]) for c in cells})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "height": 420,
        "data": {"values": cells},
        "mark": {"type": "rect"},
        "encoding": {
            "x": {
                "field": "day",
                "type": "ordinal",
                "title": _("Day"),
                "sort": [label for _order, label in order],
                "scale": {"reverse": rtl},
                "axis": {"labelAngle": 0, "orient": "top"},
            },
            "y": {
                "field": "time",
                "type": "ordinal",
                "title": _("Starts"),
                # Every time is a row; only the full hours are labelled.
                "axis": {
                    "orient": "right" if rtl else "left",
                    "labelExpr": "slice(datum.value, 3) == '00' ? datum.value : ''",
                },
            },
            "color": {
                "field": "agents",
                "type": "quantitative",
                "title": _("Agents needed"),
                "scale": {"scheme": "blues"},
                "legend": {
                    "orient": "left" if rtl else "right",
                    "format": "d",
                    "tickMinStep": 1,
                    "titleLimit": 200,
                },
            },
            "tooltip": [
                {"field": "day", "title": _("Day")},
                {"field": "time", "title": _("Starts")},
                {"field": "agents", "title": _("Agents needed")},
                {"field": "calls", "title": _("Forecast calls")},
            ],
        },
        "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 11, "titleFontSize": 12}},
    }


def staffing_table(context: dict[str, Any], table: str) -> tuple[list[str], list[list[str]]]:
    """One of the page's tables, `days` or `intervals`, as the page shows it (for downloads)."""
    if table == "days":
        keys: tuple[str, ...] = ("day", "calls", "peak", "hours", "scheduled_hours", "service_level")
        return list(context["day_header"]), [[row[k] for k in keys] for row in context["days"]]
    if table != "intervals":
        raise InvalidRequest(f"expected the table days or intervals, got {table!r}")
    keys = ("day", "time", "calls", "range", "aht", "agents", "scheduled", "service_level", "asa")
    rows = [[row[k] for k in (*keys, "abandonment", "occupancy")] for row in context["rows"]]
    return list(context["header"]), rows
