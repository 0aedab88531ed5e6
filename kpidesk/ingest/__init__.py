"""Import: files from helpdesks and call centers into the canonical tables, as one transaction.

CSV/TSV/TXT (any delimiter), JSON, JSON lines, Parquet and XLSX are read by DuckDB (XLSX through a
temporary Parquet file), validated in SQL against the canonical schema, and upserted on each table's
key. Rows that fail validation are kept in `rejected_rows` with file, line, column and reason; a problem
with a whole file raises ImportFailed and leaves the warehouse as it was. See docs/importing.md.
"""

from kpidesk.ingest._errors import ImportFailed, MappingError
from kpidesk.ingest._formats import FORMATS, format_names
from kpidesk.ingest._importer import import_files
from kpidesk.ingest._mapping import Combine, Mapping, load_mapping, parse_mapping
from kpidesk.ingest._progress import LARGE_INPUT_BYTES
from kpidesk.ingest._readers import SUFFIXES
from kpidesk.ingest._summary import ImportSummary, Rejection

__all__ = [
    "FORMATS",
    "LARGE_INPUT_BYTES",
    "SUFFIXES",
    "Combine",
    "ImportFailed",
    "ImportSummary",
    "Mapping",
    "MappingError",
    "Rejection",
    "format_names",
    "import_files",
    "load_mapping",
    "parse_mapping",
]
