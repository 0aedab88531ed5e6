"""A card and a target's status row in the reader's language: each card's name, value, interval, change,
target and sparkline, and each target's value, goal, projection, status and guardrails, formatted and
isolated for right-to-left pages by `kpidesk.i18n`. The web app's pages and the e-mailed reports present
them with the same words."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kpidesk.views._overview import Card

__all__ = ["STATUS_CSS", "card_reason", "present_card", "present_target", "spark_spec", "targets_table"]

#: The colour class of each target status, on the overview's cards, the targets page and the reports.
STATUS_CSS = {"met": "good", "on_track": "good", "missed": "bad", "off_track": "bad", "at_risk": "risk"}


def present_card(card: Card, lang: str) -> dict[str, Any]:
    """One card's texts in `lang` (a card without a value has only its name and the reason)."""
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
        "reason": card_reason(card.reason, lang),
    }
    if card.value is None:
        return out
    out["value_text"] = format_value(card.value, card.unit, lang)
    n = format_number(card.n, lang, digits=0)
    out["n_text"] = n
    out["ci_text"] = ""
    if card.ci_low is not None and card.ci_high is not None:
        low, high = format_value(card.ci_low, card.unit, lang), format_value(card.ci_high, card.unit, lang)
        out["ci_text"] = f"{low} – {high}"
        out["interval_text"] = _("n = {n}, 95% interval {low} – {high}").format(n=n, low=low, high=high)
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
        out["target_class"] = STATUS_CSS.get(card.target_status, "")
    out["spark_spec"] = json.dumps(spark_spec(card, lang), ensure_ascii=False)
    return out


def card_reason(reason: str | None, lang: str) -> str:
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


def present_target(row: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """One row of `kpidesk.targets_status` as texts in `lang`: the metric, whom it is for, the period,
    value, goal, projection, status (and guardrail breach) and each guardrail."""
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
    unit = str(row["unit"])
    dimensions = ("team", "channel", "priority", "queue")
    scope = [f"{term('dimension', d, lang)} {row[d]}" for d in dimensions if row.get(d)]
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
    return {
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
        "css": STATUS_CSS.get(str(row["status"]), ""),
        "breach": bool(row.get("guardrail_breach")),
        "guardrails": guards,
    }


def targets_table(rows: list[dict[str, Any]], lang: str) -> tuple[list[str], list[list[str]]]:
    """Presented target rows (`present_target`) as a header and rows of texts, as a page shows them (for
    downloads and attachments)."""
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
    table = [
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
        for r in rows
    ]
    return header, table
