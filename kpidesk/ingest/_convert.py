"""Text to canonical types, as SQL over a whole column at once, with the plain reason when a value fails.

Every conversion is a `try_` form that gives NULL instead of raising, so a bad value becomes a rejected
row rather than a failed statement. Instants become UTC `TIMESTAMP`s: values with an offset are converted
by it, values without one are read in the source time zone with DuckDB's built-in ICU functions, never
row by row in Python.
"""

from __future__ import annotations

import datetime as dt
import re

from kpidesk.ingest._binding import Binding
from kpidesk.ingest._sql import literal

__all__ = [
    "BOOLEAN_FALSE",
    "BOOLEAN_TRUE",
    "as_text",
    "never_blank",
    "quoted_value",
    "type_reason",
    "typed",
    "typed_direct",
]

BOOLEAN_TRUE = ("true", "1", "yes")
BOOLEAN_FALSE = ("false", "0", "no")
_OFFSET = r"[0-9]:[0-9][0-9](:[0-9][0-9](\.[0-9]+)?)?\s*(Z|[+-][0-9][0-9](:?[0-9][0-9])?)$"
_INTEGERS = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
    | {"UHUGEINT"}
)
_NAIVE_TIMESTAMPS = frozenset(("TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"))
#: Texts of typed values with no digit in them, which a null value must not be for the direct path.
_WORDS = frozenset(("true", "false", "nan", "inf", "-inf", "infinity", "-infinity", "+infinity"))
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


def as_text(column: str, kind: str) -> str:
    """A typed column (SQL `column` of DuckDB type `kind`) as the text the validator parses; instants with
    a zone keep it (as UTC)."""
    if kind == "VARCHAR":
        return column
    if kind == "TIMESTAMP WITH TIME ZONE":
        return f"strftime(timezone('UTC', {column}), '%Y-%m-%dT%H:%M:%S.%fZ')"
    if kind.startswith("TIMESTAMP"):
        return f"CAST(CAST({column} AS TIMESTAMP) AS VARCHAR)"
    if kind.endswith("]") or kind.startswith(("STRUCT", "MAP", "UNION")):
        return f"CAST(to_json({column}) AS VARCHAR)"
    return f"CAST({column} AS VARCHAR)"


def never_blank(kind: str) -> bool:
    """Whether every non-NULL value of a typed column has non-blank text (so no trim is needed to tell)."""
    return kind in _INTEGERS or kind in ("BOOLEAN", "DOUBLE", "FLOAT", "DATE") or kind.startswith("TIMESTAMP")


def typed_direct(
    binding: Binding, kind: str, column: str, timezone: str, null_values: tuple[str, ...]
) -> str | None:
    """SQL for the canonical value straight from a typed column (Parquet), or None to go through text.

    Only where the result is exactly what `typed` would give for the column's text (`as_text`): a plain
    column without formats or a value mapping, a source type that converts without parsing, and null
    values none of which could be the text of such a value. Range checks still apply: an out-of-range
    whole number or an infinite instant or number gives NULL, so the row is rejected as before.
    """
    target = binding.column.type
    if binding.how != "column" or binding.formats is not None or not _no_typed_nulls(null_values):
        return None
    if target == "TIMESTAMP" and kind == "TIMESTAMP WITH TIME ZONE":
        return f"CASE WHEN isfinite({column}) THEN timezone('UTC', {column}) END"
    if target == "TIMESTAMP" and kind in _NAIVE_TIMESTAMPS:
        instant = column if kind == "TIMESTAMP" else f"CAST({column} AS TIMESTAMP)"
        return f"CASE WHEN isfinite({column}) THEN {_local_to_utc(instant, timezone)} END"
    if target in ("INTEGER", "BIGINT") and kind in _INTEGERS:
        return f"try_cast({column} AS {target})"
    if target == "DOUBLE" and kind == "DOUBLE":
        return f"CASE WHEN isfinite({column}) THEN {column} END"
    if target == kind and target in ("BOOLEAN", "VARCHAR[]"):
        return column
    return None


def _no_typed_nulls(null_values: tuple[str, ...]) -> bool:
    """Whether no null value could be the text of a number, boolean, instant or list (so typed values
    never need comparing with them)."""
    return not any(
        re.search(r"[0-9]", v) or v.strip().lower() in _WORDS or v.strip().startswith(("[", "{"))
        for v in null_values
    )


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
