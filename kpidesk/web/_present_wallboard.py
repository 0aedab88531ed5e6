"""The wallboard's words and numbers in the reader's language: each tile's name and its values for today
and the week, the team's target statuses, and how fresh the data is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from kpidesk.web._present import present_targets
from kpidesk.web._wallboard import Tile, Wallboard

__all__ = ["present_wallboard"]


def present_wallboard(board: Wallboard, lang: str) -> dict[str, Any]:
    """The template context of a wallboard in `lang`."""
    from kpidesk.i18n import format_date, translator

    _ = translator(lang).gettext
    freshness = _("Data up to {until}, refreshed {now}").format(
        until=_moment(board.data_until, lang) if board.data_until else _("no data yet"),
        now=_moment(board.refreshed, lang),
    )
    statuses = present_targets(pd.DataFrame(list(board.targets)), board.today, lang)["rows"]
    return {
        "heading": _("Team {team}").format(team=board.team),
        "team": board.team,
        "today_note": _("Today is {day}: the last day of the data").format(
            day=format_date(board.today, lang)
        ),
        "week_note": _("Week from {day}").format(day=format_date(board.week_start, lang)),
        "freshness": freshness,
        "business_hours": board.business_hours,
        "tiles": [_tile(tile, lang) for tile in board.tiles],
        "targets": [
            {
                "metric": r["metric"],
                "goal": r["goal"],
                "value": r["value"],
                "status": r["status"],
                "css": r["css"],
            }
            for r in statuses
        ],
    }


def _tile(tile: Tile, lang: str) -> dict[str, Any]:
    from kpidesk.i18n import format_value, metric_definition, metric_name, translator

    _ = translator(lang).gettext
    nothing = _("nothing to measure")
    out: dict[str, Any] = {
        "metric": tile.metric,
        "name": _("Open tickets") if tile.stock else metric_name(tile.metric, lang),
        "definition": metric_definition(tile.metric, lang),
        "today": nothing if tile.today is None else format_value(tile.today, tile.unit, lang),
        "today_measured": tile.today is not None,
        "today_label": _("at the end of today") if tile.stock else _("today"),
        "stock": tile.stock,
        "available": tile.today is not None or tile.week is not None,
        "reason": "",
    }
    if not tile.stock:
        out["week"] = nothing if tile.week is None else format_value(tile.week, tile.unit, lang)
        out["week_measured"] = tile.week is not None
    if not out["available"]:
        out["reason"] = _reason(tile.reason, lang)
    return out


def _reason(reason: str | None, lang: str) -> str:
    """Why a tile has no number: the engine's English reason in English, general words otherwise."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    if not reason or reason.startswith("no data"):
        return _("Nothing to measure today or this week.")
    if lang == "en":
        return reason
    return _("The imported data cannot measure it in this period.")


def _moment(at: datetime, lang: str) -> str:
    """A local date and time, the time as 24-hour digits kept left to right on right-to-left pages."""
    from kpidesk.i18n import format_date, isolate

    return f"{format_date(at.date(), lang)} {isolate(at.strftime('%H:%M'))}"
