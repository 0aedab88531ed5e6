"""The scorecard's words and numbers in the reader's language: one row of texts per KPI (value, team,
change, the agent's targets on it) and the agent's target rows, as the page, the CSV and the XLSX show
them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kpidesk.views import MIN_PEERS
from kpidesk.web._present import present_targets
from kpidesk.web._scorecard import Scorecard, ScoreLine

__all__ = ["present_scorecard", "scorecard_table"]


def present_scorecard(result: Scorecard, lang: str) -> dict[str, Any]:
    """The template context of a scorecard in `lang`: heading, span, KPI rows and target rows."""
    from kpidesk.i18n import format_date, translator

    _ = translator(lang).gettext
    clock = _("business hours") if result.business_hours else _("calendar hours")
    span = _("{start} to {end}, {clock}, against the same number of days before").format(
        start=format_date(result.start, lang), end=format_date(result.end, lang), clock=clock
    )
    targets = present_targets(pd.DataFrame(list(result.targets)), result.end, lang)
    by_metric: dict[str, list[str]] = {}
    for record, row in zip(result.targets, targets["rows"], strict=True):
        by_metric.setdefault(str(record["metric"]), []).append(f"{row['goal']}: {row['status']}")
    team = result.team
    return {
        "heading": _("Scorecard of {name}").format(name=result.agent_name),
        "span": span,
        "agent": result.agent,
        "team_heading": _("Team {team}").format(team=team) if team else _("Team"),
        "start": result.start,
        "end": result.end,
        "business_hours": result.business_hours,
        "lines": [_line(line, team, by_metric.get(line.metric, []), lang) for line in result.lines],
        "targets": targets["rows"],
        "targets_as_of": targets["as_of"],
    }


def _line(line: ScoreLine, team: str | None, targets: list[str], lang: str) -> dict[str, Any]:
    from kpidesk.i18n import format_number, format_value, metric_definition, metric_name, translator

    _ = translator(lang).gettext
    out: dict[str, Any] = {
        "metric": line.metric,
        "name": metric_name(line.metric, lang),
        "definition": metric_definition(line.metric, lang),
        "available": line.value is not None,
        "targets": "; ".join(targets),
    }
    if line.value is None:
        out["value"] = _("not available")
        out["n"] = ""
        out["reason"] = _reason(line.reason, lang)
    else:
        out["value"] = format_value(line.value, line.unit, lang)
        out["n"] = format_number(line.n, lang, digits=0)
        out["reason"] = ""
    if line.team_value is not None:
        out["team"] = format_value(line.team_value, line.unit, lang)
    elif team is None:
        out["team"] = _("No team in the agents table")
    elif line.team_peers < MIN_PEERS:
        out["team"] = _("Not shown: fewer than {count} agents").format(
            count=format_number(MIN_PEERS, lang, digits=0)
        )
    else:
        out["team"] = _("not available")
    out["change"], out["change_class"] = _change(line, lang)
    return out


def _change(line: ScoreLine, lang: str) -> tuple[str, str]:
    from kpidesk.i18n import format_change, translator

    _ = translator(lang).gettext
    if line.value is None:
        return "", ""
    if line.change is None:
        return _("Nothing to compare with before"), ""
    text = format_change(line.change, line.change_unit or line.unit, lang)
    if line.significant is False:
        return _("{change}, not significant").format(change=text), ""
    if line.significant and line.direction in ("higher", "lower"):
        better = (line.change > 0) == (line.direction == "higher")
        return text, "better" if better else "worse"
    return text, ""


def _reason(reason: str | None, lang: str) -> str:
    """Why a KPI has no value: the engine's English reason in English; general words in Hebrew and Arabic
    (the English reason stays in the API)."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    if not reason:
        return _("No data for this agent in this period.")
    if lang == "en":
        return reason
    return _("The imported data cannot measure it in this period.")


def scorecard_table(context: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The scorecard's KPI table as a header and rows of texts, as the page shows them (for downloads)."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    header = [
        _("Metric"),
        _("Value"),
        _("Sample size (n)"),
        context["team_heading"],
        _("Change"),
        _("Targets"),
    ]
    rows = [
        [
            line["name"],
            line["value"] + (f" ({line['reason']})" if line["reason"] else ""),
            line["n"],
            line["team"],
            line["change"],
            line["targets"],
        ]
        for line in context["lines"]
    ]
    return header, rows
