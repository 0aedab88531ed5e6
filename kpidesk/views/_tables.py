"""Tables as files: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Hebrew and Arabic) and
XLSX sheets (right to left for Hebrew and Arabic, a bold header, columns as wide as their texts), for the
web app's downloads and the reports' attachments alike."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["fill_sheet", "table_csv", "table_xlsx"]


def table_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def fill_sheet(
    sheet: Worksheet,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    right_to_left: bool,
    number_formats: Sequence[Sequence[str | None]] | None = None,
) -> None:
    """Write `header` and `rows` into `sheet`; `number_formats[i][j]`, where given, is the Excel number
    format of row i's cell j (numbers stay numbers, shown as percentages, with separators…)."""
    sheet.title = title[:31]
    sheet.sheet_view.rightToLeft = right_to_left
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, row in enumerate(rows):
        sheet.append(list(row))
        formats = number_formats[i] if number_formats is not None else ()
        for cell, number_format in zip(sheet[sheet.max_row], formats, strict=False):
            if number_format:
                cell.number_format = number_format
    for column in sheet.columns:
        width = max(len(str(c.value if c.value is not None else "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))


def table_xlsx(
    title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], *, right_to_left: bool
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    fill_sheet(sheet, title, header, rows, right_to_left=right_to_left)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
