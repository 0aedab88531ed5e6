"""Helpers for formats that read the JSON of a helpdesk's REST API (Zendesk, Freshdesk, Chatwoot, Zammad).

Such exports are small nested documents, one API response per file, so they are parsed in Python;
what they yield is handed over as text rows, one Arrow table per file and kind, and validated by
the importer like any other rows. Positions are records: the place of an object in the list the
response holds, from 1.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from kpidesk.ingest._errors import ImportFailed, MappingError
from kpidesk.ingest.exports._format import LINE, ExportContext, FormatOptions
from kpidesk.warehouse import table_schema

__all__ = [
    "Record",
    "Response",
    "RowSink",
    "api_responses",
    "canonical_columns",
    "canonical_value",
    "describe_json",
    "json_object",
    "load_json",
    "read_json",
    "refuse_columns",
    "text",
    "user_ids",
]

#: Why a JSON format refuses `columns:` in a mapping.
_NO_ROLES = "reads the API's JSON by its field names and has no column roles"


@dataclass(frozen=True)
class Record:
    """One object of a file's list, with its position in the list (from 1) for messages and rejections."""

    display: str
    position: int
    data: dict[str, Any]


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


def read_json(path: Path, encoding: str | None = None) -> Any:
    """The parsed document, read as text; undecodable text or invalid JSON fails the import saying where."""
    display = str(path)
    try:
        return json.loads(path.read_text(encoding=encoding or "utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{display} is not valid UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"{display} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
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


def json_object(value: Any) -> dict[str, Any]:
    """A nested JSON object, or an empty one when the field is missing, null or not an object."""
    return value if isinstance(value, dict) else {}


def user_ids(options: FormatOptions, setting: str) -> set[str]:
    """The API user ids a setting lists (a list, or one comma-separated string)."""
    value = options.settings.get(setting)
    if value is None:
        return set()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise MappingError(f"{options.origin}: settings.{setting}: expected a list of user ids")
    return {str(v).strip() for v in items if str(v).strip()}


def refuse_columns(ctx: ExportContext, why: str = _NO_ROLES) -> None:
    """Fail when the mapping has `columns:`: a JSON format reads fields by name and has no roles to map."""
    if ctx.options.columns:
        raise MappingError(f"{ctx.options.origin}: columns: the {ctx.export.name} format {why}")


def canonical_columns(kind: str, *, without: Sequence[str] = ()) -> tuple[str, ...]:
    """The columns of the canonical table of `kind`, in its order, less those a format never fills."""
    names = table_schema(kind).column_names
    unknown = set(without) - set(names)
    if unknown:
        raise ValueError(f"{kind} has no column(s) {', '.join(sorted(unknown))}")
    return tuple(n for n in names if n not in without)


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


@dataclass(frozen=True)
class Response:
    """One file of an export: the API response it holds, what kind of list that is, and its records."""

    display: str
    data: Any
    what: str
    records: list[Any]


def api_responses(
    ctx: ExportContext,
    files: Sequence[Path],
    sink: RowSink,
    classify: Callable[[Any], tuple[str, list[Any]] | None],
    expected: str,
) -> Iterator[Response]:
    """Each file's response, recognised by `classify`; an empty list (a last page) is only a warning.

    A file `classify` does not recognise fails the import: "`display`: not `expected`; found …".
    """
    for path in files:
        display = str(path)
        sink.sizes[display] = path.stat().st_size
        data = load_json(path, ctx.options.encoding)
        if data == []:
            ctx.warn(f"{display} holds an empty list (a last page, say); nothing was imported from it")
            continue
        found = classify(data)
        if found is None:
            raise ImportFailed(f"{display}: not {expected}; found {describe_json(data)}")
        yield Response(display, data, *found)


class RowSink:
    """Canonical rows gathered per kind and file, then emitted as text tables.

    A file's rows are emitted in record order, or with `in_record_order=False` in the order they were
    added (the first of two rows with the same key is the one imported).
    """

    def __init__(self, columns: Mapping[str, Sequence[str]], *, in_record_order: bool = True) -> None:
        self.columns = {kind: tuple(names) for kind, names in columns.items()}
        self.in_record_order = in_record_order
        self.rows: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self.sizes: dict[str, int] = {}

    def add(self, kind: str, display: str, record: int, values: Mapping[str, Any]) -> None:
        unknown = set(values) - set(self.columns[kind])
        if unknown:
            raise ValueError(f"{kind} has no column(s) {', '.join(sorted(unknown))}")
        self.rows[(kind, display)].append({**{k: text(v) for k, v in values.items()}, LINE: record})

    def emit(self, ctx: ExportContext, parse: Mapping[str, dict[str, Any]] | None = None) -> None:
        """Hand every gathered table to the import, kinds in the format's write order."""
        for kind in ctx.export.kinds:
            for (row_kind, display), rows in self.rows.items():
                if row_kind != kind:
                    continue
                if self.in_record_order:
                    rows.sort(key=lambda r: int(r[LINE]))
                names = self.columns[kind]
                table = pa.table(
                    {
                        **{name: pa.array([r.get(name) for r in rows], pa.string()) for name in names},
                        LINE: pa.array([int(r[LINE]) for r in rows], pa.int64()),
                    }
                )
                ctx.emit(
                    kind,
                    display,
                    table,
                    parse=(parse or {}).get(kind, {}),
                    unit="record",
                    size=self.sizes.get(display, 0),
                )
