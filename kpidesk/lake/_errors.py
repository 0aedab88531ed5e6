"""The one error of the lake: what is missing or unreadable, and what to run to put it right."""

from __future__ import annotations

from kpidesk import KpideskError

__all__ = ["LakeError"]


class LakeError(KpideskError, RuntimeError):
    """The lake has no manifest, its manifest cannot be read, or a file it names is gone; the message
    names the table, partition and file and says to run `kpidesk lake export` again."""
