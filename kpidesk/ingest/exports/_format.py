"""Export formats: what a built-in importer of one system's export is, and what it may ask of the import.

A column mapping (``kpidesk.ingest._mapping``) renames and parses columns one to one. The exports users
bring are rarely that simple: a ServiceNow log holds one row per update of an incident, a call log keeps
dates and times in separate columns, a social-media dump threads posts by reply ids. An `ExportFormat`
turns such files into rows shaped like the canonical tables — one or several kinds at once — and hands
them to the same validation and upsert as any other import, so every problem still names the file,
line and column of the export itself.

A format reads its files through an `ExportContext`: `read` stages a file with the importer's own
readers, `emit` hands over canonical rows (each with its source line), `reject` records a row it drops
or repairs, with the reason.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from kpidesk.ingest._errors import ImportFailed, MappingError
from kpidesk.ingest._excel import LINE_COLUMN
from kpidesk.ingest._lines import LineNumbers
from kpidesk.ingest._progress import ImportProgress
from kpidesk.ingest._readers import ReadOptions, StagedFile, stage_file
from kpidesk.ingest._sql import first_row, ident, literal
from kpidesk.ingest._zones import NaiveZone

__all__ = [
    "LINE",
    "Emitted",
    "ExportContext",
    "ExportFormat",
    "FormatOptions",
    "Rejected",
    "Role",
    "SourceFigure",
    "SourceTable",
]

#: The column every emitted relation carries: the line (or record) of the export the row comes from.
LINE = LINE_COLUMN


@dataclass(frozen=True)
class Role:
    """A column a format reads, by the name the format knows it under.

    `default` is the column's name in the system's own export; a user's mapping may point the role at
    another column (`columns: {role: "Their column"}`). `aliases` are other names the same export has
    been seen with (a header mangled by an earlier tool, say).
    """

    name: str
    default: str
    required: bool = True
    description: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceFigure:
    """A figure the system records of its own tickets or calls, kept in `source_figures` as it says it.

    `name` is the figure's name in `source_figures` (the same name across formats for the same
    measure, so `reconcile` compares every source alike); `field` is where the export holds it.
    `precision_s` is the smallest step the system records it in (60 when it keeps whole minutes).
    """

    name: str
    unit_kind: str
    field: str
    description: str
    precision_s: float = 0.0


@dataclass(frozen=True)
class FormatOptions:
    """What a user's mapping, ``--timezone`` and ``--source`` say about one export format's import."""

    #: IANA zone of timestamps the export writes without an offset.
    timezone: str
    #: That zone and who chose it (the user, the mapping, the format, the workspace), for the summary.
    naive_zone: NaiveZone | None = None
    #: Role name → the file's column, overriding the format's defaults.
    columns: dict[str, str] = field(default_factory=dict)
    #: Canonical column → {value as the format emits it: canonical value}, applied at validation.
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    #: Settings of this format only (see its documentation), e.g. a call log's service-level seconds.
    settings: dict[str, Any] = field(default_factory=dict)
    #: Where the options came from, for messages.
    origin: str = "format"


@dataclass
class Emitted:
    """Canonical rows of one kind, from one file of the export, as a temporary table."""

    kind: str
    display: str
    table: str
    #: What a position in `display` is called: "line" or "record".
    unit: str
    #: Mapping keys (formats, timezone, values, null_values) for parsing the emitted text.
    parse: dict[str, Any]
    #: Bytes of the source file, to decide on progress bars.
    size: int


@dataclass(frozen=True)
class Rejected:
    """A row of the export a format drops or repairs itself, kept in rejected_rows like any other.

    A dropped row counts as read and rejected; a `repaired` one was imported all the same, so it counts
    as repaired only (its entry in rejected_rows says what was changed).
    """

    kind: str
    file: str
    line: int
    column: str
    value: str | None
    reason: str
    repaired: bool = False


@dataclass(frozen=True)
class SourceTable:
    """A file of the export, staged as text: its table, columns and the SQL of each row's line."""

    staged: StagedFile
    path: Path
    #: Role name → the column of the file it resolved to (absent optional roles are missing).
    roles: dict[str, str]

    @property
    def table(self) -> str:
        return self.staged.table

    @property
    def display(self) -> str:
        return self.staged.display

    @property
    def line(self) -> str:
        """SQL for a staged row's line in the file (in a query over `table`, unaliased).

        The row id is qualified by the table: the correction for quoted newlines is a subquery over a
        table that has row ids of its own.
        """
        return self.staged.lines.sql(f"{self.staged.table}.rowid")

    def col(self, role: str) -> str:
        """SQL for the role's column, or NULL when the file lacks an optional role."""
        found = self.roles.get(role)
        return ident(found) if found is not None else "CAST(NULL AS VARCHAR)"

    def has(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class ExportFormat:
    """A built-in importer for one kind of export.

    `convert` reads the files through the context and emits canonical rows; `kinds` lists what it may
    emit, in the order they are written (tickets before their events). `timezone` is the zone the
    export is documented to write its naive timestamps in (UTC for an API writing `Z` or Unix time), or
    None when it writes the system's local time: then the workspace's zone, unless the user says
    otherwise.
    """

    name: str
    title: str
    description: str
    kinds: tuple[str, ...]
    convert: Callable[[ExportContext, list[Path]], None]
    timezone: str | None = None
    roles: tuple[Role, ...] = ()
    #: Setting name → what it does, for `settings:` in a user's mapping.
    settings: dict[str, str] = field(default_factory=dict)
    #: The file endings it reads.
    suffixes: tuple[str, ...] = (".csv",)
    #: Markdown for docs/importers.md: which fields map where, what is derived, what is lost.
    documentation: str = ""
    #: The system's own figures the format keeps in `source_figures` (kind `figures`).
    figures: tuple[SourceFigure, ...] = ()

    def figure(self, name: str) -> SourceFigure:
        for declared in self.figures:
            if declared.name == name:
                return declared
        raise ValueError(f"format {self.name} does not declare the figure {name!r}")


class ExportContext:
    """What a format's `convert` works with; created by the importer inside the import's transaction."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        export: ExportFormat,
        options: FormatOptions,
        workdir: Path,
        progress: ImportProgress,
    ) -> None:
        self.con = con
        self.export = export
        self.options = options
        self.workdir = workdir
        self.progress = progress
        self.emitted: list[Emitted] = []
        self.rejected: list[Rejected] = []
        self.warnings: list[str] = []
        self._names = itertools.count()
        self._temporary: list[str] = []

    # Reading --------------------------------------------------------------------------------------

    def read(
        self,
        path: Path,
        roles: tuple[Role, ...] | None = None,
        *,
        records: str | None = None,
        display: str | None = None,
    ) -> SourceTable:
        """Stage `path` with the importer's readers and resolve the format's roles against its header.

        A required role the file lacks fails the import at the header, naming the role and the mapping
        key that would point it elsewhere. `display` names the file in messages and rejected rows when
        `path` is a repaired copy of the user's file (same lines) under the work directory.
        """
        display = display or str(path)
        table = self.temp_name("source")
        options = ReadOptions(
            encoding=self.options.encoding,
            delimiter=self.options.delimiter,
            records=records,
            expected=", ".join(r.default for r in (roles or self.export.roles)),
        )
        try:
            staged = stage_file(self.con, path, display, table, options, self.workdir, self.progress)
        except (duckdb.IOException, duckdb.OutOfMemoryException) as exc:
            raise ImportFailed(f"{display} could not be read: {str(exc).splitlines()[0]}") from None
        resolved = self.resolve_roles(staged.columns, roles or self.export.roles, staged.header_where)
        return SourceTable(staged, path, resolved)

    def resolve_roles(self, columns: list[str], roles: tuple[Role, ...], where: str) -> dict[str, str]:
        """Role name → file column, by the user's mapping, else the default name or an alias (any case)."""
        known = {r.name for r in self.export.roles} | {r.name for r in roles}
        for name in self.options.columns:
            if name not in known:
                raise MappingError(
                    f"{self.options.origin}: columns.{name}: the {self.export.name} format has no column "
                    f"role {name!r}; its roles: {', '.join(sorted(known))}"
                )
        found: dict[str, str] = {}
        missing: list[Role] = []
        for role in roles:
            wanted = self.options.columns.get(role.name)
            candidates = (wanted,) if wanted is not None else (role.default, *role.aliases)
            column = next((c for c in (_match(n, columns) for n in candidates) if c is not None), None)
            if column is not None:
                found[role.name] = column
            elif wanted is not None:
                raise MappingError(
                    f"{where}: the mapping's columns.{role.name} names the column {wanted!r}, which the file "
                    f"does not have; the file has columns: {', '.join(columns) or '(none)'}"
                )
            elif role.required:
                missing.append(role)
        if missing:
            names = ", ".join(f"{r.default} ({r.description or r.name})" for r in missing)
            raise ImportFailed(
                f"{where}: missing column(s) a {self.export.title} export has: {names}; if the file names "
                f"them otherwise, map them in a mapping file, e.g. columns: {{{missing[0].name}: "
                f'"Your column"}}; the file has columns: {", ".join(columns) or "(none)"}'
            )
        return found

    # Writing --------------------------------------------------------------------------------------

    def temp_name(self, what: str) -> str:
        """A name for a temporary table, dropped by `close` when the import ends."""
        name = f"kpidesk_export_{next(self._names)}_{what}"
        self._temporary.append(name)
        return name

    def close(self) -> None:
        """Drop every temporary table the conversion made (staged sources, emitted rows, helpers)."""
        for name in self._temporary:
            with contextlib.suppress(duckdb.Error):
                self.con.execute(f"DROP TABLE IF EXISTS {name}")
                self.con.execute(f"DROP TABLE IF EXISTS {name}_newlines")
                self.con.execute(f"DROP TABLE IF EXISTS {name}_blanks")

    def emit(
        self,
        kind: str,
        display: str,
        rows: str | pa.Table,
        *,
        parse: dict[str, Any] | None = None,
        unit: str = "line",
        size: int = 0,
    ) -> None:
        """Hand over canonical rows of `kind` from the file `display`.

        `rows` is a SQL query or an Arrow table whose columns are named like the canonical table's (text,
        or already typed) plus `LINE`, the row's line in `display`. `parse` holds mapping keys for the
        text: `formats`, `timestamp_format`, `timezone` (default: the format's or the user's zone),
        `values` and `null_values`.
        """
        if kind not in self.export.kinds:
            raise ValueError(f"format {self.export.name} does not declare kind {kind!r}")
        table = self._temp_table(kind, rows)
        parse = dict(parse or {})
        parse.setdefault("timezone", self.options.timezone)
        self.emitted.append(Emitted(kind, display, table, unit, parse, size))

    def _temp_table(self, name: str, rows: str | pa.Table) -> str:
        """`rows` (SQL or Arrow) as a temporary table of this import; its name."""
        table = self.temp_name(name)
        if isinstance(rows, pa.Table):
            view = f"{table}_arrow"
            self.con.register(view, rows)
            try:
                self.con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {view}")
            finally:
                self.con.unregister(view)
        else:
            self.con.execute(f"CREATE TEMP TABLE {table} AS {rows}")
        return table

    def emit_figures(
        self,
        display: str,
        rows: str | pa.Table,
        *,
        parse: dict[str, Any] | None = None,
        size: int = 0,
    ) -> None:
        """Hand over the system's own figures: `rows` (SQL or Arrow) has unit_id, figure, value, at and
        `LINE`; each figure must be declared by the format, which gives its unit kind, precision and
        field (an optional `field` column names the file's own column instead)."""
        declared = {f.name: f for f in self.export.figures}

        def per_figure(attribute: str) -> str:
            cases = " ".join(
                f"WHEN {literal(n)} THEN {literal(str(getattr(f, attribute)))}" for n, f in declared.items()
            )
            return f"CASE figure {cases} END"

        table = self._temp_table("figure_rows", rows)
        for (name,) in self.con.execute(f"SELECT DISTINCT figure FROM {table}").fetchall():
            self.export.figure(str(name))
        columns = {str(r[0]) for r in self.con.execute(f"DESCRIBE {table}").fetchall()}
        field = f"coalesce(field, {per_figure('field')})" if "field" in columns else per_figure("field")
        self.emit(
            "figures",
            display,
            f"SELECT {per_figure('unit_kind')} AS unit_kind, unit_id, figure, {field} AS field, "
            f'value, "at", {per_figure("precision_s")} AS precision_s, {LINE} FROM {table}',
            parse=parse,
            size=size,
        )

    def reject(self, kind: str, file: str, line: int, column: str, value: str | None, reason: str) -> None:
        """Record a row the format drops (or repairs) itself; it is counted as read and rejected."""
        self.rejected.append(Rejected(kind, file, line, column, value, reason))

    def repair(self, kind: str, file: str, line: int, column: str, value: str | None, reason: str) -> None:
        """Record a row the format changed before emitting it; `reason` says what it changed and why."""
        self.rejected.append(Rejected(kind, file, line, column, value, reason, repaired=True))

    def reject_where(
        self, kind: str, source: SourceTable, condition: str, column: str, value: str, reason: str
    ) -> int:
        """Record every staged row of `source` matching the SQL `condition` as rejected; their number.

        `value` and `reason` are SQL expressions over the staged row.
        """
        rows = self.con.execute(
            f"SELECT {source.line}, {value}, {reason} FROM {source.table} WHERE {condition} ORDER BY rowid"
        ).fetchall()
        for line, shown, why in rows:
            self.reject(
                kind, source.display, int(line), column, None if shown is None else str(shown), str(why)
            )
        return len(rows)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def count(self, sql: str) -> int:
        row = first_row(self.con, f"SELECT count(*) FROM ({sql})")
        return int(row[0]) if row else 0

    @contextlib.contextmanager
    def step(self, description: str, size: int) -> Iterator[None]:
        """A spinner or progress bar for a long query, when the file is large."""
        if self.progress.wants(size):
            with self.progress.query(self.con, description):
                yield
        else:
            yield

    def drop(self, *tables: str) -> None:
        for table in tables:
            self.con.execute(f"DROP TABLE IF EXISTS {table}")


def line_numbers(table: str) -> LineNumbers:
    """Line numbers of an emitted table: each row carries its own in `LINE`."""
    return LineNumbers(table, 0, column=LINE)


def blank(sql: str) -> str:
    """SQL for a text column trimmed, NULL when it is empty."""
    return f"nullif(trim({sql}), '')"


def quoted(value: str) -> str:
    """SQL literal, re-exported for formats building queries."""
    return literal(value)


def _match(name: str, columns: list[str]) -> str | None:
    if name in columns:
        return name
    folded = [c for c in columns if c.strip().casefold() == name.strip().casefold()]
    return folded[0] if len(folded) == 1 else None
