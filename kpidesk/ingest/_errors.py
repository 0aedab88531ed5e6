"""The two ways an import stops as a whole, each with a message a user can act on."""

from __future__ import annotations

from kpidesk import KpideskError

__all__ = ["ImportFailed", "MappingError"]


class ImportFailed(KpideskError):
    """A problem with a whole file (or the import as a whole); nothing was written.

    The message names the file, the line and column where it applies, and what was expected, so the
    command line can print it as is instead of a traceback.
    """


class MappingError(ImportFailed):
    """The mapping (YAML file, dict or built-in format) says something the importer cannot use.

    The message names the mapping key, e.g. ``combine.arrived_at.date``.
    """
