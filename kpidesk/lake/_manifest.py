"""The manifest: the lake's only entry point. It names every file of every canonical table with the
partition it holds, its rows and fingerprint, the first and last instant of each dated table and source,
and the facts derived from the lake; readers never list folders."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from kpidesk.lake._errors import LakeError
from kpidesk.lake._files import MANIFEST_FILE, LakeFiles, lake_files

__all__ = [
    "LakeFacts",
    "LakeManifest",
    "LakePartition",
    "LakeSpan",
    "LakeTable",
    "load_manifest",
    "read_manifest",
    "save_manifest",
]

_FORMAT = "kpidesk-lake/1"


@dataclass(frozen=True)
class LakePartition:
    """One (source, month) of a table and the file holding it; `month` is None for a table partitioned by
    source only, `none` for the rows without a dating instant."""

    source: str | None
    month: str | None
    file: str
    rows: int
    fingerprint: str


@dataclass(frozen=True)
class LakeTable:
    """A canonical table in the lake; one without rows keeps a file without rows (`empty_file`), so that
    its columns are known."""

    name: str
    partitions: tuple[LakePartition, ...]
    empty_file: str | None = None

    @property
    def files(self) -> list[str]:
        """The table's files, relative to the lake's root."""
        return [p.file for p in self.partitions] or ([self.empty_file] if self.empty_file else [])

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.partitions)


class LakeSpan(NamedTuple):
    """(table, source, first UTC instant, last UTC instant) of a dated table's rows."""

    table: str
    source: str
    first: datetime
    last: datetime


@dataclass(frozen=True)
class LakeFacts:
    """Facts derived from the lake: `key` says what for (lake generation and settings), `tables` maps
    each fact table to its folder relative to the lake's root."""

    key: str
    tables: Mapping[str, str]
    derived_at: datetime


@dataclass(frozen=True)
class LakeManifest:
    location: str
    generation: int
    exported_at: datetime
    tables: Mapping[str, LakeTable] = field(default_factory=dict)
    dated: tuple[LakeSpan, ...] = ()
    facts: LakeFacts | None = None

    def table(self, name: str) -> LakeTable:
        try:
            return self.tables[name]
        except KeyError:
            raise LakeError(
                f"the lake at {self.location} has no table {name}; run `kpidesk lake export` again"
            ) from None

    def files(self, table: str) -> list[str]:
        """The absolute paths (or URIs) of a canonical table's files."""
        files = lake_files(self.location)
        return [files.absolute(f) for f in self.table(table).files]

    def partitions(self, table: str) -> tuple[LakePartition, ...]:
        return self.table(table).partitions

    def spans(self) -> list[LakeSpan]:
        """Per dated table (tickets, calls, surveys) and source: the first and last UTC instant."""
        return list(self.dated)

    def last_day(self, timezone: str) -> date | None:
        """The last local day in `timezone` any dated table holds activity on; None for a lake without."""
        zone = ZoneInfo(timezone)
        days = [span.last.replace(tzinfo=UTC).astimezone(zone).date() for span in self.dated]
        return max(days, default=None)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": _FORMAT,
                "generation": self.generation,
                "exported_at": self.exported_at.isoformat(),
                # `files` repeats what the partitions name, for a reader by hand (docs/lake.md).
                "tables": {
                    t.name: {
                        "files": t.files,
                        "partitions": [vars(p) for p in t.partitions],
                        "empty_file": t.empty_file,
                    }
                    for t in self.tables.values()
                },
                "spans": [
                    {"table": s.table, "source": s.source, "first": _naive(s.first), "last": _naive(s.last)}
                    for s in self.dated
                ],
                "facts": None
                if self.facts is None
                else {
                    "key": self.facts.key,
                    "tables": dict(self.facts.tables),
                    "derived_at": self.facts.derived_at.isoformat(),
                },
            },
            indent=1,
            ensure_ascii=False,
        )


def _naive(instant: datetime) -> str:
    return instant.replace(tzinfo=None).isoformat()


def _parse(location: str, text: str) -> LakeManifest:
    data: Any = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise ValueError(f"not a {_FORMAT} manifest")
    tables = {
        name: LakeTable(
            name,
            tuple(LakePartition(**p) for p in entry["partitions"]),
            entry.get("empty_file"),
        )
        for name, entry in data["tables"].items()
    }
    spans = tuple(
        LakeSpan(
            s["table"], s["source"], datetime.fromisoformat(s["first"]), datetime.fromisoformat(s["last"])
        )
        for s in data["spans"]
    )
    facts = data.get("facts")
    return LakeManifest(
        location=location,
        generation=int(data["generation"]),
        exported_at=datetime.fromisoformat(data["exported_at"]),
        tables=tables,
        dated=spans,
        facts=None
        if facts is None
        else LakeFacts(facts["key"], dict(facts["tables"]), datetime.fromisoformat(facts["derived_at"])),
    )


def load_manifest(files: LakeFiles) -> LakeManifest | None:
    """The manifest of the lake behind `files`, None when there is none yet."""
    text = files.read_text(MANIFEST_FILE)
    if text is None:
        return None
    try:
        return _parse(files.location, text)
    except (ValueError, KeyError, TypeError) as exc:
        raise LakeError(
            f"the lake's manifest {files.absolute(MANIFEST_FILE)} cannot be read ({exc}); "
            "run `kpidesk lake export` again to write a new one"
        ) from None


def read_manifest(location: str) -> LakeManifest:
    """The manifest of the lake at `location`; LakeError when there is none or it cannot be read."""
    files = lake_files(location)
    manifest = load_manifest(files)
    if manifest is None:
        raise LakeError(
            f"there is no lake at {location} yet (no {MANIFEST_FILE}); run `kpidesk lake export` to write it"
        )
    return manifest


def save_manifest(files: LakeFiles, manifest: LakeManifest) -> None:
    """Replace the manifest in one step: a reader sees the old one or the new one."""
    files.replace_text(MANIFEST_FILE, manifest.to_json())
