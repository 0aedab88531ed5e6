"""The breakdown, its records and one ticket's explanation in the reader's language: labels, values,
intervals, changes, the bar chart (mirrored on right-to-left pages) and the explanation's steps."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from kpidesk.web._breakdown import Breakdown, BreakdownRow
from kpidesk.web._records import Records
from kpidesk.web._ticket import TicketView

__all__ = [
    "bar_spec",
    "breakdown_table",
    "present_breakdown",
    "present_records",
    "present_ticket",
    "records_query",
    "records_table",
    "ticket_events_table",
]


def _translate(lang: str) -> Any:
    from kpidesk.i18n import translator

    return translator(lang).gettext


def _when(at: datetime | None, lang: str) -> str:
    from kpidesk.i18n import format_date

    return "" if at is None else f"{format_date(at.date(), lang)} {at:%H:%M}"


def records_query(result: Breakdown, row: BreakdownRow, lang: str) -> str:
    """The `/records` query string of a row: the metric, the row's filters and the span."""
    params: list[tuple[str, str]] = [("metric", result.metric)]
    params += [(dim, value or "") for dim, value in row.filters.items()]
    params += [("from", result.start.isoformat()), ("to", result.end.isoformat())]
    if result.business_hours:
        params.append(("business_hours", "1"))
    params.append(("lang", lang))
    return urlencode(params)


def present_breakdown(result: Breakdown, lang: str) -> dict[str, Any]:
    """The breakdown page's context in `lang`: heading, span, one dict of texts per row and the chart."""
    from kpidesk.i18n import format_date, format_number, format_value, metric_name, term

    _ = _translate(lang)
    clock = _("business hours") if result.business_hours else _("calendar hours")
    span = _("{start} to {end}, {clock}, against the same number of days before").format(
        start=format_date(result.start, lang), end=format_date(result.end, lang), clock=clock
    )
    heading = _("{metric} by {dimension}").format(
        metric=metric_name(result.metric, lang), dimension=term("dimension", result.by, lang)
    )
    rows = []
    for row in result.rows:
        out: dict[str, Any] = {
            "label": row.name or row.key or _("No value"),
            "key": row.key,
            "value": row.value,
            "n_text": format_number(row.n, lang, digits=0),
            "records": records_query(result, row, lang),
        }
        if row.value is None:
            out["reason"] = _reason(row.reason, lang)
            rows.append(out)
            continue
        out["value_text"] = format_value(row.value, result.unit, lang)
        out["interval_text"] = (
            f"{format_value(row.ci_low, result.unit, lang)} – {format_value(row.ci_high, result.unit, lang)}"
            if row.ci_low is not None and row.ci_high is not None
            else ""
        )
        out["change_text"], out["change_class"] = _change(result, row, lang)
        rows.append(out)
    return {
        "heading": heading,
        "span": span,
        "own_note": _("Your own tickets and calls only.") if result.own else "",
        "rows": rows,
        "spec": json.dumps(bar_spec(result, rows, lang), ensure_ascii=False),
    }


def _change(result: Breakdown, row: BreakdownRow, lang: str) -> tuple[str, str]:
    from kpidesk.i18n import format_change

    _ = _translate(lang)
    if row.change is None:
        return _("Nothing to compare with before"), ""
    text = format_change(row.change, row.change_unit or result.unit, lang)
    if not row.significant:
        return _("No significant change ({change})").format(change=text), ""
    better = (row.change > 0) == (result.direction == "higher")
    css = "" if result.direction not in ("higher", "lower") else "better" if better else "worse"
    return _("{change}, significant").format(change=text), css


def _reason(reason: str | None, lang: str) -> str:
    """Why a row has no value; the engine's English reason stays in English pages, the API and the CLI."""
    _ = _translate(lang)
    if not reason:
        return _("No data in this period.")
    return reason if lang == "en" else _("The imported data cannot measure it in this period.")


def bar_spec(result: Breakdown, rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """A Vega-Lite horizontal bar per row with a value, in the table's order; bars grow from the right and
    the labels stand on the right on right-to-left pages."""
    from kpidesk.i18n import direction, metric_name

    rtl = direction(lang) == "rtl"
    # The SVG is laid out left to right: a right-to-left value is embedded as such (isolates do not work
    # in SVG text).
    plain = str.maketrans("", "", "\u2066\u2067\u2068\u2069")
    embed = ("\u202b", "\u202c") if rtl else ("", "")
    values = [
        {
            "label": r["label"],
            "value": r["value"],
            "text": embed[0] + r["value_text"].translate(plain) + embed[1],
        }
        for r in rows
        if r["value"] is not None
    ]
    top = max((v["value"] for v in values if v["value"] > 0), default=0.0)
    label = {"field": "label", "type": "nominal", "sort": None, "title": None}
    value = {"field": "value", "type": "quantitative", "title": metric_name(result.metric, lang)}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "height": {"step": 24},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "padding": {"left": 10, "right": 10, "top": 5, "bottom": 5},
        "data": {"values": values},
        "encoding": {
            "y": {**label, "axis": {"orient": "right" if rtl else "left", "labelLimit": 220}},
            "x": {
                **value,
                # Room beyond the longest bar for its value's text.
                "scale": {"reverse": rtl, "domain": [0, top * 1.2 or 1], "nice": False},
                "axis": {"labels": False, "ticks": False, "grid": False},
            },
        },
        "layer": [
            {"mark": {"type": "bar", "color": "#3b6ea5"}, "encoding": {"tooltip": {"field": "text"}}},
            {
                "mark": {"type": "text", "align": "right" if rtl else "left", "dx": -4 if rtl else 4},
                "encoding": {"text": {"field": "text"}},
            },
        ],
        "config": {"view": {"stroke": None}, "legend": {"orient": "left" if rtl else "right"}},
    }


def breakdown_table(
    result: Breakdown, context: dict[str, Any], lang: str
) -> tuple[list[str], list[list[str]]]:
    """The breakdown's table as a header and rows of texts, as the page shows them (for downloads)."""
    from kpidesk.i18n import term

    _ = _translate(lang)
    header = [term("dimension", result.by, lang), _("Value"), _("n"), _("Confidence interval"), _("Change")]
    rows = [
        [
            r["label"],
            r.get("value_text") or _("not available"),
            r["n_text"],
            r.get("interval_text", ""),
            r.get("change_text") or r.get("reason", ""),
        ]
        for r in context["rows"]
    ]
    return header, rows


def present_records(result: Records, page: int, page_size: int, lang: str) -> dict[str, Any]:
    """The records page's context: the row it explains, and one page of records."""
    from kpidesk.i18n import format_date, format_number, format_value, metric_name, term

    _ = _translate(lang)
    scope = [
        f"{term('dimension', dim, lang)} {value if value else _('No value')}"
        for dim, value in result.filters.items()
    ]
    pages = max(1, -(-len(result.records) // page_size))
    page = min(max(page, 1), pages)
    shown = result.records[(page - 1) * page_size : page * page_size]
    rows = []
    for record in shown:
        value = (
            format_value(record.value, result.unit, lang)
            if result.unit == "seconds"
            else format_number(record.value, lang)
        )
        rows.append(
            {
                "id": record.record_id,
                "source": record.source,
                "ticket": record.is_ticket,
                "began": _when(record.began, lang),
                "value": value if record.value is not None else _("no value"),
                "counted": _("counted") if record.counted else _("not counted"),
            }
        )
    return {
        "heading": metric_name(result.metric, lang),
        "scope": ", ".join(scope) or _("Whole organisation"),
        "span": _("{start} to {end}").format(
            start=format_date(result.start, lang), end=format_date(result.end, lang)
        ),
        "count_text": _("{n} records counted").format(n=format_number(result.counted, lang, digits=0)),
        "page_number": page,
        "pages": pages,
        "page_text": _("Page {page} of {pages}").format(
            page=format_number(page, lang, digits=0), pages=format_number(pages, lang, digits=0)
        ),
        "rows": rows,
    }


def records_table(result: Records, lang: str) -> tuple[list[str], list[list[str]]]:
    """Every record (not one page) as a header and rows of texts, for downloads."""
    context = present_records(result, 1, max(1, len(result.records)), lang)
    _ = _translate(lang)
    header = [_("Source"), _("Record"), _("Began"), _("Value"), _("Counted")]
    return header, [[r["source"], r["id"], r["began"], r["value"], r["counted"]] for r in context["rows"]]


# -- one ticket ---------------------------------------------------------------------------------------


def _event_words(lang: str) -> dict[str, str]:
    _ = _translate(lang)
    return {
        "created": _("created the ticket"),
        "message": _("public message"),
        "private": _("private message"),
        "status": _("changed the status"),
        "assign": _("assignment"),
        "escalate": _("escalation"),
        "note": _("note"),
    }


def _actor_words(lang: str) -> dict[str, str]:
    _ = _translate(lang)
    return {
        "customer": _("customer"),
        "agent": _("agent"),
        "bot": _("bot"),
        "system": _("system"),
    }


def _status_words(lang: str) -> dict[str, str]:
    _ = _translate(lang)
    return {
        "new": _("new"),
        "open": _("open"),
        "pending": _("pending"),
        "hold": _("on hold"),
        "solved": _("solved"),
        "closed": _("closed"),
    }


def _data_words(lang: str) -> dict[str, str]:
    """The usual priorities and channels in the reader's language (other values are shown as imported)."""
    _ = _translate(lang)
    return {
        "urgent": _("urgent"),
        "high": _("high"),
        "normal": _("normal"),
        "low": _("low"),
        "email": _("email"),
        "chat": _("chat"),
        "phone": _("phone"),
        "web": _("web form"),
    }


def _describe(event: dict[str, Any], lang: str) -> str:
    _ = _translate(lang)
    kinds, actors, statuses = _event_words(lang), _actor_words(lang), _status_words(lang)
    kind = str(event.get("kind"))
    if kind == "message" and event.get("public") is False:
        kind = "private"
    what = kinds.get(kind, kind)
    if event.get("kind") == "status" and event.get("status"):
        what = _("status: {status}").format(status=statuses.get(str(event["status"]), str(event["status"])))
    who = actors.get(str(event.get("actor_type")), _("unknown"))
    if event.get("actor_type") == "agent" and event.get("actor_id"):
        who = f"{who} {event['actor_id']}"
    return f"{who}: {what}"


def _note(note: str, lang: str) -> str:
    _ = _translate(lang)
    if not note:
        return ""
    if note.startswith("agent-opened"):
        return _("Opened by an agent: the clock starts at the customer's first message after it.")
    if note.startswith("unanswered") or note == "not answered yet":
        return _("Not answered yet.")
    if note.startswith("reopened"):
        times = 1 if note == "reopened once" else int(note.split()[1])
        return _("Reopened {times} times.").format(times=times) if times > 1 else _("Reopened once.")
    return note if lang == "en" else ""


def present_ticket(view: TicketView, metric: str | None, lang: str) -> dict[str, Any]:
    """The ticket page's context: its facts, each metric's steps (the asked one first) and the events."""
    from kpidesk.i18n import format_duration, metric_name, term

    _ = _translate(lang)
    by_id = {str(e["event_id"]): e for e in view.events}
    statuses = _status_words(lang)

    def step(event_text: str | None, at: Any) -> str:
        if at is None:
            return _("not yet")
        event = by_id.get(str(event_text or "").split(" ")[0])
        what = _describe(event, lang) if event is not None else ""
        return f"{_when(at, lang)} — {what}" if what else _when(at, lang)

    traces = []
    for trace in view.traces:
        name = str(trace["metric"])
        base, _bracket, number = name.partition("[")
        title = metric_name(base, lang)
        if number:
            title = _("{metric}, reply {n}").format(metric=title, n=number.rstrip("]"))
        traces.append(
            {
                "metric": base,
                "title": title,
                "start": step(trace["start_event"], trace["start_at"]),
                "stop": step(trace["stop_event"], trace["stop_at"]),
                "calendar": format_duration(trace["calendar_seconds"], lang)
                if trace["calendar_seconds"] is not None
                else _("not measured"),
                "business": format_duration(trace["business_seconds"], lang)
                if trace["business_seconds"] is not None
                else _("not measured"),
                "note": _note(str(trace.get("note") or ""), lang),
                "asked": base == metric,
            }
        )
    traces.sort(key=lambda t: not t["asked"])
    facts, data = view.facts, _data_words(lang)
    fact_rows = [
        (_("Created"), _when(facts.get("created_at"), lang)),
        (_("Status"), statuses.get(str(facts.get("status")), str(facts.get("status") or ""))),
        (term("dimension", "team", lang), str(facts.get("team_id") or "")),
        (term("dimension", "agent", lang), str(facts.get("agent_id") or "")),
        (
            term("dimension", "channel", lang),
            data.get(str(facts.get("channel")), str(facts.get("channel") or "")),
        ),
        (
            term("dimension", "priority", lang),
            data.get(str(facts.get("priority")), str(facts.get("priority") or "")),
        ),
        (term("dimension", "category", lang), str(facts.get("category") or "")),
    ]
    return {
        "heading": _("Ticket {id}").format(id=view.ticket_id),
        "zone_text": _("Times in the zone {zone}").format(zone=view.timezone),
        "facts": [(k, v) for k, v in fact_rows if v],
        "traces": traces,
        "metric_name": metric_name(metric, lang) if metric else "",
        "events": [{"at": _when(e.get("at"), lang), "what": _describe(e, lang)} for e in view.events],
    }


def ticket_events_table(context: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The ticket page's events as it shows them (for downloads): when, and what happened."""
    _ = _translate(lang)
    return [_("When"), _("Event")], [[e["at"], e["what"]] for e in context["events"]]
