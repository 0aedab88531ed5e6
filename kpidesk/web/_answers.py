"""Answers of the pages kept in memory under the workspace's data version (`kpidesk.data_version`): a page
asked again with the same question by the same audience is answered without touching the warehouse, and
no answer outlives an import (by any process) or a change to targets.yaml."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["Answers"]

T = TypeVar("T")


class Answers:
    """The latest `capacity` answers; safe across the server's threads. Keep only immutable answers (frozen
    dataclasses of tuples): the same object is handed to every request."""

    def __init__(self, workspace: Any, capacity: int = 512) -> None:
        self._workspace = workspace
        self._capacity = capacity
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, question: Hashable, compute: Callable[[], T]) -> T:
        """The kept answer to `question` (which must name the page, the audience and every parameter) at
        the data's current version, else `compute()`'s, kept."""
        import kpidesk

        key = (kpidesk.data_version(self._workspace), question)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                answer: T = self._entries[key]
                return answer
        answer = compute()
        with self._lock:
            self._entries[key] = answer
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
