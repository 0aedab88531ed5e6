"""Reports: pages and files that present KPI results to people."""

from kpidesk.reports._summary import RTL_LOCALES, render_summary_html

__all__ = ["RTL_LOCALES", "render_summary_html"]
