"""Reports: what `reports.yaml` asks for, what each report says, and the pages and files that present it."""

from kpidesk.reports._content import ReportContent, TrendPoint, build_content
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
from kpidesk.reports._movers import (
    DRIVERS_PER_DIMENSION,
    Driver,
    MemberValue,
    Mover,
    decomposition_of,
    split_change,
)
from kpidesk.reports._period import PERIOD_KINDS, ReportPeriod, report_period
from kpidesk.reports._render import RENDER_FORMATS, Attachment, RenderedReport, file_stem, render
from kpidesk.reports._run import (
    Rendering,
    period_of,
    render_report,
    report_definitions,
    run_day,
    run_report,
    write_rendering,
)
from kpidesk.reports._staffing_page import render_staffing_html

__all__ = [
    "AUDIENCE_KINDS",
    "DRIVERS_PER_DIMENSION",
    "FORMATS",
    "PERIOD_KINDS",
    "RENDER_FORMATS",
    "REPORTS_FILE",
    "REPORT_KEYS",
    "Attachment",
    "Driver",
    "MemberValue",
    "Mover",
    "RenderedReport",
    "Rendering",
    "ReportAudience",
    "ReportContent",
    "ReportDefinition",
    "ReportPeriod",
    "ReportsFileError",
    "TrendPoint",
    "build_content",
    "decomposition_of",
    "file_stem",
    "parse_reports",
    "period_of",
    "read_reports",
    "render",
    "render_report",
    "render_staffing_html",
    "report_definitions",
    "report_period",
    "run_day",
    "run_report",
    "split_change",
    "write_rendering",
]
