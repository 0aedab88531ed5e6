"""Results kept in memory until the warehouse changes, so a dashboard asking again is answered at once:
KPIs, target status, the values of a dimension, the data's last day.

A result is stored under its question (workspace, settings, query) together with the warehouse's
generation (`kpidesk.facts.facts_generation`: every import, undo and fact refresh changes it). It is
given back only while the generation is the same, so a stale figure is never served. Once a generation
has been read, the warehouse files' stamp (sizes and modification times) stands for it, so that asking
again while the files are untouched needs no connection at all.

What is given back is a copy (a frame's is deep), so a caller changing its answer changes no one else's.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

__all__ = ["ResultsCache"]


class ResultsCache:
    """The latest `capacity` results, each valid for one warehouse generation; safe across threads."""

    def __init__(self, capacity: int = 256) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[Hashable, tuple[Hashable, Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, generation: Hashable, stamp: Hashable = None) -> Any | None:
        """A copy of the result stored for `key` at `generation`, or None. With a `stamp` (taken before
        `generation` was read), the stamp stands for that generation from now on."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != generation:
                return None
            self._entries[key] = (generation, stamp, entry[2])
            self._entries.move_to_end(key)
            return copy.copy(entry[2])

    def get_unchanged(self, key: Hashable, stamp: Hashable) -> Any | None:
        """A copy of the result stored for `key` when the files still carry the `stamp` its generation was
        confirmed under, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or stamp is None or entry[1] != stamp:
                return None
            self._entries.move_to_end(key)
            return copy.copy(entry[2])

    def put(self, key: Hashable, generation: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = (generation, None, copy.copy(value))
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
