"""Text to canonical types, as SQL over a whole column at once, with the plain reason when a value fails.

Every conversion is a `try_` form that gives NULL instead of raising, so a bad value becomes a rejected
row rather than a failed statement. Instants become UTC `TIMESTAMP`s: values with an offset are converted
by it, values without one are read in the source time zone with DuckDB's built-in ICU functions, never
row by row in Python.
"""

from __future__ import annotations

import datetime as dt

from kpidesk.ingest._binding import Binding
from kpidesk.ingest._sql import literal

__all__ = ["BOOLEAN_FALSE", "BOOLEAN_TRUE", "quoted_value", "type_reason", "typed"]

BOOLEAN_TRUE = ("true", "1", "yes")
BOOLEAN_FALSE = ("false", "0", "no")
_OFFSET = r"[0-9]:[0-9][0-9](:[0-9][0-9](\.[0-9]+)?)?\s*(Z|[+-][0-9][0-9](:?[0-9][0-9])?)$"
_EXAMPLE = dt.datetime(2026, 3, 1, 14, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def typed(binding: Binding, raw: str, timezone: str) -> str:
    """SQL for the column's value in its canonical type; NULL where `raw` (SQL text) does not parse."""
    kind = binding.column.type
    if kind == "TIMESTAMP":
        # DuckDB parses "infinity" as a timestamp; an instant always has digits.
        parsed = _timestamp(raw, binding.formats, timezone)
        return f"CASE WHEN regexp_matches({raw}, '[0-9]') THEN {parsed} END"
    if kind in ("INTEGER", "BIGINT"):
        return (
            f"CASE WHEN regexp_full_match({raw}, '[+-]?[0-9]+(\\.0*)?') "
            f"THEN try_cast(regexp_replace({raw}, '\\.0*$', '') AS {kind}) END"
        )
    if kind == "DOUBLE":
        return f"CASE WHEN isfinite(try_cast({raw} AS DOUBLE)) THEN try_cast({raw} AS DOUBLE) END"
    if kind == "BOOLEAN":
        return (
            f"CASE WHEN lower({raw}) IN ({_list(BOOLEAN_TRUE)}) THEN true "
            f"WHEN lower({raw}) IN ({_list(BOOLEAN_FALSE)}) THEN false END"
        )
    if kind == "VARCHAR[]":
        return (
            f"CASE WHEN starts_with({raw}, '[') THEN try(from_json({raw}, '[\"VARCHAR\"]')) "
            f"ELSE list_filter(regexp_split_to_array({raw}, '\\s*[,;|]\\s*'), lambda x: x <> '') END"
        )
    if binding.column.choices:
        return f"lower({raw})"
    return raw


def type_reason(binding: Binding, raw: str) -> str:
    """SQL for the plain-words reason a present value did not convert."""
    kind = binding.column.type
    if kind == "TIMESTAMP":
        expected = _timestamp_expectation(binding)
    elif kind in ("INTEGER", "BIGINT"):
        expected = "a whole number"
    elif kind == "DOUBLE":
        expected = "a number"
    elif kind == "BOOLEAN":
        expected = "true/false, 1/0 or yes/no"
    elif kind == "VARCHAR[]":
        expected = 'a JSON list such as ["a", "b"] or values separated by commas, semicolons or pipes'
    else:
        expected = f"a value of type {kind}"
    return f"{literal(f'expected {expected}, got ')} || {quoted_value(raw)}"


def quoted_value(raw: str) -> str:
    """SQL showing a value in a message: quoted, and cut short when long."""
    return f"'''' || CASE WHEN length({raw}) > 80 THEN left({raw}, 77) || '...' ELSE {raw} END || ''''"


def _timestamp(raw: str, formats: tuple[str, ...] | None, timezone: str) -> str:
    if formats is None:
        zoned = f"regexp_replace(upper({raw}), '\\s+(Z|[+-][0-9][0-9](:?[0-9][0-9])?)$', '\\1')"
        return (
            f"CASE WHEN regexp_matches({raw}, {literal(_OFFSET)}, 'i') "
            f"THEN timezone('UTC', try_cast({zoned} AS TIMESTAMPTZ)) "
            f"ELSE {_local_to_utc(f'try_cast({raw} AS TIMESTAMP)', timezone)} END"
        )
    if formats == ("epoch",):
        return f"timezone('UTC', try(to_timestamp(try_cast({raw} AS DOUBLE))))"
    if formats == ("epoch_ms",):
        return f"try(epoch_ms(try_cast({raw} AS BIGINT)))"
    pattern = literal(formats[0]) if len(formats) == 1 else f"[{_list(formats)}]"
    parsed = f"try_strptime({raw}, {pattern})"
    if "%z" in formats[0] or "%Z" in formats[0]:
        return f"timezone('UTC', {parsed})"
    return _local_to_utc(parsed, timezone)


def _local_to_utc(timestamp: str, timezone: str) -> str:
    """A wall-clock time in `timezone` as UTC (ICU: timezone(zone, TIMESTAMP) gives the instant)."""
    if timezone == "UTC":
        return timestamp
    return f"timezone('UTC', timezone({literal(timezone)}, {timestamp}))"


def _timestamp_expectation(binding: Binding) -> str:
    formats = binding.formats
    if formats is None:
        return (
            "a timestamp like 2026-03-01 14:05:00 (ISO 8601; an offset such as +02:00 is allowed) or the "
            "format given in the mapping"
        )
    if formats == ("epoch",):
        return "Unix time in seconds (format epoch)"
    if formats == ("epoch_ms",):
        return "Unix time in milliseconds (format epoch_ms)"
    described = " or ".join(f"{f} (e.g. {_example(f)})" if _example(f) else f for f in formats)
    if binding.how == "combine":
        return f"a date and time as {described}, from columns {' and '.join(binding.sources)}"
    return f"a timestamp in the format {described}"


def _example(pattern: str) -> str:
    try:
        return _EXAMPLE.strftime(pattern)
    except ValueError:
        return ""


def _list(values: tuple[str, ...]) -> str:
    return ", ".join(literal(v) for v in values)
