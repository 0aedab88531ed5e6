"""Misread text: which encoding gives a script back, and an import that warns only when one does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from kpidesk.ingest import import_files, likely_encoding


def test_the_encoding_that_spells_the_old_text_again_is_named() -> None:
    # "שלום" in UTF-8 is D7 A9 D7 9C D7 95 D7 9D; read as Latin-1 each byte is one character.
    utf8_as_latin1 = "שלום".encode().decode("latin-1")
    assert utf8_as_latin1 == "×©×\x9c×\x95×\x9d"
    assert likely_encoding("שלום", utf8_as_latin1, "latin-1", "Hebrew") == "utf-8"
    # Windows-1255 puts ש at F9, ל at EC, ו at E5, ם at ED: Latin-1 reads them ù ì å í.
    assert likely_encoding("שלום", "ùìåí", "latin-1", "Hebrew") == "windows-1255"
    # "مرحبا" in windows-1256 is E3 D1 CD C8 C7: Latin-1 reads ã Ñ Í È Ç.
    assert likely_encoding("مرحبا", "ãÑÍÈÇ", "latin-1", "Arabic") == "windows-1256"
    # A real edit from Hebrew to English is no misreading.
    assert likely_encoding("שלום", "hello", "utf-8", "Hebrew") is None


def test_an_edit_to_latin_text_is_not_a_warning(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path]
) -> None:
    header = "ticket_id,created_at,subject\n"
    import_files(con, [write("a.csv", header + "T1,2026-03-01 08:00:00,שלום\n")], "tickets")
    edited = import_files(con, [write("b.csv", header + "T1,2026-03-01 08:00:00,hello\n")], "tickets")
    assert (edited.updated, edited.warnings) == (1, [])
    # The same row misread: Windows-1255 bytes declared as Latin-1.
    misread = write("c.csv", header + "T1,2026-03-01 08:00:00,שלום\n", encoding="windows-1255")
    import_files(con, [write("d.csv", header + "T1,2026-03-01 08:00:00,שלום\n")], "tickets")
    summary = import_files(con, [misread], "tickets", encoding="latin-1")
    (warning,) = summary.warnings
    assert f"in 1 row of tickets.subject ({misread} line 2, column subject: 'שלום' → 'ùìåí')" in warning
    assert "probably windows-1255" in warning


def test_latin_accents_read_in_a_hebrew_code_page_are_no_hebrew_text() -> None:
    # "café" in UTF-8 ends C3 A9; windows-1255 reads C3 as a Hebrew vowel point (a mark, not a letter).
    assert "café".encode().decode("windows-1255") == "caf\u05b3©"
    assert likely_encoding("שלום", "café", "utf-8", "Hebrew") is None
