"""Helpers for formats that read the JSON a helpdesk's REST API returns (Chatwoot, Zammad).

Such exports are small nested documents, one API response per file, so they are parsed in Python;
what they yield is handed over as text rows, one Arrow table per file and kind, and validated by
the importer like any other rows. Positions are records: the place of an object in the list the
response holds, from 1.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from kpidesk.ingest._errors import ImportFailed
from kpidesk.ingest.exports._format import LINE, ExportContext

__all__ = ["RowSink", "canonical_value", "describe_json", "load_json", "text"]


def load_json(path: Path, encoding: str | None = None) -> Any:
    """The parsed document; a file that is not JSON fails the import, naming the file and the line."""
    raw = path.read_bytes()
    try:
        content = raw.decode(encoding or "utf-8-sig")
    except (UnicodeDecodeError, LookupError) as exc:
        where = f" at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else ""
        raise ImportFailed(
            f"{path} could not be decoded as {encoding or 'UTF-8'}{where}; an API export is UTF-8 JSON"
        ) from None
    if not content.strip():
        raise ImportFailed(f"{path} is empty; expected the JSON an API call returns")
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"{path} line {exc.lineno}: not valid JSON ({exc.msg}); expected the JSON an API call returns"
        ) from None


def describe_json(data: Any) -> str:
    """A few words on what a document holds, for the message that says it is not what was expected."""
    if isinstance(data, dict):
        keys = ", ".join(list(data)[:8]) or "no keys"
        return f"an object with keys {keys}"
    if isinstance(data, list):
        objects = [r for r in data if isinstance(r, dict)]
        if not objects:
            return f"a list of {len(data)} value(s) that are not objects"
        keys = ", ".join(list(objects[0])[:8]) or "no keys"
        return f"a list of {len(data)} object(s), the first with keys {keys}"
    return f"a single JSON {type(data).__name__}"


def text(value: Any) -> str | None:
    """A JSON value as the text the importer parses: booleans as true/false, lists as JSON."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def canonical_value(
    value: str | None, defaults: Mapping[str, str | None], user: Mapping[str, str | None]
) -> str | None:
    """A vendor value through the user's `values:` (which win) and the format's own table.

    A value neither knows is passed on unchanged, so that validation rejects it naming the record.
    """
    if value is None:
        return None
    key = value.strip()
    if key in user:
        return user[key]
    folded = key.casefold()
    for table in (user, defaults):
        for name, canonical in table.items():
            if name.casefold() == folded:
                return canonical
    return value


class RowSink:
    """Canonical rows gathered per kind and file, in record order, then emitted as text tables."""

    def __init__(self, columns: Mapping[str, Sequence[str]]) -> None:
        self.columns = {kind: tuple(names) for kind, names in columns.items()}
        self.rows: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self.sizes: dict[str, int] = {}

    def add(self, kind: str, display: str, record: int, values: Mapping[str, Any]) -> None:
        unknown = set(values) - set(self.columns[kind])
        if unknown:
            raise ValueError(f"{kind} has no column(s) {', '.join(sorted(unknown))}")
        self.rows[(kind, display)].append({**{k: text(v) for k, v in values.items()}, LINE: record})

    def emit(self, ctx: ExportContext, parse: Mapping[str, dict[str, Any]]) -> None:
        """Hand every gathered table to the import, kinds in the format's write order."""
        for kind in ctx.export.kinds:
            for (row_kind, display), rows in self.rows.items():
                if row_kind != kind:
                    continue
                rows.sort(key=lambda r: int(r[LINE]))
                names = self.columns[kind]
                table = pa.table(
                    {
                        **{name: pa.array([r.get(name) for r in rows], pa.string()) for name in names},
                        LINE: pa.array([int(r[LINE]) for r in rows], pa.int64()),
                    }
                )
                ctx.emit(
                    kind, display, table, parse=parse.get(kind, {}), unit="record",
                    size=self.sizes.get(display, 0),
                )
