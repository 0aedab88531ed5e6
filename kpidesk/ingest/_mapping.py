"""Mappings: how one source's columns and values become the canonical ones.

A mapping is a YAML file, a dict with the same keys, or a built-in format. Every key is optional:

``kind``
    The ``--kind`` the mapping is written for; using it for another kind is an error.
``source``
    The source name stored on every row (``--source`` wins over it).
``encoding``
    Text encoding of CSV/JSON files, e.g. ``windows-1255`` (Hebrew Excel) or ``windows-1256`` (Arabic
    Excel). Default UTF-8, with or without BOM.
``delimiter``
    CSV field separator, one character. Default: sniffed (a tab for ``.tsv``).
``timezone``
    IANA zone of timestamps written without an offset, e.g. ``Asia/Jerusalem``. Default: the built-in
    format's documented zone, else the workspace's (``--timezone`` wins over both).
``sheet``
    XLSX sheet to read. Default: the first sheet.
``records``
    For a JSON file holding one object: the field with the list of records. Default: the only field
    that holds a list of objects.
``columns``
    ``{canonical_column: "Source Column"}``. Source columns already named like a canonical column need
    no entry.
``values``
    ``{canonical_column: {"Source value": canonical_value}}``, applied to the text before it is parsed;
    ``~`` maps a value to empty.
``formats``
    ``{timestamp_column: "%d/%m/%Y %H:%M"}``: strptime format (or a list of them tried in order), or
    ``epoch`` / ``epoch_ms`` for Unix time in seconds / milliseconds.
``timestamp_format``
    The same, for every timestamp column without its own ``formats`` entry. Without either, timestamps
    are ISO 8601 (``2026-03-01 14:05:00``, ``2026-03-01T14:05:00+02:00``).
``combine``
    ``{timestamp_column: {date: "Date col", time: "Time col", date_format: "%y%m%d", time_format:
    "%H:%M:%S"}}`` for sources that split an instant over two columns (formats default to ISO). Empty
    when either part is empty.
``constants``
    ``{column: value}``: the same value on every row, e.g. ``channel: phone`` for a call log.
``null_values``
    Source values that mean "no value", compared after trimming spaces. Default ``["", "NULL",
    "null"]``; the empty string always counts.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from kpidesk.ingest._errors import MappingError
from kpidesk.warehouse import table_schema

__all__ = [
    "DEFAULT_NULL_VALUES",
    "EPOCH_FORMATS",
    "MAPPING_KEYS",
    "Combine",
    "Mapping",
    "load_mapping",
    "merge_mapping_dicts",
    "parse_mapping",
    "read_mapping_file",
]

MAPPING_KEYS = (
    "kind",
    "source",
    "encoding",
    "delimiter",
    "timezone",
    "sheet",
    "records",
    "columns",
    "values",
    "formats",
    "timestamp_format",
    "combine",
    "constants",
    "null_values",
)
DEFAULT_NULL_VALUES = ("", "NULL", "null")
#: Formats that are not strptime patterns: Unix time in seconds or milliseconds.
EPOCH_FORMATS = ("epoch", "epoch_ms")
_COMBINE_KEYS = ("date", "time", "date_format", "time_format")


class _Loader(yaml.SafeLoader):
    """YAML that keeps export values as written.

    YAML 1.1 reads ``yes``/``no``/``on``/``off`` as booleans, ``1:30`` as the number 90, ``NULL`` as
    empty and ``2026-03-01`` as a date; in a mapping those are source values, so only ``true``/``false``,
    plain decimal numbers and ``~``/``null`` keep a special meaning.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:merge"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|)$"), ["~", "n", ""])
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$"), list("-+0123456789.")
)


@dataclass(frozen=True)
class Combine:
    """An instant split over a date column and a time column."""

    date: str
    time: str
    date_format: str = "%Y-%m-%d"
    time_format: str = "%H:%M:%S"

    @property
    def format(self) -> str:
        return f"{self.date_format} {self.time_format}"


@dataclass(frozen=True)
class Mapping:
    """A parsed, checked mapping; see the module docstring for what each key means."""

    kind: str | None = None
    source: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    #: None when the mapping names no zone: the importer then uses the format's or the workspace's.
    timezone: str | None = None
    sheet: str | None = None
    records: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    timestamp_format: tuple[str, ...] | None = None
    combine: dict[str, Combine] = field(default_factory=dict)
    constants: dict[str, str | None] = field(default_factory=dict)
    null_values: tuple[str, ...] = DEFAULT_NULL_VALUES
    #: Where the mapping came from, for messages ("mapping.yaml", "format zendesk").
    origin: str = "mapping"
    #: The dict it was parsed from, so a user mapping can be layered over a built-in format.
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def formats_for(self, column: str) -> tuple[str, ...] | None:
        """The strptime formats of a timestamp column, or None for ISO 8601."""
        return self.formats.get(column) or self.timestamp_format

    @property
    def zone(self) -> str:
        """The zone naive timestamps are read in. The importer fills in the format's or the workspace's
        when the mapping names none; a mapping read on its own falls back to UTC."""
        return self.timezone or "UTC"

    def check_kind(self, kind: str) -> None:
        """Fail if the mapping names a column the kind's table does not have, or is for another kind."""
        if self.kind is not None and self.kind != kind:
            raise self._error(
                "kind", f"this mapping is for kind {self.kind!r}, but the import is of kind {kind!r}"
            )
        schema = table_schema(kind)
        names = schema.column_names
        types = {c.name: c.type for c in schema.columns}
        for section in ("columns", "values", "formats", "combine", "constants"):
            for column in getattr(self, section):
                if column not in names:
                    raise self._error(
                        f"{section}.{column}",
                        f"{column!r} is not a column of {schema.name}; expected one of {', '.join(names)}",
                    )
                if section in ("formats", "combine") and types[column] != "TIMESTAMP":
                    raise self._error(
                        f"{section}.{column}", f"{column} is not a timestamp column of {schema.name}"
                    )

    def _error(self, key: str, message: str) -> MappingError:
        return MappingError(f"{self.origin}: {key}: {message}")


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping YAML file; a mistake is a MappingError naming the key."""
    return parse_mapping(read_mapping_file(path), origin=str(path))


def read_mapping_file(path: str | Path) -> dict[str, Any]:
    """A mapping YAML file as a dict, read with the YAML rules below but not yet checked."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MappingError(f"mapping file {path} does not exist") from None
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path}: not UTF-8 text (byte {exc.start}); save the mapping as UTF-8") from None
    try:
        data = yaml.load(text, Loader=_Loader) or {}
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise MappingError(f"{path}: expected a mapping of keys, got {type(data).__name__}")
    return data


def merge_mapping_dicts(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A user mapping layered over a built-in format: sections merge by column, other keys replace."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def parse_mapping(data: Any, origin: str = "mapping") -> Mapping:
    """Check a mapping dict (as read from YAML) and turn it into a Mapping."""

    def fail(key: str, message: str) -> MappingError:
        return MappingError(f"{origin}: {key}: {message}")

    if not isinstance(data, dict):
        raise MappingError(
            f"{origin}: expected a mapping of keys ({', '.join(MAPPING_KEYS)}), got {type(data).__name__}"
        )
    unknown = [str(k) for k in data if k not in MAPPING_KEYS]
    if unknown:
        raise fail(unknown[0], f"unknown key; expected one of {', '.join(MAPPING_KEYS)}")

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool | dict | list):
            raise fail(key, f"expected text, got {value!r}")
        return str(value)

    def section(key: str) -> dict[str, Any]:
        value = data.get(key) or {}
        if not isinstance(value, dict):
            raise fail(key, f"expected a mapping of column: ..., got {value!r}")
        for column in value:
            if not isinstance(column, str):
                raise fail(key, f"column names must be text, got {column!r}")
        return value

    kind = text("kind")
    if kind is not None:
        try:
            table_schema(kind)
        except ValueError as exc:
            raise fail("kind", str(exc)) from None
    encoding = text("encoding")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise fail(
                "encoding", f"unknown encoding {encoding!r}; expected e.g. utf-8, windows-1255, windows-1256"
            ) from None
    delimiter = text("delimiter")
    if delimiter is not None and len(delimiter) != 1:
        raise fail("delimiter", f'expected one character such as ",", ";" or "\\t", got {delimiter!r}')
    timezone = text("timezone")
    try:
        if timezone is not None:
            ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(
            "timezone", f"unknown time zone {timezone!r}; expected an IANA name such as Asia/Jerusalem"
        ) from None

    columns = {}
    for column, source_column in section("columns").items():
        if source_column is None or isinstance(source_column, bool | dict | list):
            raise fail(f"columns.{column}", f"expected the name of a source column, got {source_column!r}")
        columns[column] = str(source_column)

    values: dict[str, dict[str, str | None]] = {}
    for column, table in section("values").items():
        if not isinstance(table, dict):
            raise fail(
                f"values.{column}", f"expected a mapping of source value: canonical value, got {table!r}"
            )
        if None in table:
            raise fail(f"values.{column}", "a source value is empty (~); empty values are set by null_values")
        values[column] = {_as_text(k): None if v is None else _as_text(v) for k, v in table.items()}

    formats = {c: _formats(spec, f"formats.{c}", fail) for c, spec in section("formats").items()}
    timestamp_format = (
        _formats(data["timestamp_format"], "timestamp_format", fail)
        if data.get("timestamp_format") is not None
        else None
    )

    combine = {}
    for column, spec in section("combine").items():
        key = f"combine.{column}"
        if not isinstance(spec, dict):
            raise fail(key, 'expected {date: "Date column", time: "Time column"}')
        extra = [k for k in spec if k not in _COMBINE_KEYS]
        if extra:
            raise fail(f"{key}.{extra[0]}", f"unknown key; expected one of {', '.join(_COMBINE_KEYS)}")
        for part in ("date", "time"):
            if not spec.get(part) or isinstance(spec[part], bool | dict | list):
                raise fail(f"{key}.{part}", f"expected the name of the source column holding the {part}")
        combine[column] = Combine(
            date=str(spec["date"]),
            time=str(spec["time"]),
            date_format=str(spec.get("date_format") or "%Y-%m-%d"),
            time_format=str(spec.get("time_format") or "%H:%M:%S"),
        )
        _formats(combine[column].format, key, fail)

    constants = {}
    for column, value in section("constants").items():
        if isinstance(value, dict | list):
            raise fail(f"constants.{column}", f"expected one value, got {value!r}")
        constants[column] = None if value is None else _as_text(value)

    seen: dict[str, str] = {}
    for name, sec in (("columns", columns), ("combine", combine), ("constants", constants)):
        for column in sec:
            if column in seen:
                raise fail(
                    f"{name}.{column}",
                    f"{column} is already given under {seen[column]}.{column}; give each column one way",
                )
            seen[column] = name

    raw_nulls = data.get("null_values")
    if raw_nulls is None:
        null_values: tuple[str, ...] = DEFAULT_NULL_VALUES
    else:
        if not isinstance(raw_nulls, list) or any(isinstance(v, dict | list) for v in raw_nulls):
            raise fail(
                "null_values", f'expected a list of values such as ["", "?", "NULL"], got {raw_nulls!r}'
            )
        given = ("" if v is None else _as_text(v) for v in raw_nulls)
        null_values = tuple(dict.fromkeys(["", *given]))

    mapping = Mapping(
        kind=kind,
        source=text("source"),
        encoding=encoding,
        delimiter=delimiter,
        timezone=timezone,
        sheet=text("sheet"),
        records=text("records"),
        columns=columns,
        values=values,
        formats=formats,
        timestamp_format=timestamp_format,
        combine=combine,
        constants=constants,
        null_values=null_values,
        origin=origin,
        raw=dict(data),
    )
    if kind is not None:
        mapping.check_kind(kind)
    return mapping


def _as_text(value: Any) -> str:
    """A YAML scalar as the text it stands for in a file (`true`, `3`, `2.5`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _formats(spec: Any, key: str, fail: Callable[[str, str], MappingError]) -> tuple[str, ...]:
    formats = spec if isinstance(spec, list) else [spec]
    if not formats or any(not isinstance(f, str) or not f for f in formats):
        raise fail(
            key,
            f'expected a strptime format such as "%d/%m/%Y %H:%M" (or a list of them), '
            f"or epoch / epoch_ms, got {spec!r}",
        )
    epoch = [f for f in formats if f in EPOCH_FORMATS]
    if epoch and len(formats) > 1:
        raise fail(key, f"{epoch[0]} cannot be combined with other formats")
    if not epoch:
        if any("%" not in f for f in formats):
            raise fail(key, f"{spec!r} is not a strptime format (they use %Y, %m, %d, %H, %M, %S ...)")
        zoned = {("%z" in f or "%Z" in f) for f in formats}
        if len(zoned) > 1:
            raise fail(key, "either every format has an offset (%z) or none has")
    return tuple(formats)
