"""A report's words and numbers in its language: the header (title, audience, period, comparison, a
partial period's notice), the headline KPIs as the web overview's cards say them, the targets as the
targets page says them, and the movers with what drove them. Everything here is text for people; the
numbers themselves come from `ReportContent` untouched."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kpidesk.reports._content import Driver, Mover, ReportContent

__all__ = [
    "BIDI_CONTROLS",
    "driver_name",
    "kpi_table",
    "period_name",
    "report_texts",
    "significance_text",
    "subject",
]

#: Invisible bidi controls (LRI, RLI, FSI, PDI): the formatted values carry them for right-to-left text;
#: a chart's labels and a file's name drop them.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))


def period_name(kind: str, lang: str) -> str:
    """What a kind of period is called in `lang`: "Last week", "Month to date"…"""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    names = {
        "last_day": _("The day before"),
        "last_week": _("Last week"),
        "week_to_date": _("Week to date"),
        "last_7_days": _("The last 7 days"),
        "last_28_days": _("The last 28 days"),
        "last_month": _("Last month"),
        "month_to_date": _("Month to date"),
        "last_quarter": _("Last quarter"),
    }
    return names.get(kind, kind.replace("_", " "))


def subject(content: ReportContent) -> str:
    """The e-mail's subject: the title and the period's days."""
    from kpidesk.i18n import format_date, translator

    _ = translator(content.language).gettext
    return _("{title}, {start} – {end}").format(
        title=content.title,
        start=format_date(content.period.start, content.language),
        end=format_date(content.period.end, content.language),
    )


def significance_text(significant: bool | None, lang: str) -> str:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    if significant is None:
        return ""
    return _("significant") if significant else _("not significant")


def _audience_text(content: ReportContent, _: Callable[[str], str]) -> str:
    audience = content.audience
    if audience.kind == "agents":
        return _("{name}, team {team}").format(
            name=content.member_name or content.member or "", team=audience.team or ""
        )
    if audience.kind == "team":
        return _("Team {team}").format(team=audience.team or "")
    return _("Whole organisation")


def report_texts(content: ReportContent) -> dict[str, Any]:
    """The template context of a report: every text it shows, in its language."""
    from kpidesk.i18n import direction, format_date, translator
    from kpidesk.views import present_card, present_target

    lang = content.language
    _ = translator(lang).gettext
    clock = _("business hours") if content.business_hours else _("calendar hours")
    period = _("{name}: {start} to {end}, {clock}").format(
        name=period_name(content.period.kind, lang),
        start=format_date(content.period.start, lang),
        end=format_date(content.period.end, lang),
        clock=clock,
    )
    compare = ""
    if content.compare_from is not None and content.compare_to is not None:
        compare = _("Compared with {start} to {end}").format(
            start=format_date(content.compare_from, lang), end=format_date(content.compare_to, lang)
        )
    partial = ""
    if content.data_up_to is not None and content.data_up_to < content.period.end:
        partial = _("Partial period: the data goes up to {day}, so the figures do not cover it all.").format(
            day=format_date(content.data_up_to, lang)
        )
    kpis = [present_card(card, lang) for card in content.cards]
    for kpi in kpis:
        kpi["not_available_text"] = _("not available")
    return {
        "lang": lang,
        "dir": direction(lang),
        "title": content.title,
        "audience": _audience_text(content, _),
        "period": period,
        "compare": compare,
        "partial": partial,
        "kpis": kpis,
        "with_team": content.member is not None,
        # Here, not in the template: Jinja2's new-style gettext reads a "%" as a placeholder.
        "interval_header": _("95% interval"),
        "targets": [present_target(dict(row), lang) for row in content.targets],
        "movers": [_mover(mover, lang) for mover in content.movers],
    }


def _mover(mover: Mover, lang: str) -> dict[str, Any]:
    from kpidesk.i18n import format_change, format_value, metric_name

    unit = mover.change_unit or mover.unit
    return {
        "name": metric_name(mover.metric, lang),
        "previous_text": format_value(mover.previous, mover.unit, lang),
        "value_text": format_value(mover.value, mover.unit, lang),
        "change_text": format_change(mover.change, unit, lang),
        "significance_text": significance_text(mover.significant, lang),
        "drivers": [_driver(driver, unit, lang) for driver in mover.drivers],
    }


def _driver(driver: Driver, unit: str, lang: str) -> dict[str, Any]:
    from kpidesk.i18n import format_change

    return {
        "who": driver_name(driver, lang),
        "change_text": format_change(driver.change, unit, lang),
        "mix_text": format_change(driver.mix, unit, lang),
        "rate_text": format_change(driver.rate, unit, lang),
    }


def driver_name(driver: Driver, lang: str) -> str:
    """ "channel email", in `lang`'s word for the dimension; the member's name isolated on right-to-left
    pages, as its own run of text."""
    from kpidesk.i18n import direction, isolate, term

    member = isolate(driver.member) if direction(lang) == "rtl" else driver.member
    return f"{term('dimension', driver.dimension, lang)} {member}"


def kpi_table(texts: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The headline KPIs as a header and rows of texts, as the report's table shows them (for the CSV)."""
    from kpidesk.i18n import translator

    _ = translator(texts["lang"]).gettext
    header = [_("Metric"), _("Value"), _("n"), _("95% interval"), _("Change")]
    if texts["with_team"]:
        header.append(_("Team"))
    header.append(_("Target"))
    rows = []
    for kpi in texts["kpis"]:
        if kpi["value"] is None:
            row = [kpi["name"], f"{kpi['not_available_text']}: {kpi['reason']}", "", "", ""]
            row += [""] if texts["with_team"] else []
            rows.append([*row, ""])
            continue
        row = [kpi["name"], kpi["value_text"], kpi["n_text"], kpi["ci_text"], kpi["change_text"]]
        if texts["with_team"]:
            row.append(kpi.get("team_text", ""))
        row.append(kpi.get("target_text", ""))
        rows.append(row)
    return header, rows
