"""Built-in importers for the exports of real helpdesks, ITSM tools, call systems and social channels.

`kpidesk import FILE… --format NAME` reads one system's export — in as many files as it comes in — into
every canonical table it feeds, in one transaction. Each format is one module of `formats/`, defining
its `ExportFormat` as `FORMAT`; docs/importers.md says, for each, which fields map where, what is
derived and what is lost.
"""

from kpidesk.ingest.exports._docs import importers_markdown
from kpidesk.ingest.exports._format import (
    LINE,
    ExportContext,
    ExportFormat,
    FormatOptions,
    Rejected,
    Role,
    SourceFigure,
    SourceTable,
)
from kpidesk.ingest.exports._importer import OPTION_KEYS, format_options, import_export
from kpidesk.ingest.exports._registry import EXPORT_FORMATS, export_format, export_format_names

__all__ = [
    "EXPORT_FORMATS",
    "LINE",
    "OPTION_KEYS",
    "ExportContext",
    "ExportFormat",
    "FormatOptions",
    "Rejected",
    "Role",
    "SourceFigure",
    "SourceTable",
    "export_format",
    "export_format_names",
    "format_options",
    "import_export",
    "importers_markdown",
]
