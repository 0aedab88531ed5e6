"""Binding: which of a file's columns (or mapping constants) feeds each canonical column.

Decided once per file from its header, before any row is looked at, so that a missing required column
fails the whole file at line 1 instead of rejecting every row.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpidesk.ingest._errors import ImportFailed
from kpidesk.ingest._mapping import Mapping
from kpidesk.warehouse import Column, TableSchema

__all__ = ["Binding", "bind_columns"]


@dataclass(frozen=True)
class Binding:
    """Where one canonical column's text comes from."""

    column: Column
    #: "column", "combine", "constant" or "absent".
    how: str
    #: The file columns read: one, or the date and time columns of a combine.
    sources: tuple[str, ...] = ()
    constant: str | None = None
    #: Timestamp formats (strptime patterns, epoch or epoch_ms); None for ISO 8601.
    formats: tuple[str, ...] | None = None

    @property
    def label(self) -> str:
        """The column as the user knows it, for rejected_rows.column."""
        if self.how == "combine":
            return " + ".join(self.sources)
        if self.how == "constant":
            return f"constants.{self.column.name}"
        return self.sources[0] if self.sources else self.column.name

    @property
    def present(self) -> bool:
        return self.how != "absent"


def bind_columns(
    schema: TableSchema, mapping: Mapping, file_columns: list[str], where: str
) -> tuple[list[Binding], list[str]]:
    """Bindings in schema order, and the file columns nothing reads (reported as ignored)."""
    used: set[str] = set()
    explicit = {*mapping.columns.values(), *(p for c in mapping.combine.values() for p in (c.date, c.time))}

    def require(name: str, key: str) -> str:
        found = _resolve(name, file_columns)
        if found is None:
            raise ImportFailed(
                f"{where}: the mapping's {key} names the column {name!r}, which the file "
                f"does not have; the file has columns: {_listing(file_columns)}"
            )
        return found

    bindings: list[Binding] = []
    missing: list[str] = []
    for column in schema.columns:
        name = column.name
        binding = Binding(column, "absent")
        if name in mapping.constants:
            binding = Binding(column, "constant", constant=mapping.constants[name])
        elif name in mapping.combine:
            spec = mapping.combine[name]
            date = require(spec.date, f"combine.{name}.date")
            time = require(spec.time, f"combine.{name}.time")
            binding = Binding(column, "combine", (date, time), formats=(spec.format,))
        elif name in mapping.columns:
            source = require(mapping.columns[name], f"columns.{name}")
            binding = Binding(column, "column", (source,), formats=mapping.formats_for(name))
        else:
            passthrough = _resolve(name, file_columns)
            if passthrough is not None and passthrough not in explicit:
                binding = Binding(column, "column", (passthrough,), formats=mapping.formats_for(name))
        if column.required and not binding.present:
            missing.append(name)
        used.update(binding.sources)
        bindings.append(binding)
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise ImportFailed(
            f"{where}: missing required column{plural} {', '.join(missing)} for {schema.name}; name the "
            f"file's column{plural} so, or map {'them' if plural else 'it'} under `columns:` in the mapping "
            f'(e.g. columns: {{{missing[0]}: "Your column"}}); the file has columns: '
            f"{_listing(file_columns)}"
        )
    ignored = [c for c in file_columns if c not in used]
    return bindings, ignored


def _resolve(name: str, file_columns: list[str]) -> str | None:
    """The file's column called `name`: exactly, else ignoring case and surrounding spaces if unambiguous."""
    if name in file_columns:
        return name
    folded = [c for c in file_columns if c.strip().casefold() == name.strip().casefold()]
    return folded[0] if len(folded) == 1 else None


def _listing(columns: list[str]) -> str:
    return ", ".join(columns) if columns else "(none)"
