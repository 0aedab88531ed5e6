"""Which zone an import reads timestamps written without an offset in, and why.

The first that names one wins: the user (`--timezone`), the mapping (`timezone:`), the built-in format
whose exports are documented in one zone (UTC for APIs that write `Z` or Unix time), else the workspace's
own zone, which is where a helpdesk or switch that writes local time most likely stands.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["NaiveZone", "naive_zone"]


class NaiveZone(NamedTuple):
    """The zone of naive timestamps and, in words, who chose it."""

    zone: str
    chosen_by: str


def naive_zone(
    *,
    asked: str | None,
    mapping: str | None,
    format_zone: str | None,
    format_title: str | None,
    workspace: str,
) -> NaiveZone:
    """The zone an import reads naive timestamps in (see the module docstring for the order)."""
    if asked:
        return NaiveZone(asked, "the timezone option")
    if mapping:
        return NaiveZone(mapping, "the mapping's timezone")
    if format_zone:
        return NaiveZone(format_zone, f"the {format_title} format's")
    return NaiveZone(workspace, "the workspace's")
