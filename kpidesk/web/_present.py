"""The overview's words and numbers in the reader's language: each card's name, value, interval, change,
target and sparkline, formatted and isolated for right-to-left pages by `kpidesk.i18n`."""

from __future__ import annotations

import json
from typing import Any

from kpidesk.views import Card, Overview

__all__ = ["present_overview", "present_targets", "spark_spec", "targets_table"]

#: The colour class of each target status, on the overview's cards and the targets page.
_STATUS_CSS = {"met": "good", "on_track": "good", "missed": "bad", "off_track": "bad", "at_risk": "risk"}


def present_overview(result: Overview, lang: str) -> dict[str, Any]:
    """The template context of an overview in `lang`: heading, span and one dict per card."""
    from kpidesk.i18n import format_date, translator

    _ = translator(lang).gettext
    if result.agent is not None:
        heading = _("My numbers")
    elif result.team is not None:
        heading = _("Team {team}").format(team=result.team)
    else:
        heading = _("Whole organisation")
    clock = _("business hours") if result.business_hours else _("calendar hours")
    span = _("{start} to {end}, {clock}, against the same number of days before").format(
        start=format_date(result.start, lang), end=format_date(result.end, lang), clock=clock
    )
    return {
        "heading": heading,
        "span": span,
        "team": result.team,
        "start": result.start,
        "end": result.end,
        "business_hours": result.business_hours,
        "cards": [_card(card, lang) for card in result.cards],
    }


def _card(card: Card, lang: str) -> dict[str, Any]:
    from kpidesk.i18n import (
        format_change,
        format_number,
        format_value,
        metric_definition,
        metric_name,
        term,
        translator,
    )

    _ = translator(lang).gettext
    out: dict[str, Any] = {
        "metric": card.metric,
        "name": metric_name(card.metric, lang),
        "definition": metric_definition(card.metric, lang),
        "value": card.value,
        "reason": _reason(card.reason, lang),
    }
    if card.value is None:
        return out
    out["value_text"] = format_value(card.value, card.unit, lang)
    n = format_number(card.n, lang, digits=0)
    if card.ci_low is not None and card.ci_high is not None:
        out["interval_text"] = _("n = {n}, 95% interval {low} – {high}").format(
            n=n,
            low=format_value(card.ci_low, card.unit, lang),
            high=format_value(card.ci_high, card.unit, lang),
        )
    else:
        out["interval_text"] = _("n = {n}").format(n=n)
    if card.change is None:
        out["change_text"], out["change_class"] = _("Nothing to compare with before"), ""
    elif card.significant:
        out["change_text"] = _("{change} against the days before").format(
            change=format_change(card.change, card.change_unit or card.unit, lang)
        )
        out["change_class"] = "better" if card.better else "worse" if card.better is False else ""
    else:
        out["change_text"] = _("No significant change ({change})").format(
            change=format_change(card.change, card.change_unit or card.unit, lang)
        )
        out["change_class"] = ""
    if card.team_value is not None:
        # The team's own value: its total for a count, its rate or median otherwise, so not "average".
        out["team_text"] = _("Team: {value}").format(value=format_value(card.team_value, card.unit, lang))
    if card.target_status is not None and card.target is not None:
        out["target_text"] = _("Target {target}: {status}").format(
            target=format_value(card.target, card.unit, lang),
            status=term("target-status", card.target_status, lang),
        )
        out["target_class"] = _STATUS_CSS.get(card.target_status, "")
    out["spark_spec"] = json.dumps(spark_spec(card, lang), ensure_ascii=False)
    return out


def _reason(reason: str | None, lang: str) -> str:
    """Why a card has no value. The engine's reasons are English sentences naming sources and fields; in
    Hebrew and Arabic the card says it in general words (the English stays in the API and the CLI)."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    if not reason:
        return _("No data in this period.")
    if lang == "en":
        return reason
    return _("The imported data cannot measure it in this period.")


def spark_spec(card: Card, lang: str) -> dict[str, Any]:
    """A Vega-Lite line of the weekly values, drawn right to left on right-to-left pages."""
    from kpidesk.i18n import direction

    values = [{"week": d.isoformat(), "value": v} for d, v in card.sparkline if v is not None]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "height": 36,
        "padding": 0,
        "data": {"values": values},
        "mark": {"type": "line", "point": False, "strokeWidth": 1.5},
        "encoding": {
            "x": {
                "field": "week",
                "type": "temporal",
                "axis": None,
                "scale": {"reverse": direction(lang) == "rtl"},
            },
            "y": {"field": "value", "type": "quantitative", "axis": None, "scale": {"zero": False}},
        },
        "config": {"view": {"stroke": None}},
    }


def present_targets(frame: Any, at: Any, lang: str) -> dict[str, Any]:
    """The targets page's context in `lang`: the day of the status and one dict of texts per row."""
    from kpidesk.i18n import (
        format_change,
        format_date,
        format_number,
        format_value,
        metric_name,
        term,
        translator,
    )

    _ = translator(lang).gettext
    rows = []
    for record in frame.to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        unit = str(row["unit"])
        scope = [
            f"{term('dimension', d, lang)} {row[d]}"
            for d in ("team", "channel", "priority", "queue")
            if row.get(d)
        ]
        who = ", ".join(scope) or _("Whole organisation")
        if row.get("member") is not None:
            who = f"{row.get('member_name') or row['member']} ({who})"
        # Words, not ≤ and ≥: a right-to-left page mirrors those signs.
        goal = _("at most {value}") if row["direction"] == "lower" else _("at least {value}")
        final = row["status"] in ("met", "missed", "not_enough_data", "not_started")
        interval = ""
        if not final and row.get("projected_low") is not None and row.get("projected_high") is not None:
            low, high = (format_value(row[c], unit, lang) for c in ("projected_low", "projected_high"))
            interval = f"{low} – {high}"
        guards = []
        for g in row.get("guardrails") or []:
            text = f"{metric_name(g['metric'], lang)}: {format_value(g['value'], g['unit'], lang)}"
            if g.get("change") is not None:
                text += f" ({format_change(g['change'], g.get('change_unit') or g['unit'], lang)})"
            guards.append({"text": text, "breached": bool(g.get("breached"))})
        rows.append(
            {
                "target_id": row["target_id"],
                "metric": metric_name(str(row["metric"]), lang),
                "who": who,
                "period": " – ".join(format_date(row[c], lang) for c in ("period_start", "period_end")),
                "value": format_value(row.get("value"), unit, lang),
                "n": _("n = {n}").format(n=format_number(row.get("n") or 0, lang, digits=0)),
                "goal": goal.format(value=format_value(row["target"], unit, lang)),
                "projected": "" if final else format_value(row.get("projected"), unit, lang),
                "interval": interval,
                "status": term("target-status", str(row["status"]), lang),
                "css": _STATUS_CSS.get(str(row["status"]), ""),
                "breach": bool(row.get("guardrail_breach")),
                "guardrails": guards,
            }
        )
    return {"as_of": _("As of the end of {day}").format(day=format_date(at, lang)), "rows": rows}


def targets_table(context: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The targets page's table as a header and rows of texts, as the page shows them (for downloads)."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    header = [
        _("Target"),
        _("For"),
        _("Period"),
        _("Value"),
        _("Goal"),
        _("Projected"),
        _("Status"),
        _("Guardrails"),
    ]
    rows = [
        [
            f"{r['metric']} ({r['target_id']})",
            r["who"],
            r["period"],
            f"{r['value']} ({r['n']})",
            r["goal"],
            f"{r['projected']} ({r['interval']})" if r["interval"] else r["projected"],
            r["status"] + (f" — {_('Reached the wrong way: a guardrail got worse')}" if r["breach"] else ""),
            "; ".join(g["text"] for g in r["guardrails"]),
        ]
        for r in context["rows"]
    ]
    return header, rows
