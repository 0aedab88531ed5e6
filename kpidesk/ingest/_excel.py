"""XLSX workbooks, streamed row by row with openpyxl into a temporary Parquet file DuckDB then reads.

Cells become text the way a CSV export would write them, so the same validation applies; each row
keeps its Excel row number for messages.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.utils.exceptions import InvalidFileException

from kpidesk.ingest._errors import ImportFailed
from kpidesk.ingest._progress import ImportProgress

__all__ = ["LINE_COLUMN", "ExcelSheet", "xlsx_to_parquet"]

#: Column of the staged sheet holding each row's Excel row number.
LINE_COLUMN = "__kpidesk_row"
_BATCH_ROWS = 10_000


@dataclass(frozen=True)
class ExcelSheet:
    columns: list[str]
    header_row: int
    rows: int


def xlsx_to_parquet(
    path: Path, dest: Path, sheet: str | None, display: str, progress: ImportProgress
) -> ExcelSheet:
    """Convert one sheet: the first non-empty row is the header, entirely empty rows are skipped."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ImportFailed(f"{display} is not an XLSX workbook ({exc}); save it as .xlsx or as CSV") from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise ImportFailed(
                f"{display} has no sheet {sheet!r} (mapping `sheet:`); its sheets: "
                f"{', '.join(workbook.sheetnames)}"
            )
        total = getattr(worksheet, "max_row", None)
        size = path.stat().st_size
        with progress.task(f"converting {path.name}", total, progress.wants(size)) as advance:
            return _convert(enumerate(worksheet.iter_rows(values_only=True), start=1), dest, display, advance)
    finally:
        workbook.close()


class _SheetWriter:
    """Rows of text in batches to a Parquet file, each with its Excel row number."""

    def __init__(self, dest: Path, header: list[str]) -> None:
        self.width = len(header)
        fields = [pa.field(name, pa.string()) for name in header]
        self.schema = pa.schema([*fields, pa.field(LINE_COLUMN, pa.int64())])
        self.writer = pq.ParquetWriter(dest, self.schema)
        self.rows: list[list[str | None]] = []
        self.numbers: list[int] = []
        self.count = 0

    def add(self, number: int, cells: list[str | None]) -> None:
        self.rows.append((cells + [None] * self.width)[: self.width])
        self.numbers.append(number)
        self.count += 1
        if len(self.rows) >= _BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        columns = [pa.array([row[i] for row in self.rows], type=pa.string()) for i in range(self.width)]
        columns.append(pa.array(self.numbers, type=pa.int64()))
        self.writer.write_table(pa.Table.from_arrays(columns, schema=self.schema))
        self.rows.clear()
        self.numbers.clear()

    def close(self) -> None:
        if self.rows or self.count == 0:
            self.flush()
        self.writer.close()


def _convert(
    rows: Iterable[tuple[int, tuple[Any, ...]]], dest: Path, display: str, advance: Callable[[int], None]
) -> ExcelSheet:
    header: list[str] | None = None
    header_row = 0
    out: _SheetWriter | None = None
    try:
        for number, values in rows:
            advance(1)
            cells = [_text(v) for v in values]
            if all(c is None for c in cells):
                continue
            if out is None:
                header = _header(cells)
                header_row = number
                out = _SheetWriter(dest, header)
            else:
                out.add(number, cells)
    finally:
        if out is not None:
            out.close()
    if out is None or header is None:
        raise ImportFailed(
            f"{display} is empty: its sheet has no cells; expected a header row and at least one row of data"
        )
    return ExcelSheet(columns=header, header_row=header_row, rows=out.count)


def _header(cells: list[str | None]) -> list[str]:
    """Header names as DuckDB would make them: blanks become columnN, repeats get a suffix."""
    while cells and cells[-1] is None:
        cells = cells[:-1]
    names: list[str] = []
    for i, cell in enumerate(cells):
        name = cell.strip() if cell is not None and cell.strip() else f"column{i}"
        base, n = name, 1
        while name in names:
            name = f"{base}_{n}"
            n += 1
        names.append(name)
    return names


def _text(value: Any) -> str | None:
    """A cell as a CSV export would write it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        # A date cell is a datetime at midnight; as a bare date it can also be one half of a `combine`.
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return repr(value.total_seconds())
    text = str(value)
    return text if text.strip() else None
