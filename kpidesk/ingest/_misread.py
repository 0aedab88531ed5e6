"""Text an update turned from one script into characters of another: a file read in the wrong encoding.

A Hebrew file read as Latin-1, or a UTF-8 file read as windows-1252, still parses: every byte is some
character. Re-importing it over good rows would replace "שלום" by "×©×œ×•×" without any error. After an
upsert, the rows it replaced are compared with the rows that replaced them: a text column whose stored
value had letters of a script (Hebrew, Arabic, Cyrillic…) that the new value lacks is suspicious, and
when re-reading the new value's bytes in another encoding gives the script back, the warning names
that encoding.
"""

from __future__ import annotations

import codecs
import unicodedata

import duckdb

from kpidesk.ingest._lines import LineNumbers
from kpidesk.ingest._sql import ident, literal
from kpidesk.ingest._upsert import ACTIONS_UPDATE
from kpidesk.ingest._validate import ROW
from kpidesk.warehouse import HISTORY_ACTION, HISTORY_IMPORT, REPLACED, TableSchema, history_table

__all__ = ["SCRIPTS", "likely_encoding", "misread_text_warnings"]

#: Scripts whose loss is looked for, by the name RE2 knows them by.
SCRIPTS = (
    "Hebrew",
    "Arabic",
    "Cyrillic",
    "Greek",
    "Thai",
    "Armenian",
    "Georgian",
    "Devanagari",
    "Han",
    "Hangul",
    "Hiragana",
    "Katakana",
)
#: Encodings a misread file was probably written in, most likely first.
_CANDIDATES = (
    "utf-8",
    "windows-1255",
    "iso-8859-8",
    "windows-1256",
    "iso-8859-6",
    "windows-1251",
    "koi8-r",
    "windows-1253",
    "cp874",
    "cp949",
    "shift_jis",
    "gb18030",
    "big5",
)
_QUOTE_CHARS = 12


def misread_text_warnings(
    con: duckdb.DuckDBPyConnection,
    schema: TableSchema,
    source: str,
    actions: str,
    import_id: int,
    lines: LineNumbers,
    unit: str,
    display: str,
    encoding: str | None,
) -> list[str]:
    """One warning per text column where this file replaced text of a script by text without it and
    the bytes read differently give it back. `actions` is the upsert's table of written rows."""
    columns = [c.name for c in schema.columns if c.type == "VARCHAR" and c.name not in schema.key]
    if not columns:
        return []
    match = " AND ".join(f"h.{ident(k)} = a.{ident(k)}" for k in schema.key)
    if schema.sourced:
        match += f" AND h.source = {literal(source)}"
    lost: dict[tuple[str, str], str] = {}
    for column in columns:
        for script in SCRIPTS:
            pattern = literal("\\p{" + script + "}")
            lost[column, script] = (
                f"regexp_matches(h.{ident(column)}, {pattern}) AND "
                f"NOT regexp_matches(coalesce(a.{ident(column)}, ''), {pattern})"
            )
    aggregates = ", ".join(
        f"count(*) FILTER (WHERE {cond}), "
        f"arg_min(struct_pack(r := a.{ROW}, old := h.{ident(c)}, new := a.{ident(c)}), a.{ROW}) "
        f"FILTER (WHERE {cond})"
        for (c, _), cond in lost.items()
    )
    # Most updates change a status, not text: only rows whose non-ASCII text changed are looked at.
    changed = " OR ".join(
        f"(h.{ident(c)} IS DISTINCT FROM a.{ident(c)} AND regexp_matches(h.{ident(c)}, '[^\\x00-\\x7F]'))"
        for c in columns
    )
    row = con.execute(
        f"SELECT {aggregates} FROM {actions} a JOIN {ident(history_table(schema))} h ON {match} "
        f"WHERE ({changed}) AND a.act = {ACTIONS_UPDATE} AND h.{ident(HISTORY_IMPORT)} = {import_id} "
        f"AND h.{ident(HISTORY_ACTION)} = {literal(REPLACED)} AND h.import_id IS DISTINCT FROM {import_id}"
    ).fetchall()[0]
    warnings: list[str] = []
    for number, (column, script) in enumerate(lost):
        count, example = row[2 * number], row[2 * number + 1]
        if not count:
            continue
        old, new = str(example["old"]), str(example["new"] or "")
        written_in = likely_encoding(old, new, encoding, script)
        if written_in is None:
            continue
        line = con.execute(f"SELECT {lines.sql(str(int(example['r'])))}").fetchall()[0][0]
        rows = "1 row" if count == 1 else f"{count:,} rows"
        read_as = encoding or "utf-8"
        again = f"--encoding {written_in}" if written_in != "utf-8" else "no --encoding (UTF-8)"
        warnings.append(
            f"import {import_id} replaced {script} text with {_described(new)} in {rows} of "
            f"{schema.name}.{column} ({display} {unit} {line}, column {column}: {_quote(old)} → "
            f"{_quote(new)}); the file was read as {read_as} but is probably {written_in} — undo it with "
            f"`kpidesk imports undo {import_id}` and import it again with {again}"
        )
    return warnings


def likely_encoding(old: str, new: str, read_as: str | None, script: str) -> str | None:
    """The encoding in which `new`'s bytes (as read with `read_as`) spell letters of `script` again,
    preferring one that gives back `old` exactly; None when no candidate does."""
    try:
        raw = new.encode(codecs.lookup(read_as or "utf-8").name)
    except (UnicodeEncodeError, LookupError):
        return None
    best: tuple[int, str] | None = None
    for candidate in _CANDIDATES:
        if codecs.lookup(candidate).name == codecs.lookup(read_as or "utf-8").name:
            continue
        try:
            text = raw.decode(candidate)
        except UnicodeDecodeError:
            continue
        if text == old:
            return candidate
        letters = sum(1 for ch in text if _in_script(ch, script))
        # Most of the letters in the script: a few stray marks are no text.
        if letters * 2 > sum(1 for ch in text if ch.isalpha()) and (best is None or letters > best[0]):
            best = (letters, candidate)
    return best[1] if best else None


def _in_script(ch: str, script: str) -> bool:
    """A letter (not a mark or sign) of the script."""
    if not ch.isalpha():
        return False
    name = unicodedata.name(ch, "")
    return name.startswith(script.upper()) or (script == "Han" and name.startswith("CJK"))


def _described(text: str) -> str:
    for script in SCRIPTS:
        if any(_in_script(ch, script) for ch in text):
            return f"{script} letters"
    if any(ch.isalpha() for ch in text):
        return "Latin letters"
    return "other characters"


def _quote(text: str) -> str:
    return repr(text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS] + "…")
