"""The overview's words and numbers in the reader's language: each card's name, value, interval, change,
target and sparkline, formatted and isolated for right-to-left pages by `kpidesk.i18n`."""

from __future__ import annotations

from typing import Any

from kpidesk.views import Overview, present_card, present_target
from kpidesk.views import targets_table as present_targets_table

__all__ = ["present_overview", "present_targets", "targets_table"]


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
        "cards": [present_card(card, lang) for card in result.cards],
    }


def present_targets(frame: Any, at: Any, lang: str) -> dict[str, Any]:
    """The targets page's context in `lang`: the day of the status and one dict of texts per row."""
    from kpidesk.i18n import format_date, translator

    _ = translator(lang).gettext
    rows = [present_target({str(k): v for k, v in r.items()}, lang) for r in frame.to_dict(orient="records")]
    return {"as_of": _("As of the end of {day}").format(day=format_date(at, lang)), "rows": rows}


def targets_table(context: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The targets page's table as a header and rows of texts, as the page shows them (for downloads)."""
    return present_targets_table(context["rows"], lang)
