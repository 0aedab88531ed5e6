"""Import: files from helpdesks and call centers into the canonical tables, as one transaction.

CSV/TSV/TXT (any delimiter), JSON, JSON lines, Parquet and XLSX are read by DuckDB (XLSX through a
temporary Parquet file), validated in SQL against the canonical schema, and upserted on each table's
key. Rows that fail validation are kept in `rejected_rows` with file, line, column and reason; a problem
with a whole file raises ImportFailed and leaves the warehouse as it was. Each import keeps the rows it
replaced, so that `undo_import` can put them back. See docs/importing.md.
"""

from kpidesk.ingest._destination import (
    SCRATCH_PREFIX,
    Destination,
    OpenWarehouse,
    WarehouseFile,
    warehouse_destination,
)
from kpidesk.ingest._errors import ImportFailed, MappingError
from kpidesk.ingest._formats import FORMATS, format_names
from kpidesk.ingest._importer import import_files
from kpidesk.ingest._log import IMPORT_COLUMNS, REJECTED_COLUMNS, import_log, rejected_rows
from kpidesk.ingest._mapping import Combine, Mapping, load_mapping, parse_mapping, read_mapping_file
from kpidesk.ingest._misread import likely_encoding
from kpidesk.ingest._progress import LARGE_INPUT_BYTES
from kpidesk.ingest._readers import SUFFIXES
from kpidesk.ingest._summary import ImportSummary, Rejection
from kpidesk.ingest._undo import UndoRefused, UndoResult, undo_import

__all__ = [
    "FORMATS",
    "IMPORT_COLUMNS",
    "LARGE_INPUT_BYTES",
    "REJECTED_COLUMNS",
    "SCRATCH_PREFIX",
    "SUFFIXES",
    "Combine",
    "Destination",
    "ImportFailed",
    "ImportSummary",
    "Mapping",
    "MappingError",
    "OpenWarehouse",
    "Rejection",
    "UndoRefused",
    "UndoResult",
    "WarehouseFile",
    "format_names",
    "import_files",
    "import_log",
    "likely_encoding",
    "load_mapping",
    "parse_mapping",
    "read_mapping_file",
    "rejected_rows",
    "undo_import",
    "warehouse_destination",
]
