"""Every table of the app as a file: CSV and XLSX (see `kpidesk.views.table_csv` and `table_xlsx`), one
row per item, each value as the page shows it."""

from __future__ import annotations

from kpidesk.views import table_csv, table_xlsx

__all__ = ["DOWNLOAD_TYPES", "table_csv", "table_xlsx"]

#: The media type of each download format.
DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
