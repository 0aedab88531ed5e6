"""The rows of a small CSV file a user hands a roster, each with its line number, so that a mistake in
it can be named by file, line and column."""

from __future__ import annotations

import csv
from pathlib import Path

from kpidesk import InvalidRequest

__all__ = ["read_csv_rows"]


def read_csv_rows(path: Path, expected: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and (line, {column: value}) of every non-blank row, values stripped; `expected` says
    what the header should hold when the file is empty."""
    if not path.exists():
        raise InvalidRequest(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        if not header:
            raise InvalidRequest(f"{path}: the file is empty; expected a header with {expected}")
        rows = []
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InvalidRequest(
                    f"{path}, line {line}: {len(row)} fields where the header has {len(header)}"
                )
            rows.append((line, {k: v.strip() for k, v in zip(header, row, strict=True)}))
    return header, rows
