"""Built-in formats: named mappings for well-known exports, chosen with ``--format NAME``.

A format is a mapping dict (the keys of a mapping YAML, see ``kpidesk.ingest._mapping``) registered
under its name, and the name is the default ``source`` of what it imports. Supporting another export
means adding one entry to ``FORMATS``; a user's ``--mapping`` is layered over it.
"""

from __future__ import annotations

import copy
from typing import Any

from kpidesk.ingest._errors import MappingError

__all__ = ["FORMATS", "format_mapping", "format_names"]

#: name → mapping dict. No vendor format ships yet.
FORMATS: dict[str, dict[str, Any]] = {}


def format_names() -> tuple[str, ...]:
    return tuple(sorted(FORMATS))


def format_mapping(name: str) -> dict[str, Any]:
    """A copy of the format's mapping dict, safe to layer a user mapping over."""
    try:
        return copy.deepcopy(FORMATS[name])
    except KeyError:
        known = ", ".join(format_names()) or "none are built in yet"
        raise MappingError(f"unknown format {name!r}; known formats: {known}") from None
