"""The built-in export formats, by the name `--format` takes."""

from __future__ import annotations

import importlib
import pkgutil

from kpidesk.ingest._errors import MappingError
from kpidesk.ingest.exports import formats
from kpidesk.ingest.exports._format import ExportFormat

__all__ = ["EXPORT_FORMATS", "export_format", "export_format_names"]


def _discover() -> dict[str, ExportFormat]:
    """Every module of `kpidesk.ingest.exports.formats` defines one format as its `FORMAT`."""
    found: dict[str, ExportFormat] = {}
    for module in sorted(pkgutil.iter_modules(formats.__path__), key=lambda m: m.name):
        export = importlib.import_module(f"{formats.__name__}.{module.name}").FORMAT
        if not isinstance(export, ExportFormat):
            raise TypeError(f"{module.name}.FORMAT is not an ExportFormat")
        if export.name in found:
            raise ValueError(f"export format {export.name!r} is defined twice")
        found[export.name] = export
    return found


#: name → format, one per module of `kpidesk.ingest.exports.formats`.
EXPORT_FORMATS: dict[str, ExportFormat] = _discover()


def export_format_names() -> tuple[str, ...]:
    return tuple(sorted(EXPORT_FORMATS))


def export_format(name: str) -> ExportFormat:
    try:
        return EXPORT_FORMATS[name]
    except KeyError:
        known = ", ".join(export_format_names()) or "none"
        raise MappingError(f"unknown format {name!r}; known formats: {known}") from None
