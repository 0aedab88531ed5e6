"""Reports: pages and files that present KPI results to people."""

from kpidesk.reports._staffing_page import render_staffing_html
from kpidesk.reports._summary import RTL_LOCALES, render_summary_html

__all__ = ["RTL_LOCALES", "render_staffing_html", "render_summary_html"]
