"""Reports: what `reports.yaml` asks for, what each report says, and the pages and files that present it."""

from kpidesk.reports._content import Driver, Mover, ReportContent, TrendPoint
from kpidesk.reports._definition import (
    AUDIENCE_KINDS,
    FORMATS,
    REPORT_KEYS,
    REPORTS_FILE,
    ReportAudience,
    ReportDefinition,
    ReportsFileError,
    parse_reports,
    read_reports,
)
from kpidesk.reports._period import PERIOD_KINDS, ReportPeriod, report_period
from kpidesk.reports._render import RENDER_FORMATS, Attachment, RenderedReport, render
from kpidesk.reports._staffing_page import render_staffing_html
from kpidesk.reports._summary import RTL_LOCALES, render_summary_html

__all__ = [
    "AUDIENCE_KINDS",
    "FORMATS",
    "PERIOD_KINDS",
    "RENDER_FORMATS",
    "REPORTS_FILE",
    "REPORT_KEYS",
    "RTL_LOCALES",
    "Attachment",
    "Driver",
    "Mover",
    "RenderedReport",
    "ReportAudience",
    "ReportContent",
    "ReportDefinition",
    "ReportPeriod",
    "ReportsFileError",
    "TrendPoint",
    "parse_reports",
    "read_reports",
    "render",
    "render_staffing_html",
    "render_summary_html",
    "report_period",
]
