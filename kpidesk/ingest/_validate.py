"""Validation in SQL: one statement turns a staged file into typed canonical rows and lists, for each
failing row, every problem with its column, value and reason.

The checks come from the schema (required, type, choices, minimum/maximum, not_before) plus duplicate
keys inside the file. A row with any problem is rejected whole; the others go on to the upsert.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kpidesk.ingest._binding import Binding
from kpidesk.ingest._convert import as_text, never_blank, quoted_value, type_reason, typed, typed_direct
from kpidesk.ingest._lines import LineNumbers
from kpidesk.ingest._mapping import Mapping
from kpidesk.ingest._sql import first_row, ident, literal
from kpidesk.ingest._survey_checks import ScoredColumn, survey_checks, ticket_checks
from kpidesk.warehouse import TableSchema

__all__ = ["ROW", "Validated", "reads_warehouse", "record_rejections", "validate"]

#: Column of the validated table holding the staged row's rowid.
ROW = "__kpidesk_row"
_ERRORS = "__kpidesk_errors"
_LINE_PLACEHOLDER = "{line}"


@dataclass(frozen=True)
class Validated:
    #: Typed rows: ROW, every canonical column, and the list of problems (NULL when none).
    table: str
    #: (ROW, first): rows whose key already appeared on an earlier row of the file.
    duplicates: str
    read: int
    #: Rows left out because every field was empty (a trailing ",,," line of an Excel export).
    empty: int

    def accepted(self) -> str:
        """SQL for the rows that go on to the upsert."""
        return (
            f"(SELECT v.* FROM {self.table} v ANTI JOIN {self.duplicates} d ON d.{ROW} = v.{ROW} "
            f"WHERE v.{_ERRORS} IS NULL)"
        )


def reads_warehouse(schema: TableSchema) -> bool:
    """Whether validating rows of this table reads stored rows (a survey's ticket must exist)."""
    return schema.kind == "surveys"


def validate(
    con: duckdb.DuckDBPyConnection,
    stage: str,
    staged_columns: list[str],
    bindings: list[Binding],
    schema: TableSchema,
    mapping: Mapping,
    table: str,
    types: dict[str, str] | None = None,
    row: str = "rowid",
    source: str | None = None,
) -> Validated:
    """Create `table` (typed rows with their problems) and `table`_dups from the staged rows.

    `row` numbers the staged rows in file order. `types` gives the DuckDB type of staged columns that
    are not text (Parquet). A typed column that converts to its canonical type without parsing is read
    directly (`typed_direct`); any other is validated through its text exactly like a CSV field.
    `source` (the import's) lets survey rows be checked against the tickets of that source.
    """
    types = types or {}
    sources = sorted({s for b in bindings for s in b.sources})
    number = {name: i for i, name in enumerate(sources)}
    direct: dict[int, str] = {}
    for i, binding in enumerate(bindings):
        if binding.how != "column" or mapping.values.get(binding.column.name):
            continue
        name = binding.sources[0]
        kind = types.get(name, "VARCHAR")
        if kind == "VARCHAR":
            continue
        found = typed_direct(binding, kind, f"t{number[name]}", mapping.zone, mapping.null_values)
        if found is not None:
            direct[i] = found
    as_typed = sorted({bindings[i].sources[0] for i in direct})
    textual = sorted({s for i, b in enumerate(bindings) if i not in direct for s in b.sources})
    slot = {name: f"s{number[name]}" for name in textual}
    nulls = ", ".join(literal(v) for v in mapping.null_values)

    def text(name: str) -> str:
        return as_text(ident(name), types.get(name, "VARCHAR"))

    selected = [f"{ident(name)} AS t{number[name]}" for name in as_typed] + [
        f"CASE WHEN trim({text(name)}) IN ({nulls}) THEN NULL ELSE trim({text(name)}) END AS {slot[name]}"
        for name in textual
    ]
    cleaned = ", ".join(selected)
    not_blank = " OR ".join(_not_blank(c, types.get(c, "VARCHAR")) for c in staged_columns) or "true"

    raws, values, checks = [f"t{number[name]}" for name in as_typed], [], []
    index = {b.column.name: i for i, b in enumerate(bindings)}
    for i, binding in enumerate(bindings):
        raw, value = f"r{i}", f"v{i}"
        column = binding.column
        if i in direct:
            # The value's text is only needed for messages, so only evaluated for failing rows.
            source = binding.sources[0]
            given = f"t{number[source]}"
            raw = as_text(given, types[source])
            values.append(f"CAST({direct[i]} AS {column.type}) AS {value}")
        else:
            given = raw
            raws.append(f"{_raw_text(binding, slot, mapping)} AS {raw}")
            if binding.present:
                values.append(f"CAST({typed(binding, raw, mapping.zone)} AS {column.type}) AS {value}")
            else:
                values.append(f"CAST(NULL AS {column.type}) AS {value}")
                continue
        label = literal(binding.label)
        prefix = "" if binding.label == column.name else f"{column.name}: "

        def problem(
            condition: str, reason: str, shown: str = raw, label: str = label, prefix: str = prefix
        ) -> None:
            struct = (
                f"{{'col': {label}, 'val': {shown}, 'why': {literal(prefix)} || {reason}, "
                "'ref': CAST(NULL AS BIGINT)}"
            )
            checks.append((condition, struct))

        if column.required:
            problem(f"{given} IS NULL", literal("required value is empty"))
        problem(f"{given} IS NOT NULL AND {value} IS NULL", type_reason(binding, raw))
        if column.choices:
            expected = ", ".join(column.choices)
            advice = literal(
                f' is not one of {expected}; add a value mapping, e.g. values: {{{column.name}: {{"'
            )
            advice_end = literal('": <one of those>}}')
            allowed = ", ".join(literal(c) for c in column.choices)
            problem(
                f"{value} NOT IN ({allowed})", f"{quoted_value(raw)} || {advice} || {raw} || {advice_end}"
            )
        if column.minimum is not None:
            at_least = literal(f"must be at least {column.minimum:g}, got ")
            problem(f"{value} < {column.minimum}", f"{at_least} || {raw}")
        if column.maximum is not None:
            at_most = literal(f"must be at most {column.maximum:g}, got ")
            problem(f"{value} > {column.maximum}", f"{at_most} || {raw}")
        if column.not_before is not None and bindings[index[column.not_before]].present:
            other = bindings[index[column.not_before]]
            other_value = f"v{index[column.not_before]}"
            named = column.not_before
            if other.label != column.not_before:
                named += f" ({other.label})"
            problem(
                f"{value} < {other_value}",
                f"{literal(f'{column.name} ')} || CAST({value} AS VARCHAR) || "
                f"{literal(f' UTC is before {named} ')} || CAST({other_value} AS VARCHAR) || "
                f"{literal(f' UTC; {column.name} may not be before {column.not_before}')}",
            )

    if schema.name == "surveys":
        shown = [
            as_text(f"t{number[b.sources[0]]}", types[b.sources[0]]) if i in direct else f"r{i}"
            for i, b in enumerate(bindings)
        ]
        scored = {b.column.name: ScoredColumn(b, f"v{i}", shown[i]) for i, b in enumerate(bindings)}
        checks += survey_checks(scored)
        if source is not None:
            checks += ticket_checks(con, scored["ticket_id"], source)
    failing = " OR ".join(f"coalesce({c}, false)" for c, _ in checks) or "false"
    problems = ", ".join(f"CASE WHEN {c} THEN {s} END" for c, s in checks)
    errors = f"list_filter([{problems}], lambda e: e IS NOT NULL)" if checks else "NULL"
    outputs = ", ".join(f"v{i} AS {ident(b.column.name)}" for i, b in enumerate(bindings))
    con.execute(
        f"CREATE TEMP TABLE {table} AS "
        f"WITH c AS (SELECT {row} AS {ROW}{', ' if cleaned else ''}{cleaned} "
        f"FROM {stage} WHERE {not_blank}), "
        f"r AS (SELECT {', '.join([ROW, *raws])} FROM c), "
        f"v AS (SELECT *, {', '.join(values)} FROM r) "
        f"SELECT {ROW}, {outputs}, CASE WHEN {failing} THEN {errors} END AS {_ERRORS} FROM v"
    )

    # Keys seen more than once are few: find them with one aggregate, then pick out their later rows.
    keys = ", ".join(ident(k) for k in schema.key)
    same_key = " AND ".join(f"v.{ident(k)} IS NOT DISTINCT FROM k.{ident(k)}" for k in schema.key)
    duplicates = f"{table}_dups"
    con.execute(
        f"CREATE TEMP TABLE {duplicates} AS SELECT v.{ROW}, k.first FROM {table} v JOIN "
        f"(SELECT {keys}, min({ROW}) AS first FROM {table} WHERE {_ERRORS} IS NULL GROUP BY {keys} "
        f"HAVING count(*) > 1) k ON {same_key} WHERE v.{_ERRORS} IS NULL AND v.{ROW} <> k.first"
    )
    counts = first_row(con, f"SELECT (SELECT count(*) FROM {table}), (SELECT count(*) FROM {stage})")
    read, staged = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    return Validated(table=table, duplicates=duplicates, read=read, empty=staged - read)


def record_rejections(
    con: duckdb.DuckDBPyConnection,
    validated: Validated,
    bindings: list[Binding],
    schema: TableSchema,
    lines: LineNumbers,
    unit: str,
    import_id: int,
    kind: str,
    file: str,
) -> int:
    """Append this file's problems to rejected_rows, in file order; the number of rejected rows."""
    by_name = {b.column.name: b for b in bindings}
    key_label = literal(by_name[schema.key[0]].label)
    key_text = " || ', ' || ".join(
        f"{literal(k + ' ')} || {quoted_value(f'CAST(v.{ident(k)} AS VARCHAR)')}" for k in schema.key
    )
    seen = f" already appeared on {unit} {_LINE_PLACEHOLDER} of this file; the first one is imported"
    duplicate_reason = f"'duplicate key: ' || {key_text} || {literal(seen)}"
    duplicate_value = " || ', ' || ".join(f"CAST(v.{ident(k)} AS VARCHAR)" for k in schema.key)
    problems = (
        f"SELECT {ROW} AS r, unnest({_ERRORS}) AS e FROM {validated.table} WHERE {_ERRORS} IS NOT NULL "
        f"UNION ALL SELECT d.{ROW}, {{'col': {key_label}, 'val': {duplicate_value}, "
        f"'why': {duplicate_reason}, 'ref': d.first}} "
        f"FROM {validated.duplicates} d JOIN {validated.table} v ON v.{ROW} = d.{ROW}"
    )
    why = "struct_extract(p.e, 'why')"
    ref = "struct_extract(p.e, 'ref')"
    con.execute(
        'INSERT INTO rejected_rows (import_id, kind, file, line, "column", value, reason) '
        f"SELECT {import_id}, {literal(kind)}, {literal(file)}, "
        f"{lines.sql('p.r')}, struct_extract(p.e, 'col'), struct_extract(p.e, 'val'), "
        f"CASE WHEN {ref} IS NULL THEN {why} "
        f"ELSE replace({why}, {literal(_LINE_PLACEHOLDER)}, CAST({lines.sql(ref)} AS VARCHAR)) END "
        f"FROM ({problems}) p ORDER BY p.r"
    )
    rejected = first_row(
        con,
        f"SELECT (SELECT count(*) FROM {validated.table} WHERE {_ERRORS} IS NOT NULL) + "
        f"(SELECT count(*) FROM {validated.duplicates})",
    )
    return int(rejected[0]) if rejected else 0


def _not_blank(name: str, kind: str) -> str:
    """SQL: the staged field holds something (a row of empty fields is a trailing ",,," line)."""
    if never_blank(kind):
        return f"{ident(name)} IS NOT NULL"
    return f"coalesce(trim({as_text(ident(name), kind)}), '') <> ''"


def _raw_text(binding: Binding, slot: dict[str, str], mapping: Mapping) -> str:
    """SQL for the column's text after null values and value mapping, before it is parsed."""
    if binding.how == "absent":
        return "CAST(NULL AS VARCHAR)"
    if binding.how == "constant":
        text = literal(binding.constant)
    elif binding.how == "combine":
        date, time = (slot[s] for s in binding.sources)
        text = f"CASE WHEN {date} IS NULL OR {time} IS NULL THEN NULL ELSE {date} || ' ' || {time} END"
    else:
        text = slot[binding.sources[0]]
    table = mapping.values.get(binding.column.name)
    if not table:
        return text
    cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in table.items())
    return f"CASE {text} {cases} ELSE {text} END"
