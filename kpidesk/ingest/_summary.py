"""What an import did, as numbers for code and as plain lines for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from kpidesk.ingest._zones import NaiveZone

__all__ = ["SAMPLE_SIZE", "ImportSummary", "Rejection"]

#: How many problems the summary quotes; all of them are in the rejected_rows table.
SAMPLE_SIZE = 10


class Rejection(NamedTuple):
    """One problem with one row, as stored in rejected_rows."""

    file: str
    line: int
    column: str
    reason: str


@dataclass
class ImportSummary:
    import_id: int
    kind: str
    source: str
    files: list[str]
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    #: Rows a built-in format changed before importing them (each also listed in rejected_rows).
    repaired: int = 0
    #: The first problems (file, line, column, reason), in file order.
    rejections_sample: list[Rejection] = field(default_factory=list)
    #: File columns no canonical column reads, each listed once.
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: The zone timestamps without an offset were read in, and who chose it.
    timezone: NaiveZone | None = None
    #: What a position is called in each file: "line", "row" (spreadsheets) or "record".
    units: dict[str, str] = field(default_factory=dict, repr=False)

    def lines(self) -> list[str]:
        files = ", ".join(self.files)
        out = [
            f"imported {self.kind} from {files} (source {self.source!r}, import {self.import_id})",
            f"read {self.read:,} · inserted {self.inserted:,} · updated {self.updated:,} · "
            f"unchanged {self.unchanged:,} · rejected {self.rejected:,}"
            + (f" · repaired {self.repaired:,} (imported, listed in rejected_rows)" if self.repaired else ""),
        ]
        if self.timezone is not None:
            out.append(
                f"timestamps without an offset read in {self.timezone.zone} ({self.timezone.chosen_by})"
            )
        if self.ignored_columns:
            out.append(f"ignored columns: {', '.join(self.ignored_columns)}")
        out += [f"warning: {w}" for w in self.warnings]
        if self.rejections_sample:
            out.append(f"first problems (all are in table rejected_rows, import_id = {self.import_id}):")
            for r in self.rejections_sample:
                where = f"{r.file} {self.units.get(r.file, 'line')} {r.line}"
                out.append(f"  {where}, column {r.column!r}: {r.reason}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())
