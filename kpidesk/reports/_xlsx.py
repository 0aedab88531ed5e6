"""A report as a workbook: one sheet per section (KPIs, targets, movers, trend), right to left for Hebrew
and Arabic, translated headers, and numbers as numbers — in the metric's own unit (seconds, a fraction for
a rate shown as a percentage) with a number format — so a reader can calculate with them."""

from __future__ import annotations

import io
from typing import Any

from kpidesk.reports._content import ReportContent
from kpidesk.reports._render_texts import BIDI_CONTROLS, driver_name, significance_text

__all__ = ["report_xlsx"]

_DATE = "yyyy-mm-dd"
_WHOLE = "#,##0"
#: The number format of a value in each unit; any other unit is a decimal with two digits.
_FORMATS = {
    "ratio": "0.0%",
    "seconds": _WHOLE,
    "tickets": _WHOLE,
    "calls": _WHOLE,
    "agents": _WHOLE,
    "pp": "0.0",
    "NPS points": "0.0",
    "days": "0.0",
}


def _format(unit: str | None) -> str:
    return _FORMATS.get(unit or "", "#,##0.00")


def _plain(text: str) -> str:
    return text.translate(BIDI_CONTROLS)


class _Sheet:
    """One sheet's header, rows and each cell's number format."""

    def __init__(self, title: str, header: list[str]) -> None:
        self.title, self.header = title, header
        self.rows: list[list[Any]] = []
        self.formats: list[list[str | None]] = []

    def add(self, cells: list[tuple[Any, str | None]]) -> None:
        self.rows.append([value for value, _ in cells])
        self.formats.append([number_format for _, number_format in cells])


def _number(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


def report_xlsx(content: ReportContent) -> bytes:
    from openpyxl import Workbook

    from kpidesk.i18n import direction
    from kpidesk.views import fill_sheet

    sheets = [_kpis(content), _targets(content), _movers(content), _trend(content)]
    book = Workbook()
    first = book.active
    assert first is not None
    for i, sheet in enumerate(sheets):
        target = first if i == 0 else book.create_sheet()
        fill_sheet(
            target,
            sheet.title,
            sheet.header,
            sheet.rows,
            right_to_left=direction(content.language) == "rtl",
            number_formats=sheet.formats,
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _kpis(content: ReportContent) -> _Sheet:
    from kpidesk.i18n import metric_name, term, translator
    from kpidesk.views import card_reason

    lang = content.language
    _ = translator(lang).gettext
    header = [
        _("Metric"),
        _("Unit"),
        _("Value"),
        _("n"),
        _("95% interval: low"),
        _("95% interval: high"),
        _("Value before"),
        _("Change"),
        _("Change unit"),
        _("Significance"),
    ]
    if content.member is not None:
        header.append(_("Team"))
    header += [_("Target"), _("Target status"), _("Note")]
    sheet = _Sheet(_("KPIs"), header)
    for card in content.cards:
        unit_format, change_unit = _format(card.unit), card.change_unit or card.unit
        value: tuple[Any, str | None] = (card.value, unit_format)
        note = ""
        if card.value is None:
            value, note = (_("not available"), None), card_reason(card.reason, lang)
        cells: list[tuple[Any, str | None]] = [
            (metric_name(card.metric, lang), None),
            (term("unit", card.unit, lang), None),
            value,
            (card.n, _WHOLE),
            (card.ci_low, unit_format),
            (card.ci_high, unit_format),
            (card.compare_value, unit_format),
            (card.change, _format(change_unit)),
            (term("unit", change_unit, lang) if card.change is not None else None, None),
            (significance_text(card.significant, lang), None),
        ]
        if content.member is not None:
            cells.append((card.team_value, unit_format))
        status = term("target-status", card.target_status, lang) if card.target_status else None
        cells += [(card.target, unit_format), (status, None), (_plain(note), None)]
        sheet.add(cells)
    return sheet


def _targets(content: ReportContent) -> _Sheet:
    from kpidesk.i18n import metric_name, term, translator
    from kpidesk.views import present_target

    lang = content.language
    _ = translator(lang).gettext
    header = [
        _("Target"),
        _("Metric"),
        _("For"),
        _("From"),
        _("To"),
        _("Unit"),
        _("Value"),
        _("n"),
        _("Goal"),
        _("Projected"),
        _("Projected: low"),
        _("Projected: high"),
        _("Status"),
        _("Guardrail breach"),
        _("Guardrails"),
    ]
    sheet = _Sheet(_("Targets"), header)
    for row in content.targets:
        texts = present_target(dict(row), lang)
        unit = str(row["unit"])
        number = _format(unit)
        sheet.add(
            [
                (row["target_id"], None),
                (metric_name(str(row["metric"]), lang), None),
                (_plain(texts["who"]), None),
                (row.get("period_start"), _DATE),
                (row.get("period_end"), _DATE),
                (term("unit", unit, lang), None),
                (_number(row.get("value")), number),
                (row.get("n") or 0, _WHOLE),
                (_number(row.get("target")), number),
                (_number(row.get("projected")), number),
                (_number(row.get("projected_low")), number),
                (_number(row.get("projected_high")), number),
                (texts["status"], None),
                (_("yes") if texts["breach"] else _("no"), None),
                (_plain("; ".join(g["text"] for g in texts["guardrails"])), None),
            ]
        )
    return sheet


def _movers(content: ReportContent) -> _Sheet:
    from kpidesk.i18n import metric_name, term, translator

    lang = content.language
    _ = translator(lang).gettext
    header = [
        _("Metric"),
        _("Value before"),
        _("Value"),
        _("Change"),
        _("Change unit"),
        _("Significance"),
        _("What drove it"),
        _("Contribution"),
        _("more tickets"),
        _("a different rate"),
    ]
    sheet = _Sheet(_("Biggest movers"), header)
    for mover in content.movers:
        number, change_unit = _format(mover.unit), mover.change_unit or mover.unit
        change = _format(change_unit)
        lead: list[tuple[Any, str | None]] = [
            (metric_name(mover.metric, lang), None),
            (mover.previous, number),
            (mover.value, number),
            (mover.change, change),
            (term("unit", change_unit, lang), None),
            (significance_text(mover.significant, lang), None),
        ]
        if not mover.drivers:
            sheet.add(lead)
        for driver in mover.drivers:
            sheet.add(
                [
                    *lead,
                    (_plain(driver_name(driver, lang)), None),
                    (driver.change, change),
                    (driver.mix, change),
                    (driver.rate, change),
                ]
            )
    return sheet


def _trend(content: ReportContent) -> _Sheet:
    from kpidesk.i18n import metric_name, term, translator
    from kpidesk.metrics import get_metric

    lang = content.language
    _ = translator(lang).gettext
    header = [_("Metric"), _("From"), _("To"), _("Unit"), _("Value"), _("n"), _("Partial period")]
    sheet = _Sheet(_("Trend"), header)
    for point in content.trend:
        unit = get_metric(point.metric).unit
        sheet.add(
            [
                (metric_name(point.metric, lang), None),
                (point.period_start, _DATE),
                (point.period_end, _DATE),
                (term("unit", unit, lang), None),
                (point.value if point.value is not None else _("not available"), _format(unit)),
                (point.n, _WHOLE),
                (_("yes") if point.partial else _("no"), None),
            ]
        )
    return sheet
