"""A spinner on stderr for long steps that report no progress of their own (e.g. deriving facts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

__all__ = ["status"]


@contextmanager
def status(message: str, enabled: bool) -> Iterator[None]:
    """Show `message` with a spinner while the block runs, when `enabled`; stdout stays clean."""
    if not enabled:
        yield
        return
    with Console(stderr=True).status(message):
        yield
