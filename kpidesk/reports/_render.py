"""A report's content rendered for its readers: the HTML e-mail body with its charts as `cid:` images,
and the attachments its definition asks for — PDF, XLSX and CSV — all in the report's language, from the
same texts (`kpidesk.reports._render_texts`), the web app's catalogues and its presenters."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from kpidesk.reports._charts import chart_specs, draw
from kpidesk.reports._content import ReportContent
from kpidesk.reports._pdf import html_to_pdf
from kpidesk.reports._render_texts import kpi_table, report_texts, subject
from kpidesk.reports._xlsx import report_xlsx

__all__ = ["RENDER_FORMATS", "Attachment", "RenderedReport", "render"]

_CID = re.compile(r'src="cid:([^"]+)"')


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class RenderedReport:
    """A report ready to send: the subject, the HTML body (images as `src="cid:<name>"`), the images by
    name, and the attachments."""

    subject: str
    html: str
    images: Mapping[str, bytes] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()

    def standalone_html(self) -> str:
        """The body with its images inline as `data:` URIs, for a file opened on its own."""

        def inline(found: re.Match[str]) -> str:
            png = self.images.get(found[1])
            if png is None:
                return found[0]
            return f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"'

        return _CID.sub(inline, self.html)


@dataclass(frozen=True)
class _Drawn:
    """What every format is made from: the content, its texts, the charts (PNG by name) and the body."""

    content: ReportContent
    texts: dict[str, Any]
    images: dict[str, bytes]
    charts: list[dict[str, Any]]
    stem: str


class _Format:
    """One format a report can take: what it attaches (nothing, for the HTML body)."""

    name = ""

    def attach(self, drawn: _Drawn) -> tuple[Attachment, ...]:
        raise NotImplementedError


class _Html(_Format):
    name = "html"

    def attach(self, drawn: _Drawn) -> tuple[Attachment, ...]:
        return ()


class _Pdf(_Format):
    name = "pdf"

    def attach(self, drawn: _Drawn) -> tuple[Attachment, ...]:
        page = RenderedReport("", _page(drawn, printed=True), drawn.images).standalone_html()
        return (Attachment(f"{drawn.stem}.pdf", html_to_pdf(page), "application/pdf"),)


class _Xlsx(_Format):
    name = "xlsx"

    def attach(self, drawn: _Drawn) -> tuple[Attachment, ...]:
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return (Attachment(f"{drawn.stem}.xlsx", report_xlsx(drawn.content), mime),)


class _Csv(_Format):
    """The headline table as the e-mail shows it, and the targets' table when there are targets."""

    name = "csv"

    def attach(self, drawn: _Drawn) -> tuple[Attachment, ...]:
        from kpidesk.views import table_csv, targets_table

        mime = "text/csv; charset=utf-8"
        files = [Attachment(f"{drawn.stem}-kpis.csv", table_csv(*kpi_table(drawn.texts)), mime)]
        if drawn.texts["targets"]:
            header, rows = targets_table(drawn.texts["targets"], drawn.content.language)
            files.append(Attachment(f"{drawn.stem}-targets.csv", table_csv(header, rows), mime))
        return tuple(files)


#: Every format a report can be rendered in, by the name `reports.yaml` uses.
RENDER_FORMATS: dict[str, _Format] = {f.name: f for f in (_Html(), _Pdf(), _Xlsx(), _Csv())}

_ENV = Environment(
    loader=PackageLoader("kpidesk.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
)


def _styles(rtl: bool, font: str) -> dict[str, Any]:
    """The inline CSS of each element: mail programs drop `<style>` blocks and ignore logical properties,
    so each cell says its side (`right` on a right-to-left report) itself."""
    start, end = ("right", "left") if rtl else ("left", "right")
    cell = "padding:5px 8px;border-bottom:1px solid #dde3ea;vertical-align:top;"
    number = f"{cell}text-align:{end};white-space:nowrap;"
    colours = {
        "good": "#1b7f3b",
        "bad": "#b3261e",
        "risk": "#a15c00",
        "better": "#1b7f3b",
        "worse": "#b3261e",
    }
    coloured = {css: f"{cell}text-align:{start};color:{colour};" for css, colour in colours.items()}
    plain = f"{cell}text-align:{start};"
    return {
        "width": "680",
        "body": f"margin:0;padding:16px;background:#f6f7f9;color:#1d2733;font-family:{font};font-size:14px;",
        "sheet": f"background:#ffffff;border:1px solid #dde3ea;text-align:{start};",
        "header": "padding:18px 20px 8px;border-bottom:3px solid #2f6db5;",
        "h1": "margin:0 0 6px;font-size:22px;",
        "h2": "margin:0 0 8px;font-size:17px;",
        "line": "margin:2px 0;",
        "muted": "margin:2px 0;color:#5b6675;",
        "notice": "margin:8px 0;padding:6px 10px;background:#fff4e0;border:1px solid #e8c27a;color:#6b4400;",
        "section": "padding:14px 20px;",
        "table": "border-collapse:collapse;font-size:13px;",
        "th": f"{cell}text-align:{start};background:#eef2f7;font-weight:600;",
        "th_num": f"{cell}text-align:{end};background:#eef2f7;font-weight:600;",
        "td": plain,
        "td_num": number,
        "td_value": f"{number}font-weight:600;",
        "change": {"": plain, **coloured},
        "status": {"": plain, **coloured},
        "na": "color:#5b6675;font-style:italic;",
        "small": "font-size:11px;color:#5b6675;",
        "bad": "color:#b3261e;font-size:12px;",
        "mover": "margin:0 0 12px;",
        "chart": "padding:0 0 12px;vertical-align:top;",
        "img": "display:block;max-width:100%;height:auto;border:0;",
        "footer": "padding:10px 20px 16px;font-size:11px;color:#5b6675;",
    }


#: The fonts of a report's text per language, the script's own first.
_FONTS = {
    "he": '"Noto Sans Hebrew", "Noto Sans", Arial, sans-serif',
    "ar": '"Noto Sans Arabic", "Noto Naskh Arabic", "Noto Sans", Arial, sans-serif',
    "en": '"Noto Sans", Arial, sans-serif',
}


def _page(drawn: _Drawn, *, printed: bool) -> str:
    from kpidesk.i18n import translator

    lang = drawn.content.language
    _ENV.install_gettext_translations(translator(lang), newstyle=True)  # type: ignore[attr-defined]
    styles = _styles(drawn.texts["dir"] == "rtl", _FONTS.get(lang, _FONTS["en"]))
    return _ENV.get_template("report.html").render(
        **drawn.texts, charts=drawn.charts, s=styles, print=printed
    )


def _stem(content: ReportContent) -> str:
    """The attachments' file name without extension: ASCII, the period's days and the agent."""
    member = re.sub(r"[^A-Za-z0-9_.-]+", "-", content.member or "").strip("-")
    return "-".join(
        p for p in ("report", content.period.start.isoformat(), content.period.end.isoformat(), member) if p
    )


def _chart_rows(charts: Sequence[Any]) -> list[list[dict[str, Any]]]:
    """The charts laid out in rows of a table: two small ones side by side, a wide one alone."""
    rows: list[list[dict[str, Any]]] = []
    for chart in charts:
        shown = {"cid": chart.cid, "alt": chart.alt, "width": chart.width, "wide": chart.wide}
        if chart.wide or not rows or len(rows[-1]) == 2 or rows[-1][0]["wide"]:
            rows.append([shown])
        else:
            rows[-1].append(shown)
    return rows


def render(content: ReportContent, formats: Sequence[str]) -> RenderedReport:
    """`content` as an e-mail body with charts, plus one attachment per format in `formats` (`html` is
    the body itself; `csv` gives the headline table, and the targets' table when there are targets)."""
    unknown = [f for f in formats if f not in RENDER_FORMATS]
    if unknown:
        raise ValueError(
            f"unknown report format {', '.join(map(repr, unknown))}; "
            f"expected any of: {', '.join(RENDER_FORMATS)}"
        )
    charts = chart_specs(content)
    images = {chart.cid: draw(chart, content.language) for chart in charts}
    shown = _chart_rows(charts)
    drawn = _Drawn(content, report_texts(content), images, shown, _stem(content))
    attachments = tuple(a for name in dict.fromkeys(formats) for a in RENDER_FORMATS[name].attach(drawn))
    return RenderedReport(subject(content), _page(drawn, printed=False), images, attachments)
